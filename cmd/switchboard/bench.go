package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard/switchboard/internal/ocitest"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// benchOptions configures `switchboard bench`.
type benchOptions struct {
	users    int
	conns    int
	batch    int
	duration time.Duration
	keep     bool
	profile  string
}

// The bench command measures the server the way clients load it: it
// starts `switchboard serve` as a child process on a fresh data folder
// (durable SQLite), drives it over real TCP connections with the project's
// minimal client, and reports throughput, latency, the server's peak
// memory and the load generator's own CPU time, so that the figures are
// the server's and the generator's cost is visible.
func newBenchCmd() *cobra.Command {
	var o benchOptions
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Measure the OCI-P server: consolidated adds, user gets, a 100k-user system list",
		Long: "Start a server on a temporary data folder and measure, over real TCP:\n" +
			"  1. UserConsolidatedAddRequest22 sustained (documents of --batch commands on --conns connections),\n" +
			"     until --users users exist;\n" +
			"  2. UserGetRequest23V2 on --conns connections, --batch commands per document, for --duration;\n" +
			"  3. UserGetListInSystemRequest over all users.\n" +
			"Reports commands/s, document latency percentiles, the server's peak RSS and the\n" +
			"load generator's CPU time.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBench(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	cmd.AddCommand(newBenchClientCmd(), newBenchO2GCmd())
	f := cmd.Flags()
	f.IntVar(&o.users, "users", 100_000, "users to provision (and to list)")
	f.IntVar(&o.conns, "conns", 50, "concurrent connections")
	f.IntVar(&o.batch, "batch", 15, "commands per document (1..15)")
	f.DurationVar(&o.duration, "duration", 10*time.Second, "duration of the get phase")
	f.BoolVar(&o.keep, "keep", false, "keep the temporary data folder")
	f.StringVar(&o.profile, "server-cpu-profile", "", "have the server write a CPU profile to this file")
	return cmd
}

const benchPassword = "Bench-pass-1"

