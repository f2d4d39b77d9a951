package ocipserver

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/certs"
	"github.com/switchboard/switchboard/ocip/ocixml"
)

// fakeProc stands in for the pipeline: it records every call, keeps a toy
// login state machine keyed on the command name found in the document, and
// answers with a canned SuccessResponse whose echo is the call's sequence
// number. Command names with special behaviour: AuthenticationRequest sets
// a nonce, LoginRequest logs in, LogoutRequest logs out, SlowRequest
// sleeps, BlockRequest waits for unblock (or the context), PanicRequest
// panics; anything else is refused (notLoggedIn) without a login.
type fakeProc struct {
	mu          sync.Mutex
	calls       []fakeCall
	seq         int
	inflight    int
	maxInflight int
	ctxErrs     []error

	slow    time.Duration
	unblock chan struct{} // closed to release BlockRequest calls
	started chan string   // receives the command name of each call, if set
	pad     int           // bytes of padding in every response
}

type fakeCall struct {
	doc       string
	fromSOAP  bool
	transport string
	sid       string
	state     *LoginState
}

var (
	fakeSIDRe = regexp.MustCompile(`<sessionId[^>]*>([^<]*)</sessionId>`)
	fakeCmdRe = regexp.MustCompile(`xsi:type="([A-Za-z0-9]+)"`)
)

func newFakeProc() *fakeProc { return &fakeProc{unblock: make(chan struct{})} }

func (p *fakeProc) Process(ctx context.Context, b Binder, doc []byte, fromSOAP bool) ([]byte, bool) {
	text := string(doc)
	var sid, cmd string
	if m := fakeSIDRe.FindStringSubmatch(text); m != nil {
		sid = m[1]
	}
	if m := fakeCmdRe.FindStringSubmatch(text); m != nil {
		cmd = m[1]
	}
	st := b.State(sid)
	p.mu.Lock()
	p.seq++
	n := p.seq
	p.inflight++
	p.maxInflight = max(p.maxInflight, p.inflight)
	p.calls = append(p.calls, fakeCall{doc: text, fromSOAP: fromSOAP, transport: b.Transport(), sid: sid, state: st})
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.inflight--
		p.mu.Unlock()
	}()
	if p.started != nil {
		p.started <- cmd
	}
	notLoggedIn := false
	switch cmd {
	case "SlowRequest":
		time.Sleep(p.slow)
	case "BlockRequest":
		select {
		case <-p.unblock:
		case <-ctx.Done():
			p.mu.Lock()
			p.ctxErrs = append(p.ctxErrs, ctx.Err())
			p.mu.Unlock()
		}
	case "PanicRequest":
		panic("fake processor failure")
	}
	st.Mu.Lock()
	switch cmd {
	case "AuthenticationRequest":
		st.Nonce, st.NonceUser = "nonce"+strconv.Itoa(n), "admin"
	case "LoginRequest":
		st.Principal, st.LoginAt, st.Nonce = "admin", time.Now(), ""
	case "LogoutRequest":
		st.Reset()
	case "SlowRequest", "BlockRequest":
	default:
		notLoggedIn = !st.LoggedIn()
	}
	st.Mu.Unlock()
	return fakeResponse(sid, n, p.pad), notLoggedIn
}

func (p *fakeProc) snapshot() []fakeCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]fakeCall(nil), p.calls...)
}

// fakeResponse is a response document in canonical form.
func fakeResponse(sid string, n, pad int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" + `<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">`)
	b.WriteString(sid)
	b.WriteString(`</sessionId>`)
	if pad > 0 {
		b.WriteString("<!--" + strings.Repeat("p", pad) + "-->")
	}
	b.WriteString(`<command echo="` + strconv.Itoa(n) + `" xsi:type="c:SuccessResponse" xmlns:c="C" xmlns=""/></BroadsoftDocument>` + "\n")
	return []byte(b.String())
}

// reqDoc is a request document as the Python clients write it.
func reqDoc(sid, cmd string) string {
	return `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" +
		`<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">` + sid +
		`</sessionId><command xsi:type="` + cmd + `" xmlns=""><userId>admin@example.com</userId></command></BroadsoftDocument>`
}

var echoRe = regexp.MustCompile(`echo="([0-9]+)"`)

