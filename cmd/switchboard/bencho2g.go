package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/deprecatedgroup"
	"github.com/switchboard/switchboard/ocip/schema/group"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/service"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// benchO2GOptions configures `switchboard bench o2g`.
type benchO2GOptions struct {
	sessions int
	rate     int
	duration time.Duration
	profile  string
}

// The O2G bench measures the event path end to end, as deployments load
// it: --sessions users each hold an O2G session with a routing
// subscription and an open chunk stream; OCI-P then changes their
// do-not-disturb state at --rate changes per second, and every change
// must come out of the changed user's stream as OnRoutingStateChanged.
// Latency runs from the OCI-P request being sent to the event line being
// read, so it includes the OCI-P round trip and the commit.
func newBenchO2GCmd() *cobra.Command {
	var o benchO2GOptions
	cmd := &cobra.Command{
		Use:   "o2g",
		Short: "Measure O2G: many sessions holding event streams, event fan-out latency, memory per session",
		Long: "Start a server on a temporary data folder, provision --sessions users over OCI-P,\n" +
			"open one O2G session, subscription and chunk stream per user, then change users'\n" +
			"do-not-disturb over OCI-P at --rate changes/s for --duration and time each\n" +
			"OnRoutingStateChanged from the OCI-P request to its arrival on the stream.\n" +
			"Reports the server's memory per idle session and the delivery latency percentiles.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBenchO2G(cmd.Context(), o, cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.sessions, "sessions", 2000, "O2G sessions, each holding a chunk stream")
	f.IntVar(&o.rate, "rate", 2000, "routing changes (events) per second")
	f.DurationVar(&o.duration, "duration", 10*time.Second, "duration of the event phase")
	f.StringVar(&o.profile, "server-cpu-profile", "", "have the server write a CPU profile to this file")
	return cmd
}

// benchUser is one user's session and its pending change: at most one
// at a time, so each event is attributable to one request.
type benchUser struct {
	id, login string
	dnd       bool // the state last requested

	mu sync.Mutex
	// pending: a change was sent and its ack or its event is awaited;
	// sent, acked and arrived time it (zero: not yet).
	pending              bool
	sent, acked, arrived time.Time
}

// latencies collects the two latencies of each completed change.
type latencies struct {
	mu                sync.Mutex
	fromSend, fromAck []time.Duration
}

// complete records u's change if both its ack and its event are in, and
// frees u for the next change.
func (u *benchUser) complete(l *latencies) {
	if u.acked.IsZero() || u.arrived.IsZero() {
		return
	}
	l.mu.Lock()
	l.fromSend = append(l.fromSend, u.arrived.Sub(u.sent))
	l.fromAck = append(l.fromAck, max(u.arrived.Sub(u.acked), 0))
	l.mu.Unlock()
	u.pending = false
}

func runBenchO2G(ctx context.Context, o benchO2GOptions, out io.Writer) error {
	if o.sessions < 1 || o.sessions > 9000 || o.rate < 1 {
		return errors.New("bench o2g: --sessions must be 1..9000 (two numbers a user in one 10,000 range), --rate at least 1")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	srv, err := startBenchServer(false, o.profile, "--https-addr", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.stop()
	pem, err := os.ReadFile(srv.caFile)
	if err != nil {
		return fmt.Errorf("bench o2g: %w", err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	fmt.Fprintf(out, "server: pid %d, OCI-P %s, O2G https://%s/api/rest\n", srv.cmd.Process.Pid, srv.addr, srv.httpsAddr)

	oc, err := ocip.Dial(ctx, ocip.Config{Addr: srv.addr, User: "bench", Password: benchPassword, Conns: 8})
	if err != nil {
		return fmt.Errorf("bench o2g: %w", err)
	}
	defer oc.Close()
	users, err := provisionO2GUsers(ctx, oc, o.sessions)
	if err != nil {
		return err
	}
	rss0 := srv.rssKB("VmRSS")

	// One shared transport for the REST calls (the sessions differ by
	// cookie jar, not by connection), and one connection per stream.
	rest := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, MaxIdleConnsPerHost: 64}
	streamTr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, MaxIdleConnsPerHost: -1}
	var (
		lat     latencies
		got     atomic.Int64
		stray   atomic.Int64
		streams sync.WaitGroup
	)
	sctx, stopStreams := context.WithCancel(ctx)
	defer func() { stopStreams(); streams.Wait() }()
	t0 := time.Now()
	opened := make(chan error, o.sessions)
	sem := make(chan struct{}, 32)
	for _, u := range users {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			c := o2gtest.New(srv.httpsAddr, roots)
			c.HTTP.Transport = rest
			c.Stream.Transport = streamTr
			if err := c.Login(ctx, u.login, "1234", "bench"); err != nil {
				opened <- err
				return
			}
			var sub struct {
				Status    string `json:"status"`
				PublicURL string `json:"publicPollingUrl"`
			}
			body := map[string]any{"filter": map[string]any{"selectors": []any{map[string]any{"ids": []string{}, "names": []string{"routingManagement"}}}},
				"version": "1.0", "timeout": 0}
			if err := c.Do(ctx, http.MethodPost, "/subscriptions", body, &sub); err != nil || sub.Status != "ACCEPTED" {
				opened <- fmt.Errorf("subscription for %s: %v %s", u.login, err, sub.Status)
				return
			}
			req, _ := http.NewRequestWithContext(sctx, http.MethodPost, sub.PublicURL, nil)
			req.Header.Set("Accept", "*/*")
			resp, err := c.Stream.Do(req)
			if err != nil {
				opened <- err
				return
			}
			if resp.StatusCode != http.StatusOK {
				resp.Body.Close()
				opened <- fmt.Errorf("stream for %s: HTTP %d", u.login, resp.StatusCode)
				return
			}
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			if !sc.Scan() {
				resp.Body.Close()
				opened <- fmt.Errorf("stream for %s ended before its first line", u.login)
				return
			}
			opened <- nil
			streams.Go(func() {
				defer resp.Body.Close()
				for sc.Scan() {
					var ev struct {
						EventName string `json:"eventName"`
					}
					if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.EventName != "OnRoutingStateChanged" {
						continue
					}
					now := time.Now()
					u.mu.Lock()
					if !u.pending || !u.arrived.IsZero() {
						u.mu.Unlock()
						stray.Add(1)
						continue
					}
					u.arrived = now
					u.complete(&lat)
					u.mu.Unlock()
					got.Add(1)
				}
			})
		}()
	}
	for range users {
		if err := <-opened; err != nil {
			return fmt.Errorf("bench o2g: %w", err)
		}
	}
	openTime := time.Since(t0)
	time.Sleep(2 * time.Second) // let the server settle before reading its memory
	rss1 := srv.rssKB("VmRSS")
	fmt.Fprintf(out, "%d sessions with subscription and open stream in %v; server RSS %d MB before, %d MB after: %.1f KB per idle session\n",
		len(users), openTime.Round(time.Millisecond), rss0/1024, rss1/1024, float64(rss1-rss0)/float64(len(users)))

	// Event phase: every tick sends one document of changes to users with
	// no change pending, so each event is attributable to one request.
	const perDoc = ocip.MaxCommands
	interval := time.Duration(float64(time.Second) * perDoc / float64(o.rate))
	cpuClient0 := cpuTime()
	cpuServer0, _ := srv.cpu()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	end := time.Now().Add(o.duration)
	var sent atomic.Int64
	var wg sync.WaitGroup
	next := 0
	for time.Now().Before(end) {
		<-tick.C
		reqs := make([]ocixml.Command, 0, perDoc)
		batch := make([]*benchUser, 0, perDoc)
		for tries := 0; len(reqs) < perDoc && tries < len(users); tries++ {
			u := users[next%len(users)]
			next++
			u.mu.Lock()
			if u.pending {
				u.mu.Unlock()
				continue
			}
			u.pending, u.sent, u.acked, u.arrived = true, time.Now(), time.Time{}, time.Time{}
			u.dnd = !u.dnd
			u.mu.Unlock()
			reqs = append(reqs, &service.UserDoNotDisturbModifyRequest{UserID: datatypes.UserId(u.id), IsActive: ocixml.Ptr(u.dnd)})
			batch = append(batch, u)
		}
		if len(reqs) == 0 {
			continue
		}
		wg.Go(func() {
			rs, err := oc.Batch(ctx, reqs...)
			now := time.Now()
			for i, r := range rs {
				u := batch[i]
				u.mu.Lock()
				if err != nil || r.Err != nil {
					u.pending = false // no event will come
				} else {
					u.acked = now
					u.complete(&lat)
					sent.Add(1)
				}
				u.mu.Unlock()
			}
		})
	}
	wg.Wait()
	cpuClient := cpuTime() - cpuClient0
	cpuServer, _ := srv.cpu()
	cpuServer -= cpuServer0
	// Wait for the stragglers, bounded.
	for deadline := time.Now().Add(5 * time.Second); got.Load() < sent.Load() && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	lat.mu.Lock()
	pcts := func(ds []time.Duration) string {
		if len(ds) == 0 {
			return "none"
		}
		slices.Sort(ds)
		at := func(p float64) time.Duration {
			return ds[min(len(ds)-1, int(float64(len(ds))*p))].Round(10 * time.Microsecond)
		}
		return fmt.Sprintf("p50 %v, p99 %v, max %v", at(0.5), at(0.99), at(1))
	}
	fmt.Fprintf(out, "events: %d changes sent in %v (%.0f/s), %d delivered, %d unexpected\n",
		sent.Load(), o.duration, float64(sent.Load())/o.duration.Seconds(), got.Load(), stray.Load())
	fmt.Fprintf(out, "  delivery after the OCI-P answer (commit done): %s\n", pcts(lat.fromAck))
	fmt.Fprintf(out, "  from the OCI-P request (incl. the durable commit): %s\n", pcts(lat.fromSend))
	lat.mu.Unlock()
	fmt.Fprintf(out, "CPU during the event phase: server %v (%.0f%% of one core), bench client %v (%.0f%%)\n",
		cpuServer.Round(time.Millisecond), 100*cpuServer.Seconds()/o.duration.Seconds(),
		cpuClient.Round(time.Millisecond), 100*cpuClient.Seconds()/o.duration.Seconds())
	fmt.Fprintf(out, "server peak RSS: %s\n", srv.rss("VmHWM"))
	if got.Load() < sent.Load() {
		return fmt.Errorf("bench o2g: %d events were not delivered", sent.Load()-got.Load())
	}
	return nil
}

// provisionO2GUsers creates n users with numbers, the secret code 1234 and
// Do Not Disturb, in groups of 1,000.
func provisionO2GUsers(ctx context.Context, c *ocip.Client, n int) ([]*benchUser, error) {
	const domain = "o2g.bench.example"
	setup := []ocixml.Command{
		&system.SystemDomainAddRequest{Domain: domain},
		&deprecated.ServiceProviderAddRequest13mp2{ServiceProviderID: "o2gsp", DefaultDomain: domain, IsEnterprise: true},
		&provider.ServiceProviderDnAddListRequest{ServiceProviderID: "o2gsp", DnRange: []datatypes.DNRange{{MinPhoneNumber: "2025500000", MaxPhoneNumber: "2025509999"}}},
		&provider.ServiceProviderServiceModifyAuthorizationListRequest{ServiceProviderID: "o2gsp",
			UserServiceAuthorization: []datatypes.UserServiceAuthorization{{ServiceName: "Do Not Disturb", AuthorizedQuantity: &datatypes.UnboundedPositiveInt{Unlimited: true}}}},
	}
	// The setup runs in order, in one document; the groups after it five
	// to a document (three commands each), so every group's commands stay
	// together and in order.
	if err := allOK(c.Batch(ctx, setup...)); err != nil {
		return nil, fmt.Errorf("bench o2g: setup: %w", err)
	}
	setup = setup[:0]
	groups := (n + 999) / 1000
	for g := range groups {
		gid := datatypes.GroupId("g" + strconv.Itoa(g))
		setup = append(setup,
			&deprecatedgroup.GroupAddRequest{ServiceProviderID: "o2gsp", GroupID: gid, DefaultDomain: domain, UserLimit: 1000},
			&group.GroupServiceModifyAuthorizationListRequest{ServiceProviderID: "o2gsp", GroupID: gid,
				UserServiceAuthorization: []datatypes.UserServiceAuthorization{{ServiceName: "Do Not Disturb", AuthorizedQuantity: &datatypes.UnboundedPositiveInt{Unlimited: true}}}},
			&group.GroupDnAssignListRequest{ServiceProviderID: "o2gsp", GroupID: gid,
				DnRange: []datatypes.DNRange{{MinPhoneNumber: datatypes.DN("20255" + fmt.Sprintf("%05d", g*1000)), MaxPhoneNumber: datatypes.DN("20255" + fmt.Sprintf("%05d", g*1000+999))}}})
	}
	if err := allOK(c.Batch(ctx, setup...)); err != nil {
		return nil, fmt.Errorf("bench o2g: groups: %w", err)
	}
	users := make([]*benchUser, n)
	adds := make([]ocixml.Command, n)
	for i := range users {
		num := fmt.Sprintf("20255%05d", i)
		users[i] = &benchUser{id: "u" + strconv.Itoa(i) + "@" + domain, login: "oxe" + num}
		adds[i] = &user.UserConsolidatedAddRequest22{
			ServiceProviderID: ocixml.Ptr(datatypes.ServiceProviderId("o2gsp")), GroupID: ocixml.Ptr(datatypes.GroupId("g" + strconv.Itoa(i/1000))),
			UserID: datatypes.UserId(users[i].id), LastName: datatypes.LastName("L" + strconv.Itoa(i)), FirstName: "F",
			CallingLineIDLastName: "L", CallingLineIDFirstName: "F", PhoneNumber: ocixml.Ptr(datatypes.DN(num)),
			Password: ocixml.Ptr(datatypes.Password("User-pass-1")), Passcode: ocixml.Ptr(datatypes.Passcode("1234")),
			UserService: []datatypes.ConsolidatedUserServiceAssignment{{UserServiceName: "Do Not Disturb"}},
		}
	}
	if err := allOK(c.Batch(ctx, adds...)); err != nil {
		return nil, fmt.Errorf("bench o2g: users: %w", err)
	}
	return users, nil
}

// allOK is the first error of a Batch, transport or command.
func allOK(rs []ocip.Result, err error) error {
	if err != nil {
		return err
	}
	for _, r := range rs {
		if r.Err != nil {
			return r.Err
		}
	}
	return nil
}

// rssKB reads a memory field of the server in kB (Linux); 0 if unknown.
func (s *benchServer) rssKB(field string) int64 {
	v := s.rss(field)
	var kb int64
	fmt.Sscanf(v, "%d", &kb)
	return kb
}
