package o2g

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/store/sqlstore"
)

// sessClock is a settable clock for session expiry tests.
type sessClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *sessClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *sessClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// sessTestServer is an O2G server on its own core and clock, behind an
// httptest TLS listener, with a System administrator "sys" and a group
// administrator "gadm" of sp/g, and user u@s.example.com (+1-2025550111,
// passcode 4321) in sp/g and v@s.example.com in sp/h.
func sessTestServer(t testing.TB, cfg Config) (*Server, *httptest.Server, *sessClock) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := &sessClock{t: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}
	core := provisioning.New(st, provisioning.Options{})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = core.Bootstrap(ctx, "sys", "Sys-pass-123")
	must(err)
	info, err := core.Login(ctx, "sys", provisioning.Credential{Password: "Sys-pass-123"})
	must(err)
	a := info.Actor
	must(core.AddSystemDomain(ctx, a, "s.example.com", ""))
	must(core.AddServiceProvider(ctx, a, provisioning.ServiceProviderAdd{SP: store.ServiceProvider{ID: "sp", DefaultDomain: "s.example.com", IsEnterprise: true}}))
	for _, g := range []string{"g", "h"} {
		must(core.AddGroup(ctx, a, provisioning.GroupAdd{Group: store.Group{SPID: "sp", ID: g, DefaultDomain: "s.example.com", UserLimit: 10}}))
	}
	must(core.AddSPNumbers(ctx, a, "sp", provisioning.NumberSet{Numbers: []string{"+1-2025550111"}}))
	must(core.AssignGroupNumbers(ctx, a, "sp", "g", provisioning.NumberSet{Numbers: []string{"+1-2025550111"}}))
	must(core.AddUser(ctx, a, provisioning.UserAdd{User: store.User{ID: "u@s.example.com", SPID: "sp", GroupID: "g", LastName: "U", FirstName: "U",
		CLIDLastName: "U", CLIDFirstName: "U", PhoneNumber: "+1-2025550111"}, Password: "User-pass-1", Passcode: "4321"}))
	must(core.AddUser(ctx, a, provisioning.UserAdd{User: store.User{ID: "v@s.example.com", SPID: "sp", GroupID: "h", LastName: "V", FirstName: "V",
		CLIDLastName: "V", CLIDFirstName: "V"}, Password: "User-pass-1", Passcode: "8765"}))
	must(core.AddAdmin(ctx, a, provisioning.AdminAdd{Admin: store.Admin{ID: "gadm", Level: store.LevelGroup, SPID: "sp", GroupID: "g"}, Password: "Gadm-pass-123"}))
	cfg.Core = core
	cfg.Now = clock.now
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(Root, s.Handler())
	mux.Handle(Root+"/", s.Handler())
	hs := httptest.NewTLSServer(mux)
	t.Cleanup(func() { s.Close(); hs.Close() })
	return s, hs, clock
}

func sessClient(t *testing.T, hs *httptest.Server) *o2gtest.Client {
	c := o2gtest.New(hs.Listener.Addr().String(), nil)
	c.HTTP.Transport = hs.Client().Transport
	c.Stream.Transport = hs.Client().Transport
	return c
}

// A session lives TTL seconds after its last request; the purge ends it,
// and requests with its cookie then get INVALID_SESSION.
func TestSessionTTLAndPurge(t *testing.T) {
	s, hs, clock := sessTestServer(t, Config{SessionTTL: 100 * time.Second})
	ctx := context.Background()
	c := sessClient(t, hs)
	if err := c.Login(ctx, "oxe2025550111", "4321", "ttl"); err != nil {
		t.Fatal(err)
	}
	if c.Session.TimeToLive != 100 {
		t.Fatalf("timeToLive %d", c.Session.TimeToLive)
	}
	// Requests push the deadline back.
	for range 3 {
		clock.add(80 * time.Second)
		if err := c.Keepalive(ctx); err != nil {
			t.Fatalf("keepalive within the TTL: %v", err)
		}
	}
	var se *session
	for _, x := range s.sessions.all() {
		se = x
	}
	clock.add(101 * time.Second)
	if err := c.Keepalive(ctx); err == nil {
		t.Fatal("a session past its TTL still answered")
	}
	s.purge()
	if s.sessions.count() != 0 {
		t.Fatal("the purge left the expired session")
	}
	select {
	case <-se.ended:
	default:
		t.Fatal("the expired session's ended channel is open")
	}
	// One session per authentication cookie.
	c2 := sessClient(t, hs)
	c2.Login(ctx, "sys", "Sys-pass-123", "x") // opens a session with the default TTL
	err := c2.Do(ctx, http.MethodPost, "/sessions", map[string]any{"applicationName": "x"}, nil)
	var e *o2gtest.Error
	if !errors.As(err, &e) || e.Status != http.StatusForbidden {
		// The cookie already has a session, which is refused first.
		t.Fatalf("second session on one cookie: %v", err)
	}
	// On a fresh authentication, a TTL outside 10..86400 s is refused.
	c3 := sessClient(t, hs)
	req, _ := http.NewRequest(http.MethodGet, "https://"+c3.Addr+Root+"/authenticate?version=1.0", nil)
	req.SetBasicAuth("sys", "Sys-pass-123")
	resp, err := c3.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	err = c3.Do(ctx, http.MethodPost, "https://"+c3.Addr+Base+"/sessions", map[string]any{"applicationName": "x", "timeToLive": 5}, nil)
	if !errors.As(err, &e) || e.Status != http.StatusBadRequest || e.Type() != "BAD_PARAMETER" {
		t.Fatalf("TTL 5: %v", err)
	}
}