// replyEcho returns the sequence number the fake put into a reply.
func replyEcho(t *testing.T, reply string) int {
	t.Helper()
	m := echoRe.FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("reply without echo: %q", reply)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// Leak checking: the goroutines of the transport code (not the lead's
// pipeline files, not test code).
var serverFrame = regexp.MustCompile(`/internal/ocipserver/(tcp|soap|server|limits|wsdl)\.go:`)

func serverGoroutines() []string {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if serverFrame.MatchString(g) {
			out = append(out, g)
		}
	}
	return out
}

// checkNoLeaks registers a cleanup (so call it first: it runs last) that
// fails the test if transport goroutines outlive it.
func checkNoLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			g := serverGoroutines()
			if len(g) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d transport goroutines leaked:\n%s", len(g), strings.Join(g, "\n\n"))
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// testServer runs a Server on a loopback listener for one test.
type testServer struct {
	s     *Server
	proc  *fakeProc
	addr  string
	serve chan error
}

func startTCP(t *testing.T, cfg Config, proc *fakeProc) *testServer {
	t.Helper()
	return startListener(t, cfg, proc, false, nil)
}

func startListener(t *testing.T, cfg Config, proc *fakeProc, useTLS bool, wrap func(net.Listener) net.Listener) *testServer {
	t.Helper()
	checkNoLeaks(t)
	s, err := New(cfg, proc)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if wrap != nil {
		l = wrap(l)
	}
	ts := &testServer{s: s, proc: proc, addr: addr, serve: make(chan error, 1)}
	go func() {
		if useTLS {
			ts.serve <- s.ServeTLS(l)
		} else {
			ts.serve <- s.ServeTCP(l)
		}
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		select {
		case err := <-ts.serve:
			if !errors.Is(err, ErrServerClosed) {
				t.Errorf("Serve returned %v, want ErrServerClosed", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after Shutdown")
		}
	})
	// Wait until the accept loop is registered, so that Stats and
	// Shutdown see it.
	waitFor(t, "listener registered", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.listeners) == 1
	})
	return ts
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ociClient reads replies the way the strictest client (C#) does: until
// "</BroadsoftDocument>\n".
type ociClient struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialOCI(t *testing.T, addr string) *ociClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &ociClient{t: t, c: c, br: bufio.NewReader(c)}
}

func (c *ociClient) send(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.c, s); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *ociClient) recv() string {
	c.t.Helper()
	s, err := c.tryRecv(5 * time.Second)
	if err != nil {
		c.t.Fatalf("reading reply: %v (got %q)", err, s)
	}
	return s
}

func (c *ociClient) tryRecv(timeout time.Duration) (string, error) {
	_ = c.c.SetReadDeadline(time.Now().Add(timeout))
	var b strings.Builder
	for !strings.HasSuffix(b.String(), "</BroadsoftDocument>\n") {
		line, err := c.br.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			return b.String(), err
		}
	}
	return b.String(), nil
}

// expectClosed asserts that the server closes the connection (EOF or a
// reset) without sending anything more.
func (c *ociClient) expectClosed(within time.Duration) {
	c.t.Helper()
	_ = c.c.SetReadDeadline(time.Now().Add(within))
	b, err := c.br.ReadByte()
	if err == nil {
		c.t.Fatalf("read %q, want the connection closed", b)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		c.t.Fatalf("connection still open after %v", within)
	}
}

