package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// benchClientOptions configures `switchboard bench client`.
type benchClientOptions struct {
	users      int
	conns      int
	callers    int
	duration   time.Duration
	sequential time.Duration
}

// The client bench measures the SDK, not the server: the server runs as a
// child process, so this process's CPU time is the client's alone and the
// child's (read from /proc) is the server's. Each phase reports
// commands/s and the client's share of the CPU the two spent together.
func newBenchClientCmd() *cobra.Command {
	var o benchClientOptions
	cmd := &cobra.Command{
		Use:   "client",
		Short: "Measure the Go SDK client against a local server: sequential, pooled+batched, coalesced",
		Long: "Start a server on a temporary data folder, provision --users users, then measure\n" +
			"UserGetRequest23V2 through the ocip SDK:\n" +
			"  1. one connection, one command per call (Do), for --sequential;\n" +
			"  2. --conns connections, Batch calls of 15 commands per document, for --duration;\n" +
			"  3. --conns connections, --callers goroutines each calling Do (the client coalesces\n" +
			"     concurrent calls into shared documents), for --duration.\n" +
			"Reports commands/s, the client's CPU time and its share of client+server CPU.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchClient(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.users, "users", 2_000, "users to provision; gets pick among them")
	f.IntVar(&o.conns, "conns", 8, "pooled connections for phases 2 and 3")
	f.IntVar(&o.callers, "callers", 256, "concurrent callers in phase 3")
	f.DurationVar(&o.duration, "duration", 10*time.Second, "duration of phases 2 and 3")
	f.DurationVar(&o.sequential, "sequential", 5*time.Second, "duration of phase 1")
	return cmd
}

func runBenchClient(ctx context.Context, o benchClientOptions, out io.Writer) error {
	if o.users < 1 || o.conns < 1 || o.callers < 1 {
		return errors.New("bench client: --users, --conns and --callers must be at least 1")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	srv, err := startBenchServer(false, "")
	if err != nil {
		return err
	}
	defer srv.stop()
	fmt.Fprintf(out, "server: pid %d, OCI-P %s; client: ocip SDK in this process (pid %d)\n\n", srv.cmd.Process.Pid, srv.addr, os.Getpid())

	dial := func(conns int) (*ocip.Client, error) {
		return ocip.Dial(ctx, ocip.Config{Addr: srv.addr, User: "bench", Password: benchPassword, Conns: conns})
	}
	pool, err := dial(o.conns)
	if err != nil {
		return fmt.Errorf("bench client: %w", err)
	}
	defer pool.Close()
	userID := func(i int) string { return "user" + strconv.Itoa(i) + "@bench.example" }
	setup := []ocixml.Command{
		&system.SystemDomainAddRequest{Domain: "bench.example"},
		&deprecated.ServiceProviderAddRequest13mp2{ServiceProviderID: "benchsp", DefaultDomain: "bench.example", IsEnterprise: true},
	}
	for i := range o.users {
		setup = append(setup, &user.UserConsolidatedAddRequest22{
			ServiceProviderID: ocixml.Ptr(datatypes.ServiceProviderId("benchsp")), GroupID: ocixml.Ptr(datatypes.GroupId("g")),
			GroupProperties: &datatypes.ConsolidatedGroupProperties{DefaultDomain: "bench.example", UserLimit: 100_000},
			UserID:          datatypes.UserId(userID(i)), LastName: datatypes.LastName("Last" + strconv.Itoa(i)),
			FirstName: "First", CallingLineIDLastName: "Last", CallingLineIDFirstName: "First",
			Password: ocixml.Ptr(datatypes.Password("User-pass-1")),
		})
	}
	// The domain, the provider and the first user (which creates the
	// group) must exist before the rest, so they go first, in one document.
	for _, part := range [][]ocixml.Command{setup[:3], setup[3:]} {
		rs, err := pool.Batch(ctx, part...)
		if err != nil {
			return fmt.Errorf("bench client: setup: %w", err)
		}
		for _, r := range rs {
			if r.Err != nil {
				return fmt.Errorf("bench client: setup: %w", r.Err)
			}
		}
	}

	var seed atomic.Uint64
	get := func() *user.UserGetRequest23V2 {
		x := seed.Add(0x9E3779B97F4A7C15)
		return &user.UserGetRequest23V2{UserID: datatypes.UserId(userID(int(x>>1) % o.users))}
	}
	check := func(req *user.UserGetRequest23V2, r *user.UserGetResponse23V2) error {
		if r.UserID != req.UserID {
			return fmt.Errorf("bench client: asked for %s, got %s", req.UserID, r.UserID)
		}
		return nil
	}

	// Phase 1: one connection, strictly sequential.
	one, err := dial(1)
	if err != nil {
		return fmt.Errorf("bench client: %w", err)
	}
	defer one.Close()
	ph := startPhase(srv)
	n := 0
	for end := time.Now().Add(o.sequential); time.Now().Before(end); n++ {
		req := get()
		r, err := ocip.Do[*user.UserGetResponse23V2](ctx, one, req)
		if err != nil {
			return fmt.Errorf("bench client: %w", err)
		}
		if err := check(req, r); err != nil {
			return err
		}
	}
	ph.report(out, "1 connection, sequential Do", n)

	// Phase 2: the pool, Batch calls of two documents per connection, so
	// every connection always has a document to send.
	ph = startPhase(srv)
	var total atomic.Int64
	var firstErr error
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	end := time.Now().Add(o.duration)
	var wg sync.WaitGroup
	for range o.conns {
		wg.Go(func() {
			reqs := make([]ocixml.Command, 2*ocip.MaxCommands)
			gets := make([]*user.UserGetRequest23V2, len(reqs))
			for time.Now().Before(end) {
				for i := range reqs {
					gets[i] = get()
					reqs[i] = gets[i]
				}
				rs, err := pool.Batch(ctx, reqs...)
				if err != nil {
					fail(err)
					return
				}
				for i, r := range rs {
					resp, ok := r.Response.(*user.UserGetResponse23V2)
					if r.Err != nil || !ok {
						fail(fmt.Errorf("bench client: batch: %v", r.Err))
						return
					}
					if err := check(gets[i], resp); err != nil {
						fail(err)
						return
					}
				}
				total.Add(int64(len(reqs)))
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	ph.report(out, fmt.Sprintf("%d connections, Batch (15 per document)", o.conns), int(total.Load()))

	// Phase 3: many goroutines each doing single calls on the pool.
	ph = startPhase(srv)
	total.Store(0)
	end = time.Now().Add(o.duration)
	for range o.callers {
		wg.Go(func() {
			for time.Now().Before(end) {
				req := get()
				r, err := ocip.Do[*user.UserGetResponse23V2](ctx, pool, req)
				if err != nil {
					fail(err)
					return
				}
				if err := check(req, r); err != nil {
					fail(err)
					return
				}
				total.Add(1)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	ph.report(out, fmt.Sprintf("%d connections, %d concurrent callers of Do", o.conns, o.callers), int(total.Load()))
	return nil
}

// phase measures wall time and the CPU time of this process (the client)
// and of the server child.
type phase struct {
	srv                  *benchServer
	start                time.Time
	client0, server0     time.Duration
	serverCPUUnavailable bool
}

func startPhase(srv *benchServer) *phase {
	s, err := srv.cpu()
	return &phase{srv: srv, start: time.Now(), client0: cpuTime(), server0: s, serverCPUUnavailable: err != nil}
}

func (p *phase) report(out io.Writer, name string, commands int) {
	wall := time.Since(p.start)
	client := cpuTime() - p.client0
	line := fmt.Sprintf("%s: %d commands in %v = %.0f commands/s; client CPU %v (%.0f%% of one core, %.1f µs/command)",
		name, commands, wall.Round(time.Millisecond), float64(commands)/wall.Seconds(),
		client.Round(time.Millisecond), 100*client.Seconds()/wall.Seconds(), float64(client.Microseconds())/float64(max(commands, 1)))
	if s, err := p.srv.cpu(); err == nil && !p.serverCPUUnavailable {
		server := s - p.server0
		line += fmt.Sprintf("; server CPU %v; client share %.0f%%", server.Round(time.Millisecond), 100*client.Seconds()/(client+server).Seconds())
	}
	fmt.Fprintln(out, line)
}

// cpu is the server child's user+system CPU time, from /proc (Linux).
func (s *benchServer) cpu() (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields after its
	// closing parenthesis are space-separated: utime and stime are the
	// 12th and 13th of those, in clock ticks (USER_HZ, 100 on Linux).
	_, rest, ok := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0, errors.New("bench: unexpected /proc stat format")
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("bench: unexpected /proc stat format")
	}
	return time.Duration(ut+st) * (time.Second / 100), nil
}