// A supervised session is an administrator acting as one user it covers:
// it reports the user's login and is not an admin session. A group
// administrator cannot supervise a user outside its group, and a user
// cannot open a supervised session.
func TestSupervisedSession(t *testing.T) {
	_, hs, _ := sessTestServer(t, Config{})
	ctx := context.Background()
	open := func(login, secret string, account map[string]string) (o2gtest.SessionInfo, error) {
		c := sessClient(t, hs)
		var auth struct {
			PublicURL string `json:"publicUrl"`
		}
		req, _ := http.NewRequest(http.MethodGet, "https://"+c.Addr+Root+"/authenticate?version=1.0", nil)
		req.SetBasicAuth(login, secret)
		resp, err := c.HTTP.Do(req)
		if err != nil {
			return o2gtest.SessionInfo{}, err
		}
		resp.Body.Close()
		auth.PublicURL = "https://" + c.Addr + Base + "/sessions"
		var info o2gtest.SessionInfo
		err = c.Do(ctx, http.MethodPost, auth.PublicURL, map[string]any{"applicationName": "sup", "supervisedAccount": account}, &info)
		return info, err
	}
	info, err := open("gadm", "Gadm-pass-123", map[string]string{"id": "oxe2025550111", "type": "LOGIN_NAME"})
	if err != nil || info.Admin || info.Login != "oxe2025550111" {
		t.Fatalf("supervised by login name: %+v %v", info, err)
	}
	if info, err = open("sys", "Sys-pass-123", map[string]string{"id": "+1 202 555 0111", "type": "PHONE_NUMBER"}); err != nil || info.Login != "oxe2025550111" {
		t.Fatalf("supervised by phone number: %+v %v", info, err)
	}
	if _, err = open("gadm", "Gadm-pass-123", map[string]string{"id": "v@s.example.com"}); err == nil {
		t.Fatal("a group admin supervised a user of another group")
	}
	if _, err = open("oxe2025550111", "4321", map[string]string{"id": "v@s.example.com"}); err == nil {
		t.Fatal("a user opened a supervised session")
	}
	if _, err = open("sys", "Sys-pass-123", map[string]string{"id": "x", "type": "EMAIL"}); err == nil {
		t.Fatal("an unknown account type was accepted")
	}
}

// The session table is bounded.
func TestSessionLimit(t *testing.T) {
	_, hs, _ := sessTestServer(t, Config{MaxSessions: 2})
	ctx := context.Background()
	for i := range 3 {
		c := sessClient(t, hs)
		err := c.Login(ctx, "sys", "Sys-pass-123", "n")
		if i < 2 && err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			var e *o2gtest.Error
			if !errors.As(err, &e) || e.Type() != "NOT_READY" || e.Status != http.StatusServiceUnavailable {
				t.Fatalf("third session: %v", err)
			}
		}
	}
}

// Credentials granted by authenticate are bounded (twice the session
// limit): past it, authenticate answers NOT_READY instead of growing the
// table, and lapsed credentials make room again.
func TestCredentialLimit(t *testing.T) {
	s, hs, clock := sessTestServer(t, Config{MaxSessions: 2, SessionTTL: 100 * time.Second})
	auth := func() int {
		c := sessClient(t, hs)
		req, _ := http.NewRequest(http.MethodGet, "https://"+c.Addr+Root+"/authenticate?version=1.0", nil)
		req.SetBasicAuth("sys", "Sys-pass-123")
		resp, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 4 {
		if code := auth(); code != http.StatusOK {
			t.Fatalf("authentication %d: HTTP %d", i, code)
		}
	}
	if code := auth(); code != http.StatusServiceUnavailable {
		t.Fatalf("authentication past the limit: HTTP %d", code)
	}
	clock.add(101 * time.Second)
	if code := auth(); code != http.StatusOK {
		t.Fatalf("authentication after the others lapsed: HTTP %d", code)
	}
	s.sessions.mu.Lock()
	n := len(s.sessions.creds)
	s.sessions.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d credentials kept, want 1", n)
	}
}