func TestTCPFraming(t *testing.T) {
	pretty := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\">\r\n  <sessionId xmlns=\"\">0f3a9c</sessionId>\r\n" +
		"  <command xsi:type=\"AuthenticationRequest\" xmlns=\"\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\r\n    <userId>admin</userId>\r\n  </command>\r\n</BroadsoftDocument>"
	prefixed := `<ns0:BroadsoftDocument xmlns:ns0="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" protocol="OCI"><sessionId>et</sessionId><command xsi:type="AuthenticationRequest"><userId>a</userId></command></ns0:BroadsoftDocument>`
	mercury := "<?xml version='1.0' encoding='ISO-8859-1'?>\n" + `<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">m1</sessionId><command xsi:type="AuthenticationRequest" xmlns=""><userId>a</userId></command></BroadsoftDocument>`
	d1, d2 := reqDoc("s1", "AuthenticationRequest"), reqDoc("s1", "LoginRequest")
	tests := []struct {
		name   string
		chunks []string // written one after another, with a pause between
		want   []string // documents the processor must see, in order
	}{
		{"trailing newline (Python)", []string{d1 + "\n"}, []string{d1}},
		{"no trailing newline (C#)", []string{d1}, []string{d1}},
		{"CRLF pretty-printed (C#)", []string{pretty}, []string{pretty}},
		{"single-quoted declaration (mercury)", []string{mercury + "\n"}, []string{mercury}},
		{"two documents in one write", []string{d1 + "\n" + d2 + "\n"}, []string{d1, d2}},
		{"two documents in one write, no newlines", []string{d1 + d2}, []string{d1, d2}},
		{"prefixed root (ElementTree)", []string{prefixed + "\n"}, []string{prefixed}},
		{"split across many writes", splitEvery(d1+"\n", 7), []string{d1}},
		{"newline arriving alone, then the next document", []string{d1, "\n", d2 + "\n"}, []string{d1, d2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startTCP(t, Config{}, newFakeProc())
			c := dialOCI(t, ts.addr)
			for i, ch := range tt.chunks {
				if i > 0 {
					time.Sleep(time.Millisecond)
				}
				c.send(ch)
			}
			for i := range tt.want {
				r := c.recv()
				if !strings.HasSuffix(r, "</BroadsoftDocument>\n") || strings.Count(r, "</BroadsoftDocument>") != 1 {
					t.Fatalf("reply %d is not one document ending in a newline: %q", i, r)
				}
				if got := replyEcho(t, r); got != i+1 {
					t.Errorf("reply %d answers call %d: out of order", i, got)
				}
			}
			calls := ts.proc.snapshot()
			if len(calls) != len(tt.want) {
				t.Fatalf("processor saw %d documents, want %d", len(calls), len(tt.want))
			}
			for i, w := range tt.want {
				if calls[i].doc != w {
					t.Errorf("document %d:\n got %q\nwant %q", i, calls[i].doc, w)
				}
				if calls[i].fromSOAP || calls[i].transport != TransportTCP {
					t.Errorf("document %d: fromSOAP %v transport %q", i, calls[i].fromSOAP, calls[i].transport)
				}
			}
		})
	}
}