func runBench(ctx context.Context, o benchOptions, out io.Writer) error {
	if o.batch < 1 || o.batch > 15 || o.conns < 1 || o.users < 1 {
		return errors.New("bench: --batch must be 1..15, --conns and --users at least 1")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	srv, err := startBenchServer(o.keep, o.profile)
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Fprintf(out, "server: pid %d, data %s (SQLite, synchronous=FULL), OCI-P %s\n", srv.cmd.Process.Pid, srv.dir, srv.addr)
	fmt.Fprintf(out, "load: %d connections, %d commands per document\n\n", o.conns, o.batch)

	conns := make([]*ocitest.Conn, o.conns)
	for i := range conns {
		c, err := ocitest.Dial(srv.addr, nil)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := c.Login("bench", benchPassword); err != nil {
			return fmt.Errorf("bench: login: %w", err)
		}
		conns[i] = c
	}
	setup := []ocixml.Command{
		&system.SystemDomainAddRequest{Domain: "bench.example"},
		&deprecated.ServiceProviderAddRequest13mp2{ServiceProviderID: "benchsp", DefaultDomain: "bench.example", IsEnterprise: true},
	}
	for _, c := range setup {
		if _, err := conns[0].One(c); err != nil {
			return fmt.Errorf("bench: setup %s: %w", c.XSIType(), err)
		}
	}

	// Phase 1: consolidated adds. Groups of 10,000 users, created by the
	// first add into each (groupProperties), as a bulk load would.
	userID := func(i int) string { return "user" + strconv.Itoa(i) + "@bench.example" }
	var next atomic.Int64
	cpu0 := cpuTime()
	res, err := drive(conns, o.batch, func(ci int) []ocixml.Command {
		cmds := make([]ocixml.Command, 0, o.batch)
		for len(cmds) < o.batch {
			i := int(next.Add(1)) - 1
			if i >= o.users {
				break
			}
			g := "g" + strconv.Itoa(i/10_000)
			cmds = append(cmds, &user.UserConsolidatedAddRequest22{
				ServiceProviderID: ocixml.Ptr(datatypes.ServiceProviderId("benchsp")), GroupID: ocixml.Ptr(datatypes.GroupId(g)),
				GroupProperties: &datatypes.ConsolidatedGroupProperties{DefaultDomain: "bench.example", UserLimit: 10_000},
				UserID:          datatypes.UserId(userID(i)), LastName: datatypes.LastName("Last" + strconv.Itoa(i)),
				FirstName: "First", CallingLineIDLastName: "Last", CallingLineIDFirstName: "First",
				Password: ocixml.Ptr(datatypes.Password("User-pass-1")),
			})
		}
		return cmds
	}, 0)
	if err != nil {
		return err
	}
	res.report(out, "UserConsolidatedAddRequest22 (durable SQLite)", cpuTime()-cpu0)

	// Phase 2: gets of random existing users.
	var seed atomic.Uint64
	cpu0 = cpuTime()
	res, err = drive(conns, o.batch, func(ci int) []ocixml.Command {
		cmds := make([]ocixml.Command, o.batch)
		for k := range cmds {
			x := seed.Add(0x9E3779B97F4A7C15)
			cmds[k] = &user.UserGetRequest23V2{UserID: datatypes.UserId(userID(int(x>>1) % o.users))}
		}
		return cmds
	}, o.duration)
	if err != nil {
		return err
	}
	res.report(out, "UserGetRequest23V2", cpuTime()-cpu0)

	// Phase 3: the system-wide list, sequentially on one connection.
	var times []time.Duration
	rows := 0
	for range 5 {
		t0 := time.Now()
		r, err := conns[0].One(&user.UserGetListInSystemRequest{})
		if err != nil {
			return fmt.Errorf("bench: list: %w", err)
		}
		times = append(times, time.Since(t0))
		rows = r.(*user.UserGetListInSystemResponse).UserTable.Len()
	}
	slices.Sort(times)
	fmt.Fprintf(out, "UserGetListInSystemRequest: %d rows, best %v, median %v (5 runs, end to end incl. client decode)\n",
		rows, times[0].Round(time.Millisecond), times[2].Round(time.Millisecond))
	fmt.Fprintf(out, "server peak RSS: %s; current RSS: %s\n", srv.rss("VmHWM"), srv.rss("VmRSS"))
	return nil
}

// result is one phase's measurements.
type result struct {
	commands int
	docs     []time.Duration
	elapsed  time.Duration
	errors   int
	firstErr string
}

func (r *result) report(out io.Writer, name string, clientCPU time.Duration) {
	slices.Sort(r.docs)
	pct := func(p float64) time.Duration {
		if len(r.docs) == 0 {
			return 0
		}
		return r.docs[min(len(r.docs)-1, int(float64(len(r.docs))*p))]
	}
	rate := float64(r.commands) / r.elapsed.Seconds()
	fmt.Fprintf(out, "%s: %d commands in %v = %.0f commands/s; document latency p50 %v p99 %v; load generator CPU %v (%.0f%% of one core)\n",
		name, r.commands, r.elapsed.Round(time.Millisecond), rate, pct(0.5).Round(time.Microsecond), pct(0.99).Round(time.Microsecond),
		clientCPU.Round(time.Millisecond), 100*clientCPU.Seconds()/r.elapsed.Seconds())
	if r.errors > 0 {
		fmt.Fprintf(out, "  %d commands answered with ErrorResponse; first: %s\n", r.errors, r.firstErr)
	}
}

// drive runs one goroutine per connection, each sending the documents
// gen returns until gen returns none or duration (if > 0) has passed.
func drive(conns []*ocitest.Conn, batch int, gen func(ci int) []ocixml.Command, duration time.Duration) (*result, error) {
	var mu sync.Mutex
	res := &result{}
	var wg sync.WaitGroup
	var firstErr error
	start := time.Now()
	deadline := start.Add(duration)
	for ci, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			n, bad, msg := 0, 0, ""
			for duration <= 0 || time.Now().Before(deadline) {
				cmds := gen(ci)
				if len(cmds) == 0 {
					break
				}
				t0 := time.Now()
				resp, err := c.Do(cmds...)
				if err != nil {
					mu.Lock()
					firstErr = cmp(firstErr, err)
					mu.Unlock()
					return
				}
				lat = append(lat, time.Since(t0))
				n += len(cmds)
				for _, r := range resp {
					if e, ok := r.(*core.ErrorResponse); ok {
						bad++
						if msg == "" {
							msg = e.Summary
						}
					}
				}
			}
			mu.Lock()
			res.commands += n
			res.docs = append(res.docs, lat...)
			res.errors += bad
			if res.firstErr == "" {
				res.firstErr = msg
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res, firstErr
}

func cmp(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// cpuTime is this process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type benchServer struct {
	cmd  *exec.Cmd
	addr string
	// httpsAddr and caFile are set when the server was started with HTTPS
	// (for O2G).
	httpsAddr, caFile string
	done              chan struct{}
	// dir is the data folder's parent, removed by stop unless keep.
	dir  string
	keep bool
}

var (
	benchListenRE = regexp.MustCompile(`listening"? transport=tcp addr=(\S+)`)
	benchHTTPSRE  = regexp.MustCompile(`msg=listening service=https addr=(\S+)`)
	benchCARE     = regexp.MustCompile(`generated CA; give clients this CA file" ca=(\S+)`)
)

// startBenchServer starts `switchboard serve` on a new temporary data
// folder, which stop removes unless keep. With "--https-addr" in extra,
// the HTTPS listener (O2G) runs too and the function waits for its
// address and CA.
func startBenchServer(keep bool, profile string, extra ...string) (srv *benchServer, err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "switchboard-bench")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && !keep {
			os.RemoveAll(dir)
		}
	}()
	https := slices.Contains(extra, "--https-addr")
	args := []string{"serve", "--data-dir", filepath.Join(dir, "data"), "--ocip-addr", "127.0.0.1:0",
		"--ocip-tls-addr", "", "--http-addr", "", "--admin-user", "bench"}
	if !https {
		args = append(args, "--https-addr", "")
	}
	cmd := exec.Command(exe, append(args, extra...)...)
	if profile != "" {
		cmd.Args = append(cmd.Args, "--cpu-profile", profile)
	}
	cmd.Env = append(os.Environ(), "SWITCHBOARD_ADMIN_PASSWORD="+benchPassword)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &benchServer{cmd: cmd, dir: dir, keep: keep, done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		signalled := false
		for sc.Scan() {
			line := sc.Text()
			if m := benchListenRE.FindStringSubmatch(line); m != nil {
				s.addr = m[1]
			}
			if m := benchHTTPSRE.FindStringSubmatch(line); m != nil {
				s.httpsAddr = m[1]
			}
			if m := benchCARE.FindStringSubmatch(line); m != nil {
				s.caFile = m[1]
			}
			if !signalled && s.addr != "" && (!https || s.httpsAddr != "" && s.caFile != "") {
				signalled = true
				close(ready)
			}
		}
		cmd.Wait()
		close(s.done)
	}()
	select {
	case <-ready:
		return s, nil
	case <-s.done:
		return nil, errors.New("bench: the server exited at start")
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		return nil, errors.New("bench: the server did not start")
	}
}

func (s *benchServer) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	if !s.keep {
		os.RemoveAll(s.dir)
	}
}

// rss reads a memory field of the server from /proc (Linux).
func (s *benchServer) rss(field string) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
