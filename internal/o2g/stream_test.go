package o2g

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store/sqlstore"
)

// InjectUserEvent emits an event about user userID, as a feature of the
// facade would: its JSON object is fields plus eventName and the user's
// loginName. For the external tests, which cannot reach emit.
func (s *Server) InjectUserEvent(pkg, name, userID string, fields map[string]any) error {
	sys := &provisioning.Actor{ID: "o2g-test", Level: provisioning.LevelSystem}
	d, err := s.core.User(context.Background(), sys, userID)
	if err != nil {
		return err
	}
	ref := &userRef{id: d.User.ID, login: s.loginNameOf(d.User), d: d}
	obj := map[string]any{"eventName": name, "loginName": ref.login}
	for k, v := range fields {
		obj[k] = v
	}
	ev, err := userEventOf(pkg, name, ref, obj)
	if err != nil {
		return err
	}
	s.emit(ev)
	return nil
}

// SubscriptionCount is the number of live subscriptions.
func (s *Server) SubscriptionCount() int {
	s.hub.mu.RLock()
	defer s.hub.mu.RUnlock()
	return len(s.hub.subs)
}

const streamAdminPassword = "Stream-test-pass-1"

// streamServer is an O2G server of its own over a bare core (one System
// administrator), with short stream timings, on an httptest TLS server
// whose ReadTimeout is shorter than the tests' streams live.
func streamServer(t *testing.T, keepAlive, grace time.Duration) (*Server, *o2gtest.Client) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bus := events.NewMemory()
	core := provisioning.New(st, provisioning.Options{Events: bus})
	if _, _, err := core.Bootstrap(ctx, "admin", streamAdminPassword); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Core: core, Bus: bus, StreamKeepAlive: keepAlive, StreamGrace: grace})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(s.Handler())
	hs.Config.ReadTimeout = 700 * time.Millisecond
	hs.StartTLS()
	t.Cleanup(func() { s.Close(); hs.Close() })
	c := o2gtest.New(hs.Listener.Addr().String(), hs.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs)
	if err := c.Login(ctx, "admin", streamAdminPassword, "stream-test"); err != nil {
		t.Fatal(err)
	}
	return s, c
}

// systemEvent is an event of no user in the system package.
func systemEvent(t *testing.T, n int) outEvent {
	t.Helper()
	line, err := json.Marshal(map[string]any{"eventName": "OnPbxLoaded", "nodeId": fmt.Sprint(n)})
	if err != nil {
		t.Fatal(err)
	}
	return outEvent{pkg: "system", name: "OnPbxLoaded", line: line}
}

func subscribeSystem(t *testing.T, c *o2gtest.Client, timeout any) o2gtest.Subscription {
	t.Helper()
	body := map[string]any{"filter": map[string]any{"selectors": []any{map[string]any{"ids": []string{}, "names": []string{"system"}}}},
		"version": "1.0"}
	if timeout != nil {
		body["timeout"] = timeout
	}
	sub, err := c.Subscribe(context.Background(), body)
	if err != nil || sub.Status != "ACCEPTED" {
		t.Fatalf("subscribe: %+v %v", sub, err)
	}
	return sub
}

func openStream(t *testing.T, c *o2gtest.Client, sub o2gtest.Subscription) *o2gtest.Stream {
	t.Helper()
	st, err := c.OpenStream(context.Background(), c.PollingURL(sub))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	l, err := st.NextRaw(2 * time.Second)
	if err != nil || string(l) != `{"eventName":"OnChannelInformation","text":"channel established"}` {
		t.Fatalf("first line %q %v", l, err)
	}
	return st
}

func wantNodes(t *testing.T, st *o2gtest.Stream, nodes ...int) {
	t.Helper()
	for _, n := range nodes {
		ev, err := st.NextEvent(2 * time.Second)
		if err != nil || ev["eventName"] != "OnPbxLoaded" || ev["nodeId"] != fmt.Sprint(n) {
			t.Fatalf("want OnPbxLoaded node %d, got %v %v", n, ev, err)
		}
	}
}

func wantEnd(t *testing.T, st *o2gtest.Stream, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ev, err := st.Next(time.Until(deadline) + 10*time.Millisecond)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("stream did not end: %v", err)
		}
		if ev["eventName"] != "OnChannelInformation" {
			t.Fatalf("event %v while waiting for the end", ev)
		}
	}
}