func splitEvery(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

// countingListener counts Write calls on the connections it accepts.
type countingListener struct {
	net.Listener
	writes *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l.writes}, nil
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

func TestTCPReplyIsOneWrite(t *testing.T) {
	var writes atomic.Int64
	proc := newFakeProc()
	proc.pad = 300 << 10 // several TCP segments and read calls
	ts := startListener(t, Config{}, proc, false, func(l net.Listener) net.Listener { return countingListener{l, &writes} })
	c := dialOCI(t, ts.addr)
	for i := range 3 {
		c.send(reqDoc("s", "AuthenticationRequest") + "\n")
		r := c.recv()
		if len(r) < proc.pad || !strings.HasSuffix(r, "</BroadsoftDocument>\n") {
			t.Fatalf("reply %d truncated: %d bytes", i, len(r))
		}
	}
	if got := writes.Load(); got != 3 {
		t.Errorf("server made %d Write calls for 3 replies, want 3", got)
	}
}

func TestTCPSerialPerConnection(t *testing.T) {
	proc := newFakeProc()
	proc.slow = 20 * time.Millisecond
	ts := startTCP(t, Config{}, proc)
	c := dialOCI(t, ts.addr)
	var batch strings.Builder
	for range 5 {
		batch.WriteString(reqDoc("s", "SlowRequest") + "\n")
	}
	c.send(batch.String()) // a pipelining client, which none of the real ones is
	for i := range 5 {
		if got := replyEcho(t, c.recv()); got != i+1 {
			t.Fatalf("reply %d answers call %d", i, got)
		}
	}
	proc.mu.Lock()
	maxIn := proc.maxInflight
	proc.mu.Unlock()
	if maxIn != 1 {
		t.Errorf("up to %d documents of one connection processed at once, want 1", maxIn)
	}

}

func TestTCPConnectionsRunConcurrently(t *testing.T) {
	proc2 := newFakeProc()
	proc2.started = make(chan string, 2)
	ts2 := startTCP(t, Config{}, proc2)
	a, b := dialOCI(t, ts2.addr), dialOCI(t, ts2.addr)
	a.send(reqDoc("a", "BlockRequest"))
	b.send(reqDoc("b", "BlockRequest"))
	for range 2 {
		select {
		case <-proc2.started:
		case <-time.After(5 * time.Second):
			t.Fatal("second connection waited for the first one's document")
		}
	}
	close(proc2.unblock)
	a.recv()
	b.recv()
}

func TestTCPOversizedDocument(t *testing.T) {
	proc := newFakeProc()
	ts := startTCP(t, Config{MaxDocumentSize: 4096}, proc)
	c := dialOCI(t, ts.addr)
	c.send(reqDoc("sid-big", "AuthenticationRequest") + "\n")
	c.recv()
	big := reqDoc("sid-big", "UserModifyRequest22")
	big = strings.Replace(big, "<userId>", "<userId>"+strings.Repeat("x", 256<<10), 1)
	go func() { _, _ = io.WriteString(c.c, big+"\n") }() // the server stops reading part-way
	r := c.recv()
	for _, want := range []string{
		`<sessionId xmlns="">sid-big</sessionId>`,
		`<summary>[Error 6004] OCI XML Request validation error</summary>`,
		`xsi:type="c:ErrorResponse"`,
		"exceeds maximum size",
	} {
		if !strings.Contains(r, want) {
			t.Errorf("error reply lacks %q:\n%s", want, r)
		}
	}
	c.expectClosed(5 * time.Second) // FrameReader cannot resynchronise
	if n := len(proc.snapshot()); n != 1 {
		t.Errorf("processor saw %d documents, want only the first", n)
	}
	st := ts.s.Stats()
	if st.FramingErrors != 1 || st.Documents != 1 {
		t.Errorf("stats: %+v", st)
	}
}

func TestTCPMalformedFraming(t *testing.T) {
	ts := startTCP(t, Config{}, newFakeProc())
	c := dialOCI(t, ts.addr)
	c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	r := c.recv()
	if !strings.Contains(r, "[Error 6004]") || !strings.Contains(r, "malformed document framing") || !strings.Contains(r, `<sessionId xmlns=""/>`) {
		t.Errorf("unexpected reply: %s", r)
	}
	c.expectClosed(5 * time.Second)
	if n := len(ts.proc.snapshot()); n != 0 {
		t.Errorf("processor called %d times", n)
	}
}

func TestAppendErrorDocument(t *testing.T) {
	got := string(appendErrorDocument(nil, "a&b", 6004, "OCI XML Request validation error", "bad <x> \u00fc"))
	want := `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" +
		`<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">a&amp;b</sessionId>` +
		`<command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns=""><errorCode>6004</errorCode>` +
		`<summary>[Error 6004] OCI XML Request validation error</summary><summaryEnglish>[Error 6004] OCI XML Request validation error</summaryEnglish>` +
		`<detail>bad &lt;x&gt; &#252;</detail></command></BroadsoftDocument>` + "\n"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var doc struct {
		XMLName   xml.Name `xml:"C BroadsoftDocument"`
		SessionID string   `xml:"sessionId"`
		Command   struct {
			Type    string `xml:"type,attr"`
			XSIType string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
			Code    int    `xml:"errorCode"`
			Detail  string `xml:"detail"`
		} `xml:"command"`
	}
	d := xml.NewDecoder(strings.NewReader(got))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil } // ASCII only
	if err := d.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.SessionID != "a&b" || doc.Command.Code != 6004 || doc.Command.Detail != "bad <x> \u00fc" || doc.Command.XSIType != "c:ErrorResponse" {
		t.Errorf("decoded %+v", doc)
	}
	if e := string(appendErrorDocument(nil, "", 9999, "x", "")); !strings.Contains(e, `<sessionId xmlns=""/>`) || strings.Contains(e, "<detail>") {
		t.Errorf("empty session id / detail: %s", e)
	}
}

