package ocip_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/certs"
	"github.com/switchboard/switchboard/internal/ocipserver"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store/sqlstore"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/provider"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

const (
	testAdmin    = "admin"
	testPassword = "Admin-pass-1"
)

// testServer is a real OCI-P server over SQLite, listening on plain TCP
// and TLS, with the CA its generated certificate chains to.
type testServer struct {
	tcpAddr, tlsAddr string
	roots            *x509.CertPool
}

func startServer(t *testing.T) *testServer {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	core := provisioning.New(st, provisioning.Options{})
	if _, _, err := core.Bootstrap(ctx, testAdmin, testPassword); err != nil {
		t.Fatal(err)
	}
	m, err := certs.Load(certs.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(m.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatal("no CA certificate in " + m.CAFile)
	}
	srv, err := ocipserver.New(ocipserver.Config{TLSConfig: m.ServerConfig()}, ocipserver.NewPipeline(core, nil, 0))
	if err != nil {
		t.Fatal(err)
	}
	lt, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ls, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.ServeTCP(lt)
	go srv.ServeTLS(ls)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return &testServer{tcpAddr: lt.Addr().String(), tlsAddr: ls.Addr().String(), roots: roots}
}

func dial(t *testing.T, cfg ocip.Config) *ocip.Client {
	t.Helper()
	if cfg.User == "" {
		cfg.User, cfg.Password = testAdmin, testPassword
	}
	c, err := ocip.Dial(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestClientLogin(t *testing.T) {
	srv := startServer(t)
	tlsConf := &tls.Config{RootCAs: srv.roots}
	p := newProxy(t, srv.tcpAddr)
	for _, tc := range []struct {
		name  string
		addr  string
		tls   *tls.Config
		login ocip.LoginMode
		docs  int // login documents per connection, counted on plain TCP
	}{
		{"tcp auto", p.addr(), nil, ocip.LoginAuto, 2},
		{"tcp plain", p.addr(), nil, ocip.LoginPlain, 1},
		{"tcp signed", p.addr(), nil, ocip.LoginSigned, 2},
		{"tls auto", srv.tlsAddr, tlsConf, ocip.LoginAuto, 0},
		{"tls signed", srv.tlsAddr, tlsConf, ocip.LoginSigned, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			before := p.documents()
			c := dial(t, ocip.Config{Addr: tc.addr, TLS: tc.tls, Login: tc.login, Conns: 2, Logger: logger})
			if n := p.documents() - before; tc.docs > 0 && n != 2*tc.docs {
				t.Errorf("%d login documents for 2 connections, want %d", n, 2*tc.docs)
			}
			r, err := ocip.Do[*system.SystemSoftwareVersionGetResponse](context.Background(), c, &system.SystemSoftwareVersionGetRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Version == "" {
				t.Error("empty version")
			}
			if !strings.Contains(logs.String(), "connected") || strings.Contains(logs.String(), testPassword) {
				t.Errorf("log: %s", logs.String())
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		for _, mode := range []ocip.LoginMode{ocip.LoginSigned, ocip.LoginPlain} {
			_, err := ocip.Dial(context.Background(), ocip.Config{Addr: srv.tcpAddr, User: testAdmin, Password: "nope", Login: mode})
			var e *ocip.ErrorResponse
			if !errors.As(err, &e) {
				t.Fatalf("%v: got %v, want an *ErrorResponse", mode, err)
			}
			if e.Code != 4962 || e.Type != "Error" || !strings.Contains(err.Error(), "logging in as admin") {
				t.Errorf("%v: %+v", mode, e)
			}
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		_, err := ocip.Dial(context.Background(), ocip.Config{Addr: srv.tlsAddr, TLS: &tls.Config{}, User: testAdmin, Password: testPassword})
		if err == nil {
			t.Fatal("dial succeeded against an untrusted certificate")
		}
	})
	t.Run("invalid config", func(t *testing.T) {
		if _, err := ocip.Dial(context.Background(), ocip.Config{Addr: srv.tcpAddr, MaxBatch: 16}); err == nil {
			t.Fatal("MaxBatch 16 accepted")
		}
	})
}

func userGet(id string) *user.UserGetRequest23V2 {
	return &user.UserGetRequest23V2{UserID: datatypes.UserId(id)}
}

// wantUserNotFound checks err is the 4008 answer for id: the user id in the
// summary proves which request the reply belongs to.
func wantUserNotFound(t *testing.T, err error, id string) {
	t.Helper()
	var e *ocip.ErrorResponse
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an *ErrorResponse", err)
	}
	if e.Code != 4008 || e.Command != "UserGetRequest23V2" || !strings.Contains(e.Summary, id) {
		t.Fatalf("got %+v, want 4008 for %s", e, id)
	}
}

func TestClientErrorResponse(t *testing.T) {
	srv := startServer(t)
	c := dial(t, ocip.Config{Addr: srv.tcpAddr})
	ctx := context.Background()
	_, err := ocip.Do[*user.UserGetResponse23V2](ctx, c, userGet("ghost@example.com"))
	wantUserNotFound(t, err, "ghost@example.com")
	if !strings.Contains(err.Error(), "4008") {
		t.Errorf("message %q lacks the code", err)
	}

	// A reply of another type than asked for is an error, not a panic.
	_, err = ocip.Do[*core.SuccessResponse](ctx, c, &system.SystemSoftwareVersionGetRequest{})
	if err == nil || !strings.Contains(err.Error(), "SystemSoftwareVersionGetResponse") {
		t.Fatalf("got %v, want a type mismatch error", err)
	}
	// Untyped Send returns the response as is.
	r, err := c.Send(ctx, &system.SystemSoftwareVersionGetRequest{})
	if _, ok := r.(*system.SystemSoftwareVersionGetResponse); err != nil || !ok {
		t.Fatalf("Send: %T, %v", r, err)
	}
}

func TestClientBatch(t *testing.T) {
	srv := startServer(t)
	p := newProxy(t, srv.tcpAddr)
	c := dial(t, ocip.Config{Addr: p.addr(), Conns: 4})
	reqs := make([]ocixml.Command, 40)
	for i := range reqs {
		if i%7 == 3 {
			reqs[i] = &system.SystemSoftwareVersionGetRequest{}
		} else {
			reqs[i] = userGet("u" + strconv.Itoa(i))
		}
	}
	res, err := c.Batch(context.Background(), reqs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(reqs) {
		t.Fatalf("%d results for %d requests", len(res), len(reqs))
	}
	for i, r := range res {
		if i%7 == 3 {
			if _, ok := r.Response.(*system.SystemSoftwareVersionGetResponse); !ok || r.Err != nil {
				t.Errorf("result %d: %T, %v", i, r.Response, r.Err)
			}
			continue
		}
		if r.Response != nil {
			t.Errorf("result %d: unexpected %T", i, r.Response)
		}
		wantUserNotFound(t, r.Err, "u"+strconv.Itoa(i))
	}
	if n := p.accepted(); n != 4 {
		t.Errorf("%d connections, want the pool's 4", n)
	}
	// Documents of at most MaxBatch commands: 40 with MaxBatch 15 is 3
	// documents, besides the 4 × 2 login exchanges.
	if n := p.documents(); n != 4*2+3 {
		t.Errorf("%d documents sent, want 11", n)
	}

	// The MaxBatch setting is honoured.
	c2 := dial(t, ocip.Config{Addr: p.addr(), Conns: 1, MaxBatch: 4})
	before := p.documents()
	if _, err := c2.Batch(context.Background(), reqs[:10]...); err != nil {
		t.Fatal(err)
	}
	if n := p.documents() - before; n != 3 {
		t.Errorf("10 commands with MaxBatch 4: %d documents, want 3", n)
	}
}

func TestClientCancel(t *testing.T) {
	srv := startServer(t)
	p := newProxy(t, srv.tcpAddr)
	c := dial(t, ocip.Config{Addr: p.addr()})

	release := p.stallReplies()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_, err := c.Send(ctx, userGet("first"))
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want DeadlineExceeded", err)
	}
	// The late reply to "first" now reaches the proxy; it must not become
	// the answer to "second".
	release()
	_, err = c.Send(context.Background(), userGet("second"))
	wantUserNotFound(t, err, "second")
	_, err = c.Send(context.Background(), userGet("third"))
	wantUserNotFound(t, err, "third")

	// Explicit cancellation while waiting for the reply behaves the same.
	release = p.stallReplies()
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	sent := p.documents() + 1
	go func() {
		_, err := c.Send(ctx, userGet("fourth"))
		done <- err
	}()
	p.waitDocuments(t, sent)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want Canceled", err)
	}
	release()
	_, err = c.Send(context.Background(), userGet("fifth"))
	wantUserNotFound(t, err, "fifth")
}

func TestClientReconnect(t *testing.T) {
	srv := startServer(t)
	p := newProxy(t, srv.tcpAddr)
	c := dial(t, ocip.Config{Addr: p.addr()})
	ctx := context.Background()

	// Killed while idle: the client notices and reconnects before use.
	p.kill()
	time.Sleep(100 * time.Millisecond)
	_, err := c.Send(ctx, userGet("after-kill"))
	wantUserNotFound(t, err, "after-kill")
	if n := p.accepted(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}

	// Killed while a request waits: that call fails (it is not retried),
	// the next one reconnects.
	release := p.stallReplies()
	done := make(chan error, 1)
	sent := p.documents() + 1
	go func() {
		_, err := c.Send(ctx, userGet("in-flight"))
		done <- err
	}()
	p.waitDocuments(t, sent)
	p.kill()
	err = <-done
	release()
	var e *ocip.ErrorResponse
	if err == nil || errors.As(err, &e) {
		t.Fatalf("got %v, want a connection error", err)
	}
	_, err = c.Send(ctx, userGet("next"))
	wantUserNotFound(t, err, "next")

	// After Close every call fails with ErrClosed.
	c.Close()
	if _, err := c.Send(ctx, userGet("closed")); !errors.Is(err, ocip.ErrClosed) {
		t.Fatalf("got %v, want ErrClosed", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestClientRaw(t *testing.T) {
	srv := startServer(t)
	c := dial(t, ocip.Config{Addr: srv.tcpAddr})
	ctx := context.Background()
	r, err := c.Raw(ctx, "SystemDomainAddRequest", map[string]any{"domain": "example.com"})
	if _, ok := r.(*core.SuccessResponse); err != nil || !ok {
		t.Fatalf("SystemDomainAddRequest: %T, %v", r, err)
	}
	for _, sp := range []map[string]any{
		{"serviceProviderId": "sp-b", "isEnterprise": true},
		{"serviceProviderId": "sp-a", "useCustomRoutingProfile": false},
	} {
		sp["serviceProviderName"] = "Provider " + sp["serviceProviderId"].(string)
		sp["defaultDomain"] = "example.com"
		sp["contact"] = map[string]any{"contactName": "Ann", "contactEmail": "ann@example.com"}
		if _, err := c.Raw(ctx, "ServiceProviderAddRequest13mp2", sp); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		fields map[string]any
	}{
		{"NoSuchRequest", nil},
		{"ServiceProviderGetListResponse", nil},               // not a request
		{"UserGetRequest23V2", map[string]any{"userID": "x"}}, // unknown element
		{"UserGetRequest23V2", map[string]any{}},              // missing userId
		{"UserGetRequest23V2", map[string]any{"userId": struct{}{}}},
	} {
		if _, err := c.Raw(ctx, tc.name, tc.fields); err == nil {
			t.Errorf("Raw(%s, %v) succeeded", tc.name, tc.fields)
		}
	}

	list, err := ocip.Do[*provider.ServiceProviderGetListResponse](ctx, c, &provider.ServiceProviderGetListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	type sp struct {
		ID         string `ocip:"Service Provider Id"`
		Name       string `ocip:"Service Provider Name"`
		Enterprise bool   `ocip:"Is Enterprise"`
	}
	rows, err := ocip.ScanTable[sp](list.ServiceProviderTable)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]sp{}
	for _, row := range rows {
		got[row.ID] = row
	}
	if got["sp-b"] != (sp{"sp-b", "Provider sp-b", true}) || got["sp-a"] != (sp{"sp-a", "Provider sp-a", false}) {
		t.Fatalf("rows %+v", rows)
	}
}

func TestScanTable(t *testing.T) {
	tab := ocixml.NewTable("Name", "Count", "Active", "Ignored")
	tab.AddRow("a", "3", "true", "x")
	tab.AddRow("b", "", "false", "y")
	type row struct {
		Name   string `ocip:"Name"`
		Count  int    `ocip:"Count"`
		Active bool   `ocip:"Active"`
		Other  string
	}
	rows, err := ocip.ScanTable[row](*tab)
	if err != nil {
		t.Fatal(err)
	}
	want := []row{{"a", 3, true, ""}, {"b", 0, false, ""}}
	if len(rows) != 2 || rows[0] != want[0] || rows[1] != want[1] {
		t.Fatalf("got %+v, want %+v", rows, want)
	}
	if _, err := ocip.ScanTable[struct {
		X string `ocip:"Missing"`
	}](*tab); err == nil {
		t.Error("missing column accepted")
	}
	if _, err := ocip.ScanTable[struct {
		X int `ocip:"Name"`
	}](*tab); err == nil {
		t.Error("non-numeric cell accepted into an int")
	}
	if _, err := ocip.ScanTable[struct {
		X float64 `ocip:"Count"`
	}](*tab); err == nil {
		t.Error("float field accepted")
	}
	if _, err := ocip.ScanTable[string](*tab); err == nil {
		t.Error("non-struct accepted")
	}
}

// proxy forwards TCP between client and server so tests can hold back
// replies and cut connections, as a slow or failing network would.
type proxy struct {
	t      *testing.T
	l      net.Listener
	target string

	mu    sync.Mutex
	conns []net.Conn
	n     int           // connections accepted
	docs  int           // request documents forwarded
	stall chan struct{} // non-nil: replies wait until it is closed
	holds map[string]chan struct{}
}

// pairState is shared by the two directions of one proxied connection.
type pairState struct {
	mu   sync.Mutex
	held chan struct{} // non-nil: the next reply waits until it is closed
}

func newProxy(t *testing.T, target string) *proxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, l: l, target: target}
	t.Cleanup(func() { l.Close(); p.kill() })
	go p.serve()
	return p
}

func (p *proxy) addr() string { return p.l.Addr().String() }

func (p *proxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.n++
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		ps := &pairState{}
		go p.pipe(s, c, true, ps)
		go p.pipe(c, s, false, ps)
	}
}

// pipe copies src to dst; requests (client to server) are counted by their
// end tags, replies are held while stalled.
func (p *proxy) pipe(dst, src net.Conn, request bool, ps *pairState) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			if request {
				p.docs += strings.Count(string(buf[:n]), "</BroadsoftDocument>")
				for marker, ch := range p.holds {
					if strings.Contains(string(buf[:n]), marker) {
						ps.mu.Lock()
						ps.held = ch
						ps.mu.Unlock()
					}
				}
			}
			st := p.stall
			p.mu.Unlock()
			if st != nil && !request {
				<-st
			}
			if !request {
				ps.mu.Lock()
				held := ps.held
				ps.held = nil
				ps.mu.Unlock()
				if held != nil {
					<-held
				}
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// stallReplies holds every reply until the returned func is called.
func (p *proxy) stallReplies() (release func()) {
	st := make(chan struct{})
	p.mu.Lock()
	p.stall = st
	p.mu.Unlock()
	return func() {
		p.mu.Lock()
		p.stall = nil
		p.mu.Unlock()
		close(st)
	}
}

// holdReply holds the reply to the next request document containing
// marker until the returned func is called.
func (p *proxy) holdReply(marker string) (release func()) {
	ch := make(chan struct{})
	p.mu.Lock()
	if p.holds == nil {
		p.holds = map[string]chan struct{}{}
	}
	p.holds[marker] = ch
	p.mu.Unlock()
	return sync.OnceFunc(func() {
		p.mu.Lock()
		delete(p.holds, marker)
		p.mu.Unlock()
		close(ch)
	})
}

// kill cuts every connection, both sides.
func (p *proxy) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *proxy) documents() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.docs
}

// waitDocuments waits until want request documents have gone through.
func (p *proxy) waitDocuments(t *testing.T, want int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if p.documents() >= want {
			return
		}
	}
	t.Fatalf("timed out waiting for %d documents", want)
}