func wantDead(t *testing.T, c *o2gtest.Client, sub o2gtest.Subscription) {
	t.Helper()
	st, err := c.OpenStream(context.Background(), c.PollingURL(sub))
	if err == nil {
		st.Close()
		t.Fatal("a dead subscription's stream opened")
	}
	var e *o2gtest.Error
	if !errors.As(err, &e) || e.Status != http.StatusNotFound || e.Type() != "NOT_FOUND" {
		t.Fatalf("dead subscription: %v", err)
	}
}

// Keepalive lines come after StreamKeepAlive without traffic, exactly as
// specified, and the stream outlives the HTTP server's ReadTimeout.
func TestStreamKeepAliveAndDeadlines(t *testing.T) {
	s, c := streamServer(t, 150*time.Millisecond, time.Minute)
	sub := subscribeSystem(t, c, 0)
	st := openStream(t, c, sub)
	if ct := st.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q", ct)
	}
	if te := st.Response().TransferEncoding; len(te) != 1 || te[0] != "chunked" || st.Response().ContentLength != -1 {
		t.Fatalf("transfer encoding %v, length %d", te, st.Response().ContentLength)
	}
	start := time.Now()
	for time.Since(start) < 1500*time.Millisecond { // twice the ReadTimeout
		l, err := st.NextRaw(time.Second)
		if err != nil || string(l) != `{"eventName":"OnChannelInformation","text":"keepalive"}` {
			t.Fatalf("keepalive line %q %v", l, err)
		}
	}
	s.emit(systemEvent(t, 7))
	wantNodes(t, st, 7)
}

// Events published between the subscription and the stream's opening,
// and while the client reconnects within the grace period, arrive in
// order; past the grace the subscription is gone.
func TestStreamQueueGraceReconnect(t *testing.T) {
	s, c := streamServer(t, time.Minute, 400*time.Millisecond)
	sub := subscribeSystem(t, c, nil)
	s.emit(systemEvent(t, 1), systemEvent(t, 2))
	st := openStream(t, c, sub)
	wantNodes(t, st, 1, 2)
	st.Close()
	time.Sleep(50 * time.Millisecond) // let the server see the disconnection
	for n := 3; n <= 6; n++ {
		s.emit(systemEvent(t, n))
	}
	st2 := openStream(t, c, sub)
	wantNodes(t, st2, 3, 4, 5, 6)
	st2.Close()
	time.Sleep(600 * time.Millisecond)
	if n := s.SubscriptionCount(); n != 0 {
		t.Fatalf("%d subscriptions after the grace period", n)
	}
	wantDead(t, c, sub)

	// Never opened: the grace counts from the subscription.
	sub2 := subscribeSystem(t, c, nil)
	time.Sleep(600 * time.Millisecond)
	wantDead(t, c, sub2)
}

// The inactivity timeout ends the subscription after its timeout without
// events; every event pushes it back; 0 means none.
func TestStreamInactivityTimeout(t *testing.T) {
	old := timeoutUnit
	timeoutUnit = 100 * time.Millisecond // the timeout's minute, shrunk
	t.Cleanup(func() { timeoutUnit = old })
	s, c := streamServer(t, time.Minute, time.Minute)

	sub := subscribeSystem(t, c, 3) // 300 ms
	st := openStream(t, c, sub)
	for n := range 4 {
		time.Sleep(150 * time.Millisecond)
		s.emit(systemEvent(t, n))
		wantNodes(t, st, n)
	}
	wantEnd(t, st, time.Second)
	wantDead(t, c, sub)

	sub = subscribeSystem(t, c, "0")
	st = openStream(t, c, sub)
	time.Sleep(600 * time.Millisecond)
	s.emit(systemEvent(t, 9))
	wantNodes(t, st, 9)
}

// Closing the server ends its streams.
func TestStreamServerClose(t *testing.T) {
	s, c := streamServer(t, time.Minute, time.Minute)
	sub := subscribeSystem(t, c, nil)
	st := openStream(t, c, sub)
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	wantEnd(t, st, 2*time.Second)
	<-done
	if !strings.Contains(c.PollingURL(sub), "/api/rest/OTEvents?subscriptionId=") {
		t.Fatalf("polling URL %s", c.PollingURL(sub))
	}
}

// EndSessionsOf ends every session acting as login, as the purge or a
// restart would, for the recovery tests.
func (s *Server) EndSessionsOf(login string) int {
	n := 0
	for _, se := range s.sessions.all() {
		if se.login() == login {
			s.endSession(se)
			n++
		}
	}
	return n
}