func TestTCPIdleTimeoutClosesOnlyIdle(t *testing.T) {
	proc := newFakeProc()
	proc.slow = 700 * time.Millisecond
	ts := startTCP(t, Config{IdleTimeout: 300 * time.Millisecond, ReadTimeout: 10 * time.Second}, proc)

	idle := dialOCI(t, ts.addr)
	busy := dialOCI(t, ts.addr)
	slowSender := dialOCI(t, ts.addr)
	start := time.Now()

	busy.send(reqDoc("b", "SlowRequest") + "\n") // processing outlasts the idle timeout
	doc := reqDoc("c", "AuthenticationRequest") + "\n"
	slowSender.send(doc[:40])

	idle.expectClosed(5 * time.Second)
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("idle connection closed after %v, before the idle timeout", d)
	}
	time.Sleep(400 * time.Millisecond) // the slow sender is now past the idle timeout mid-document
	slowSender.send(doc[40:])
	if r := slowSender.recv(); !strings.Contains(r, `<sessionId xmlns="">c</sessionId>`) {
		t.Errorf("slow sender got %q", r)
	}
	if r := busy.recv(); !strings.Contains(r, `<sessionId xmlns="">b</sessionId>`) {
		t.Errorf("busy connection got %q", r)
	}
	// Once they have been answered, both become idle and are closed in turn.
	busy.expectClosed(5 * time.Second)
	slowSender.expectClosed(5 * time.Second)
	waitFor(t, "idle timeouts counted", func() bool { return ts.s.Stats().IdleTimeouts == 3 })
}

func TestTCPReadTimeoutMidDocument(t *testing.T) {
	ts := startTCP(t, Config{ReadTimeout: 200 * time.Millisecond}, newFakeProc())
	c := dialOCI(t, ts.addr)
	c.send(reqDoc("stalled", "AuthenticationRequest")[:60])
	r := c.recv()
	if !strings.Contains(r, "[Error 6004]") || !strings.Contains(r, "document incomplete") {
		t.Errorf("reply to a stalled document: %s", r)
	}
	c.expectClosed(5 * time.Second)
}

func TestTCPPeerClosesAfterSending(t *testing.T) {
	proc := newFakeProc()
	proc.slow = 50 * time.Millisecond
	ts := startTCP(t, Config{}, proc)

	// Logged in, then gone without reading (mercury never logs out): the
	// login must end with the socket.
	c := dialOCI(t, ts.addr)
	c.send(reqDoc("p1", "LoginRequest") + "\n")
	c.recv()
	c.send(reqDoc("p1", "SlowRequest") + "\n")
	c.c.Close()

	// nigelm: LogoutRequest, then close at once.
	n := dialOCI(t, ts.addr)
	n.send(reqDoc("p2", "LogoutRequest") + "\n")
	n.c.Close()

	waitFor(t, "connections closed", func() bool { return ts.s.Stats().ConnsOpen == 0 && len(proc.snapshot()) == 3 })
	st := proc.snapshot()[0].state
	st.Mu.Lock()
	loggedIn := st.LoggedIn()
	st.Mu.Unlock()
	if loggedIn {
		t.Error("login state survived the connection")
	}
}

func TestTCPConnectionLimits(t *testing.T) {
	t.Run("per address", func(t *testing.T) {
		ts := startTCP(t, Config{MaxConnsPerIP: 2}, newFakeProc())
		a, b := dialOCI(t, ts.addr), dialOCI(t, ts.addr)
		for _, c := range []*ociClient{a, b} {
			c.send(reqDoc("x", "AuthenticationRequest"))
			c.recv()
		}
		over := dialOCI(t, ts.addr)
		over.expectClosed(5 * time.Second)
		if got := ts.s.Stats().ConnsRejected; got != 1 {
			t.Errorf("ConnsRejected = %d, want 1", got)
		}
		a.c.Close()
		waitFor(t, "slot released", func() bool { return ts.s.Stats().ConnsOpen == 1 })
		again := dialOCI(t, ts.addr)
		again.send(reqDoc("y", "AuthenticationRequest"))
		again.recv()
	})
	t.Run("global", func(t *testing.T) {
		ts := startTCP(t, Config{MaxConns: 1, MaxConnsPerIP: -1}, newFakeProc())
		a := dialOCI(t, ts.addr)
		a.send(reqDoc("x", "AuthenticationRequest"))
		a.recv()
		over := dialOCI(t, ts.addr)
		over.expectClosed(5 * time.Second)
		if st := ts.s.Stats(); st.ConnsRejected != 1 || st.ConnsAccepted != 2 {
			t.Errorf("stats %+v", st)
		}
	})
}

func TestTLS(t *testing.T) {
	m, err := certs.Load(certs.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	proc := newFakeProc()
	ts := startListener(t, Config{TLSConfig: m.ServerConfig()}, proc, true, nil)

	caPEM, err := os.ReadFile(m.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("no CA certificate in " + m.CAFile)
	}
	// Full verification, host name included, trusting only the generated
	// CA, as the Python clients do with SSL_CERT_FILE.
	for _, name := range []string{"localhost", "127.0.0.1"} {
		tc, err := tls.Dial("tcp", ts.addr, &tls.Config{RootCAs: pool, ServerName: name})
		if err != nil {
			t.Fatalf("handshake as %s: %v", name, err)
		}
		c := &ociClient{t: t, c: tc, br: bufio.NewReader(tc)}
		c.send(reqDoc("t1", "AuthenticationRequest") + "\n")
		if r := c.recv(); !strings.Contains(r, `<sessionId xmlns="">t1</sessionId>`) {
			t.Errorf("reply over TLS: %s", r)
		}
		tc.Close()
	}
	if calls := proc.snapshot(); len(calls) != 2 || calls[0].transport != TransportTLS {
		t.Errorf("calls %+v", calls)
	}

	// A client that does not trust the CA fails the handshake.
	_, err = tls.Dial("tcp", ts.addr, &tls.Config{RootCAs: x509.NewCertPool(), ServerName: "localhost"})
	var uae x509.UnknownAuthorityError
	if !errors.As(err, &uae) {
		t.Errorf("untrusting client: %v, want an unknown authority error", err)
	}
	waitFor(t, "handshake error counted", func() bool { return ts.s.Stats().TLSHandshakeErrors == 1 })
}

func TestShutdownDeliversInFlightReplies(t *testing.T) {
	proc := newFakeProc()
	proc.started = make(chan string, 4)
	ts := startTCP(t, Config{}, proc)

	busy := dialOCI(t, ts.addr)
	idle := dialOCI(t, ts.addr)
	// A pipelined second document already read by the framer is owed a
	// reply too.
	busy.send(reqDoc("s", "BlockRequest") + "\n" + reqDoc("s", "AuthenticationRequest") + "\n")
	<-proc.started
	waitFor(t, "both connections accepted", func() bool { return ts.s.Stats().ConnsOpen == 2 })

	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done <- ts.s.Shutdown(ctx)
	}()
	idle.expectClosed(5 * time.Second)
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v while a document was in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	if c, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		// The listener is closed: a dial must fail, or at worst be closed.
		oc := &ociClient{t: t, c: c, br: bufio.NewReader(c)}
		oc.expectClosed(2 * time.Second)
		c.Close()
	}

	close(proc.unblock)
	if got := replyEcho(t, busy.recv()); got != 1 {
		t.Errorf("first reply answers call %d", got)
	}
	if got := replyEcho(t, busy.recv()); got != 2 {
		t.Errorf("second reply answers call %d", got)
	}
	busy.expectClosed(5 * time.Second)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not return")
	}
	select {
	case err := <-ts.serve:
		if !errors.Is(err, ErrServerClosed) {
			t.Errorf("ServeTCP: %v", err)
		}
		ts.serve <- err // for the cleanup's check
	case <-time.After(5 * time.Second):
		t.Fatal("ServeTCP did not return")
	}
}

func TestShutdownDeadlineCancelsProcess(t *testing.T) {
	proc := newFakeProc()
	proc.started = make(chan string, 1)
	ts := startTCP(t, Config{}, proc)
	c := dialOCI(t, ts.addr)
	c.send(reqDoc("s", "BlockRequest"))
	<-proc.started
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := ts.s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v, want DeadlineExceeded", err)
	}
	c.expectClosed(5 * time.Second)
	waitFor(t, "Process context cancelled", func() bool {
		proc.mu.Lock()
		defer proc.mu.Unlock()
		return len(proc.ctxErrs) == 1 && errors.Is(proc.ctxErrs[0], context.Canceled)
	})
}

func TestProcessPanicAnswers9999(t *testing.T) {
	ts := startTCP(t, Config{}, newFakeProc())
	c := dialOCI(t, ts.addr)
	c.send(reqDoc("pan", "PanicRequest") + "\n")
	r := c.recv()
	if !strings.Contains(r, "<summary>[Error 9999] Internal server error (id ") || !strings.Contains(r, `<sessionId xmlns="">pan</sessionId>`) {
		t.Errorf("reply: %s", r)
	}
	c.expectClosed(5 * time.Second)
	if got := ts.s.Stats().ProcessPanics; got != 1 {
		t.Errorf("ProcessPanics = %d", got)
	}
}

func TestStartAndAddrs(t *testing.T) {
	checkNoLeaks(t)
	m, err := certs.Load(certs.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{TCPAddr: "127.0.0.1:0", TLSAddr: "127.0.0.1:0", TLSConfig: m.ServerConfig()}, newFakeProc())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "listeners", func() bool { return s.TCPAddr() != nil && s.TLSAddr() != nil })
	c := dialOCI(t, s.TCPAddr().String())
	c.send(reqDoc("st", "AuthenticationRequest"))
	c.recv()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	c.expectClosed(5 * time.Second)
	if err := s.Start(); !errors.Is(err, ErrServerClosed) {
		t.Errorf("Start after Shutdown: %v", err)
	}
	if err := s.ServeTCP(newLoopbackListener(t)); !errors.Is(err, ErrServerClosed) {
		t.Errorf("ServeTCP after Shutdown: %v", err)
	}
}

func newLoopbackListener(t *testing.T) net.Listener {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestConfigDefaultsAndValidate(t *testing.T) {
	c := Config{}.WithDefaults()
	if c.MaxDocumentSize != 4<<20 || c.IdleTimeout != 30*time.Minute || c.ReadTimeout != time.Minute || c.WriteTimeout != time.Minute ||
		c.HandshakeTimeout != 10*time.Second || c.MaxConnsPerIP != 200 || c.MaxConns != 5000 ||
		c.SOAP.SessionIdleTimeout != 30*time.Minute || c.SOAP.MaxSessions != 100_000 || c.SOAP.MaxBodySize != 16<<20+64<<10 ||
		c.SOAP.ResponseForm != ocixml.SOAPQualified || c.SOAP.StrictSessions {
		t.Errorf("defaults: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
	m, err := certs.Load(certs.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name string
		cfg  Config
		want string
	}{
		{"TLS address without config", Config{TLSAddr: ":2209"}, "TLSConfig is nil"},
		{"TLS config without certificate", Config{TLSConfig: &tls.Config{}}, "no certificate"},
		{"tiny documents", Config{MaxDocumentSize: 100}, "below 1024"},
		{"negative body", Config{SOAP: SOAPConfig{MaxBodySize: -1}}, "MaxBodySize"},
		{"bad form", Config{SOAP: SOAPConfig{ResponseForm: 7}}, "ResponseForm"},
		{"relative public URL", Config{SOAP: SOAPConfig{PublicURL: "/ws"}}, "not an absolute"},
		{"ftp public URL", Config{SOAP: SOAPConfig{PublicURL: "ftp://h/x"}}, "not an absolute"},
	}
	for _, tt := range bad {
		_, err := New(tt.cfg, newFakeProc())
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	if _, err := New(Config{}, nil); err == nil {
		t.Error("New accepted a nil Processor")
	}
	if _, err := New(Config{TLSAddr: ":0", TLSConfig: m.ServerConfig(), IdleTimeout: -1, MaxConns: -1, SOAP: SOAPConfig{PublicURL: "https://oci.example.com"}}, newFakeProc()); err != nil {
		t.Errorf("valid config refused: %v", err)
	}
}

func TestSignificant(t *testing.T) {
	for in, want := range map[string]int64{"": 0, " \r\n\t": 0, "\xEF\xBB\xBF<a/>\n": 4, "<a>x y</a>": 9} {
		if got := significant([]byte(in)); got != want {
			t.Errorf("significant(%q) = %d, want %d", in, got, want)
		}
	}
}
