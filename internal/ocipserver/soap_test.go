package ocipserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard/switchboard/ocip/ocixml"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/wsdl.golden")

// soapDoc is the OCI-P document the SOAP clients below carry; soapDocEsc is
// it escaped as html.escape and most XML libraries do.
var (
	soapDoc    = reqDoc("s1", "AuthenticationRequest")
	soapDocEsc = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(soapDoc)
)

const soapEnvOpen = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`

// soapEnvelope wraps an escaped document the way the WSDL-driven clients do.
func soapEnvelope(sid, cmd string) string {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(reqDoc(sid, cmd))
	return `<?xml version="1.0" encoding="UTF-8"?>` + soapEnvOpen + `<soapenv:Body><processOCIMessage xmlns="urn:com:broadsoft:webservice"><in0>` + esc + `</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`
}

type soapServer struct {
	s    *Server
	proc *fakeProc
	ts   *httptest.Server
	url  string
}

func startSOAP(t *testing.T, cfg Config, proc *fakeProc, useTLS bool) *soapServer {
	t.Helper()
	checkNoLeaks(t)
	s, err := New(cfg, proc)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(SOAPPath, s.SOAPHandler())
	var ts *httptest.Server
	if useTLS {
		ts = httptest.NewTLSServer(mux)
	} else {
		ts = httptest.NewServer(mux)
	}
	t.Cleanup(func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return &soapServer{s: s, proc: proc, ts: ts, url: ts.URL + SOAPPath}
}

type soapReply struct {
	status int
	header http.Header
	body   string
	cookie *http.Cookie // JSESSIONID set by the response, if any
}

// post sends body with the given Content-Type and JSESSIONID (if not "").
func (ss *soapServer) post(t *testing.T, contentType, body, cookie string) soapReply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ss.url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("SOAPAction", `""`)
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: cookie})
	}
	resp, err := ss.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := soapReply{status: resp.StatusCode, header: resp.Header, body: string(b)}
	for _, c := range resp.Cookies() {
		if c.Name == SessionCookie {
			r.cookie = c
		}
	}
	return r
}

func (ss *soapServer) call(t *testing.T, sid, cmd, cookie string) soapReply {
	t.Helper()
	return ss.post(t, "text/xml; charset=utf-8", soapEnvelope(sid, cmd), cookie)
}

// ok asserts an HTTP 200 OCI answer and returns the inner document.
func (r soapReply) ok(t *testing.T) string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("HTTP %d, want 200: %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/xml;charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	doc, err := ocixml.UnwrapSOAPResponse([]byte(r.body))
	if err != nil {
		t.Fatalf("unwrapping the response: %v\n%s", err, r.body)
	}
	return doc
}

// fault asserts an HTTP 500 SOAP Fault and returns it.
func (r soapReply) fault(t *testing.T, status int) *ocixml.SOAPFault {
	t.Helper()
	if r.status != status {
		t.Fatalf("HTTP %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/xml;charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	_, err := ocixml.UnwrapSOAPResponse([]byte(r.body))
	var f *ocixml.SOAPFault
	if !errors.As(err, &f) {
		t.Fatalf("not a SOAP fault (%v): %s", err, r.body)
	}
	return f
}

func TestSOAPClientVariants(t *testing.T) {
	const latin1Doc = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><BroadsoftDocument protocol=\"OCI\" xmlns=\"C\"><sessionId xmlns=\"\">s1</sessionId><command xsi:type=\"AuthenticationRequest\" xmlns=\"\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><userId>M\xfcller</userId></command></BroadsoftDocument>"
	tests := []struct {
		name, contentType, body, want string
	}{
		{
			name:        "zeep (mercury): ns0-qualified wrapper and in0",
			contentType: "text/xml; charset=utf-8",
			body:        "<?xml version='1.0' encoding='utf-8'?>\n<soap-env:Envelope xmlns:soap-env=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap-env:Body><ns0:processOCIMessage xmlns:ns0=\"urn:com:broadsoft:webservice\"><ns0:in0>" + soapDocEsc + "</ns0:in0></ns0:processOCIMessage></soap-env:Body></soap-env:Envelope>",
			want:        soapDoc,
		},
		{
			name:        "mercury-fast: default namespace",
			contentType: "text/xml; charset=UTF-8",
			body:        `<?xml version="1.0" encoding="UTF-8"?>` + soapEnvOpen + `<soapenv:Body><processOCIMessage xmlns="urn:com:broadsoft:webservice"><in0>` + soapDocEsc + `</in0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
			want:        soapDoc,
		},
		{
			name:        "MIT lib: unqualified wrapper, arg0 with xsi:type",
			contentType: "text/xml",
			body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header/><soapenv:Body>` +
				`<processOCIMessage soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><arg0 xsi:type="soapenc:string">` + soapDocEsc + `</arg0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
			want: soapDoc,
		},
		{
			name:        "MIT lib: double-escaped",
			contentType: "text/xml",
			body:        soapEnvOpen + `<soapenv:Body><processOCIMessage><arg0>` + strings.ReplaceAll(soapDocEsc, "&", "&amp;") + `</arg0></processOCIMessage></soapenv:Body></soapenv:Envelope>`,
			want:        soapDoc,
		},
		{
			name:        "hand-built: CDATA, Latin-1 bytes, charset only in the HTTP header",
			contentType: "text/xml; charset=ISO-8859-1",
			body:        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:web=\"urn:com:broadsoft:webservice\">\r\n <soapenv:Body>\r\n  <web:processOCIMessage>\r\n   <in0><![CDATA[" + latin1Doc + "]]></in0>\r\n  </web:processOCIMessage>\r\n </soapenv:Body>\r\n</soapenv:Envelope>",
			want:        strings.Replace(latin1Doc, "\xfc", "\u00fc", 1),
		},
		{
			name:        "bash script: ns1 prefix, hand-escaped",
			contentType: "text/xml",
			body:        `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:com:broadsoft:webservice"><soapenv:Body><ns1:processOCIMessage><ns1:in0>` + soapDocEsc + `</ns1:in0></ns1:processOCIMessage></soapenv:Body></soapenv:Envelope>`,
			want:        soapDoc,
		},
		{
			name:        "C# WCF: both qualified, s prefix",
			contentType: "text/xml; charset=utf-8",
			body:        `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><processOCIMessage xmlns="urn:com:broadsoft:webservice"><in0>` + strings.ReplaceAll(soapDocEsc, "&gt;", ">") + `</in0></processOCIMessage></s:Body></s:Envelope>`,
			want:        soapDoc,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss := startSOAP(t, Config{}, newFakeProc(), false)
			r := ss.post(t, tt.contentType, tt.body, "")
			doc := r.ok(t)
			if want := string(fakeResponse("s1", 1, 0)); doc != want {
				t.Errorf("inner document %q, want %q", doc, want)
			}
			if !strings.Contains(r.body, `<processOCIMessageResponse xmlns="urn:com:broadsoft:webservice"><processOCIMessageReturn>`) {
				t.Errorf("response is not in the qualified form: %s", r.body)
			}
			calls := ss.proc.snapshot()
			if len(calls) != 1 {
				t.Fatalf("%d calls", len(calls))
			}
			if c := calls[0]; c.doc != tt.want || !c.fromSOAP || c.transport != TransportSOAP {
				t.Errorf("processor got %q fromSOAP=%v transport=%q, want %q", c.doc, c.fromSOAP, c.transport, tt.want)
			}
		})
	}
}

func TestSOAPLegacyAxisForm(t *testing.T) {
	ss := startSOAP(t, Config{SOAP: SOAPConfig{ResponseForm: ocixml.SOAPLegacyAxis}}, newFakeProc(), false)
	r := ss.call(t, "s1", "AuthenticationRequest", "")
	r.ok(t)
	if want := string(ocixml.AppendSOAPResponse(nil, fakeResponse("s1", 1, 0), ocixml.SOAPLegacyAxis)); r.body != want {
		t.Errorf("body\n%s\nwant\n%s", r.body, want)
	}
}

var cookieRe = regexp.MustCompile(`^JSESSIONID=[0-9A-F]{32}; Path=/; HttpOnly$`)

func TestSOAPCookieIssueAndReuse(t *testing.T) {
	ss := startSOAP(t, Config{}, newFakeProc(), false)
	first := ss.call(t, "s1", "AuthenticationRequest", "")
	first.ok(t)
	if first.cookie == nil {
		t.Fatal("no JSESSIONID on the first response")
	}
	if sc := first.header.Get("Set-Cookie"); !cookieRe.MatchString(sc) {
		t.Errorf("Set-Cookie %q", sc)
	}
	id := first.cookie.Value

	login := ss.call(t, "s1", "LoginRequest", id)
	login.ok(t)
	if login.cookie != nil {
		t.Errorf("cookie re-issued for a known session: %v", login.cookie)
	}
	ss.call(t, "s1", "UserGetRequest22", id).ok(t)

	calls := ss.proc.snapshot()
	if calls[0].state != calls[1].state || calls[1].state != calls[2].state {
		t.Error("requests with the same cookie and session id got different login states")
	}

	// The same cookie with another OCI session id has its own login state.
	other := ss.call(t, "s2", "UserGetRequest22", id)
	other.fault(t, http.StatusInternalServerError)
	if other.cookie != nil {
		t.Error("cookie re-issued")
	}

	// An unknown cookie starts a new session, with a new cookie.
	unknown := ss.call(t, "s1", "UserGetRequest22", "0123456789ABCDEF0123456789ABCDEF")
	unknown.fault(t, http.StatusInternalServerError)
	if unknown.cookie == nil || unknown.cookie.Value == id {
		t.Errorf("unknown cookie: new cookie %v", unknown.cookie)
	}
	if n := ss.s.Stats().SOAPSessions; n != 2 {
		t.Errorf("%d HTTP sessions, want 2", n)
	}
}

func TestSOAPSecureCookieOverHTTPS(t *testing.T) {
	ss := startSOAP(t, Config{}, newFakeProc(), true)
	r := ss.call(t, "s1", "AuthenticationRequest", "")
	r.ok(t)
	if sc := r.header.Get("Set-Cookie"); !strings.HasSuffix(sc, "; HttpOnly; Secure") || r.cookie == nil {
		t.Errorf("Set-Cookie over HTTPS: %q", sc)
	}
	if c := ss.proc.snapshot()[0]; c.transport != TransportSOAPS {
		t.Errorf("transport %q", c.transport)
	}
}

func TestSOAPCookielessLenientReuse(t *testing.T) {
	ss := startSOAP(t, Config{}, newFakeProc(), false)
	auth := ss.call(t, "s1", "AuthenticationRequest", "")
	auth.ok(t)
	// The login must find the nonce of the authentication, and what
	// follows the login, although no cookie is ever sent.
	ss.call(t, "s1", "LoginRequest", "").ok(t)
	get := ss.call(t, "s1", "UserGetRequest22", "")
	get.ok(t)
	if get.cookie == nil || auth.cookie == nil || get.cookie.Value != auth.cookie.Value {
		t.Errorf("lenient reuse should hand back the session's cookie: %v then %v", auth.cookie, get.cookie)
	}
	calls := ss.proc.snapshot()
	if calls[0].state != calls[2].state {
		t.Error("cookie-less requests did not share the login state")
	}
	if n := ss.s.Stats().SOAPSessions; n != 1 {
		t.Errorf("%d HTTP sessions, want 1", n)
	}
	// Another OCI session id does not borrow that login.
	ss.call(t, "s9", "UserGetRequest22", "").fault(t, http.StatusInternalServerError)
}

func TestSOAPStrictSessions(t *testing.T) {
	ss := startSOAP(t, Config{SOAP: SOAPConfig{StrictSessions: true}}, newFakeProc(), false)
	a := ss.call(t, "s1", "AuthenticationRequest", "")
	ss.call(t, "s1", "LoginRequest", a.cookie.Value).ok(t)
	r := ss.call(t, "s1", "UserGetRequest22", "")
	r.fault(t, http.StatusInternalServerError)
	if r.cookie == nil || r.cookie.Value == a.cookie.Value {
		t.Errorf("strict mode: a cookie-less request must start a new session, got %v", r.cookie)
	}
	ss.call(t, "s1", "UserGetRequest22", a.cookie.Value).ok(t)
}

func TestSOAPNotLoggedInFault(t *testing.T) {
	ss := startSOAP(t, Config{}, newFakeProc(), false)
	r := ss.call(t, "s1", "UserGetRequest22", "")
	f := r.fault(t, http.StatusInternalServerError)
	want := ocixml.SOAPFault{
		Code:   "soapenv:Server.generalException",
		String: "INVALID_REQUEST",
		Actor:  "ProvisioningService",
		Detail: "Cannot process any request before user is logged in.",
	}
	if *f != want {
		t.Errorf("fault %+v, want %+v", *f, want)
	}
	if r.body != string(ocixml.AppendSOAPFault(nil, want)) {
		t.Errorf("fault body %s", r.body)
	}
	if st := ss.s.Stats(); st.SOAPFaults != 1 || st.SOAPRequests != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestSOAPBadRequests(t *testing.T) {
	ss := startSOAP(t, Config{MaxDocumentSize: 2048, SOAP: SOAPConfig{MaxBodySize: 8192}}, newFakeProc(), false)

	f := ss.post(t, "text/xml", "this is not XML", "").fault(t, http.StatusInternalServerError)
	if f.Code != "soapenv:Client" || f.Detail == "" {
		t.Errorf("unwrap failure fault %+v", f)
	}
	f = ss.post(t, "text/xml", soapEnvOpen+`<soapenv:Body><login/></soapenv:Body></soapenv:Envelope>`, "").fault(t, http.StatusInternalServerError)
	if !strings.Contains(f.Detail, "no processOCIMessage") {
		t.Errorf("fault %+v", f)
	}

	big := strings.Repeat("x", 10000)
	ss.post(t, "text/xml", big, "").fault(t, http.StatusRequestEntityTooLarge)

	// A body within the limit whose document is too large gets the same
	// [Error 6004] the TCP transport sends.
	large := soapEnvelope("s1", "UserModifyRequest22")
	large = strings.Replace(large, "admin@example.com", strings.Repeat("y", 3000), 1)
	doc := ss.post(t, "text/xml", large, "").ok(t)
	if !strings.Contains(doc, "[Error 6004]") || !strings.Contains(doc, "exceeds the limit of 2048") {
		t.Errorf("oversized document answer: %s", doc)
	}
	if n := len(ss.proc.snapshot()); n != 0 {
		t.Errorf("processor called %d times", n)
	}

	// Methods other than GET, HEAD and POST.
	req, _ := http.NewRequest(http.MethodPut, ss.url, nil)
	resp, err := ss.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD, POST" {
		t.Errorf("PUT: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	resp, err = ss.ts.Client().Get(ss.url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Errorf("GET without ?wsdl: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestSOAPSessionExpiry(t *testing.T) {
	ss := startSOAP(t, Config{SOAP: SOAPConfig{SessionIdleTimeout: 150 * time.Millisecond}}, newFakeProc(), false)
	a := ss.call(t, "s1", "AuthenticationRequest", "")
	ss.call(t, "s1", "LoginRequest", a.cookie.Value).ok(t)
	st := ss.proc.snapshot()[1].state
	// The janitor logs the session out once it has been idle long enough.
	waitFor(t, "session expiry", func() bool {
		st.Mu.Lock()
		defer st.Mu.Unlock()
		return !st.LoggedIn()
	})
	// (More than one expiry if the machine was slow between the two calls.)
	if got := ss.s.Stats(); got.SOAPSessionsExpired < 1 || got.SOAPSessions != 0 {
		t.Errorf("stats %+v", got)
	}
	r := ss.call(t, "s1", "UserGetRequest22", a.cookie.Value)
	r.fault(t, http.StatusInternalServerError)
	if r.cookie == nil || r.cookie.Value == a.cookie.Value {
		t.Errorf("expired cookie: new cookie %v", r.cookie)
	}
}

func TestSOAPSessionTableFull(t *testing.T) {
	t.Run("evicts sessions without a login", func(t *testing.T) {
		ss := startSOAP(t, Config{SOAP: SOAPConfig{MaxSessions: 2, StrictSessions: true}}, newFakeProc(), false)
		for _, sid := range []string{"a", "b", "c"} {
			if r := ss.call(t, sid, "AuthenticationRequest", ""); r.cookie == nil {
				t.Fatalf("%s: no session", sid)
			}
		}
		st := ss.s.Stats()
		if st.SOAPSessions != 2 || st.SOAPSessionsEvicted != 1 {
			t.Errorf("stats %+v", st)
		}
		oldest := ss.proc.snapshot()[0].state
		oldest.Mu.Lock()
		nonce := oldest.Nonce
		oldest.Mu.Unlock()
		if nonce != "" {
			t.Error("evicted session kept its nonce")
		}
	})
	t.Run("never evicts a login", func(t *testing.T) {
		ss := startSOAP(t, Config{SOAP: SOAPConfig{MaxSessions: 1}}, newFakeProc(), false)
		a := ss.call(t, "s1", "AuthenticationRequest", "")
		ss.call(t, "s1", "LoginRequest", a.cookie.Value).ok(t)
		r := ss.call(t, "other", "AuthenticationRequest", "")
		r.ok(t) // served, but with nowhere to keep its state
		if r.cookie != nil {
			t.Errorf("cookie %v issued with the table full", r.cookie)
		}
		if st := ss.s.Stats(); st.SOAPSessionsRefused != 1 || st.SOAPSessions != 1 {
			t.Errorf("stats %+v", st)
		}
		ss.call(t, "s1", "UserGetRequest22", a.cookie.Value).ok(t)
	})
}

func TestSOAPShutdown(t *testing.T) {
	proc := newFakeProc()
	proc.started = make(chan string, 1)
	ss := startSOAP(t, Config{}, proc, false)
	got := make(chan soapReply, 1)
	go func() { got <- ss.call(t, "s1", "BlockRequest", "") }()
	<-proc.started
	done := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done <- ss.s.Shutdown(ctx)
	}()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v with a SOAP request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	// New requests are refused meanwhile.
	ss.call(t, "s2", "AuthenticationRequest", "").fault(t, http.StatusServiceUnavailable)
	close(proc.unblock)
	(<-got).ok(t)
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// WSDL.

func getWSDL(t *testing.T, s *Server, target string, tweak func(*http.Request)) (int, http.Header, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	if tweak != nil {
		tweak(req)
	}
	rec := httptest.NewRecorder()
	s.SOAPHandler().ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.Bytes()
}

func newWSDLServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	checkNoLeaks(t)
	s, err := New(cfg, newFakeProc())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	return s
}

func TestWSDLGolden(t *testing.T) {
	s := newWSDLServer(t, Config{})
	code, h, body := getWSDL(t, s, "http://oci.example.test:8080"+SOAPPath+"?wsdl", nil)
	if code != http.StatusOK || h.Get("Content-Type") != "text/xml;charset=utf-8" {
		t.Fatalf("HTTP %d, Content-Type %q", code, h.Get("Content-Type"))
	}
	golden := filepath.Join("testdata", "wsdl.golden")
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(body, want) {
		t.Errorf("WSDL differs from %s:\n%s", golden, body)
	}
	for _, q := range []string{"?WSDL", "?Wsdl", "?wsdl=", "?x=1&wsdl"} {
		code, _, other := getWSDL(t, s, "http://oci.example.test:8080"+SOAPPath+q, nil)
		if code != http.StatusOK || !bytes.Equal(other, body) {
			t.Errorf("%s: HTTP %d, same body %v", q, code, bytes.Equal(other, body))
		}
	}
}

// wsdlDoc is the part of a WSDL the clients depend on.
type wsdlDoc struct {
	XMLName         xml.Name `xml:"http://schemas.xmlsoap.org/wsdl/ definitions"`
	TargetNamespace string   `xml:"targetNamespace,attr"`
	Schema          struct {
		TargetNamespace    string `xml:"targetNamespace,attr"`
		ElementFormDefault string `xml:"elementFormDefault,attr"`
		Elements           []struct {
			Name     string `xml:"name,attr"`
			Children []struct {
				Name string `xml:"name,attr"`
				Type string `xml:"type,attr"`
			} `xml:"complexType>sequence>element"`
		} `xml:"element"`
	} `xml:"types>schema"`
	Messages []struct {
		Name string `xml:"name,attr"`
		Part struct {
			Element string `xml:"element,attr"`
		} `xml:"part"`
	} `xml:"message"`
	PortType struct {
		Name       string `xml:"name,attr"`
		Operations []struct {
			Name string `xml:"name,attr"`
		} `xml:"operation"`
	} `xml:"portType"`
	Binding struct {
		Name string `xml:"name,attr"`
		Type string `xml:"type,attr"`
		SOAP struct {
			Style     string `xml:"style,attr"`
			Transport string `xml:"transport,attr"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ binding"`
		Operations []struct {
			Name       string `xml:"name,attr"`
			SOAPAction *struct {
				Value string `xml:"soapAction,attr"`
			} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ operation"`
			Input struct {
				Body struct {
					Use string `xml:"use,attr"`
				} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ body"`
			} `xml:"input"`
			Output struct {
				Body struct {
					Use string `xml:"use,attr"`
				} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ body"`
			} `xml:"output"`
		} `xml:"operation"`
	} `xml:"binding"`
	Service struct {
		Name string `xml:"name,attr"`
		Port struct {
			Name     string `xml:"name,attr"`
			Binding  string `xml:"binding,attr"`
			Location struct {
				Value string `xml:"location,attr"`
			} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ address"`
		} `xml:"port"`
	} `xml:"service"`
}

func parseWSDL(t *testing.T, body []byte) wsdlDoc {
	t.Helper()
	// Well-formedness first: every token, to the end.
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("WSDL is not well-formed: %v", err)
		}
	}
	var w wsdlDoc
	if err := xml.Unmarshal(body, &w); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWSDLContent(t *testing.T) {
	s := newWSDLServer(t, Config{})
	_, _, body := getWSDL(t, s, "http://oci.example.test:8080"+SOAPPath+"?wsdl", nil)
	w := parseWSDL(t, body)
	const ns = "urn:com:broadsoft:webservice"
	if w.TargetNamespace != ns || w.Schema.TargetNamespace != ns || w.Schema.ElementFormDefault != "qualified" {
		t.Errorf("namespaces: %q %q %q", w.TargetNamespace, w.Schema.TargetNamespace, w.Schema.ElementFormDefault)
	}
	wrappers := map[string]string{}
	for _, e := range w.Schema.Elements {
		if len(e.Children) != 1 || e.Children[0].Type != "xsd:string" {
			t.Errorf("element %s: %+v", e.Name, e.Children)
			continue
		}
		wrappers[e.Name] = e.Children[0].Name
	}
	for name, child := range map[string]string{"processOCIMessage": "in0", "processOCIMessageResponse": "processOCIMessageReturn", "processMessage": "in0"} {
		if wrappers[name] != child {
			t.Errorf("wrapper %s has child %q, want %q", name, wrappers[name], child)
		}
	}
	if len(w.Schema.Elements) != 3 {
		t.Errorf("%d schema elements, want 3", len(w.Schema.Elements))
	}
	// Both operations answer with processOCIMessageResponse: that is what
	// the server sends whichever wrapper the request used.
	msgs := map[string]string{}
	for _, m := range w.Messages {
		msgs[m.Name] = m.Part.Element
	}
	for name, elem := range map[string]string{
		"processOCIMessageRequest": "tns:processOCIMessage", "processOCIMessageResponse": "tns:processOCIMessageResponse",
		"processMessageRequest": "tns:processMessage", "processMessageResponse": "tns:processOCIMessageResponse",
	} {
		if msgs[name] != elem {
			t.Errorf("message %s has element %q, want %q", name, msgs[name], elem)
		}
	}
	if w.PortType.Name != "BWProvisioningService" || len(w.PortType.Operations) != 2 ||
		w.PortType.Operations[0].Name != "processOCIMessage" || w.PortType.Operations[1].Name != "processMessage" {
		t.Errorf("portType %+v", w.PortType)
	}
	if w.Binding.Name != "ProvisioningServiceSoapBinding" || w.Binding.Type != "tns:BWProvisioningService" || len(w.Binding.Operations) != 2 {
		t.Errorf("binding %+v", w.Binding)
	}
	if w.Binding.SOAP.Style != "document" || w.Binding.SOAP.Transport != "http://schemas.xmlsoap.org/soap/http" {
		t.Errorf("soap:binding %+v", w.Binding.SOAP)
	}
	for _, op := range w.Binding.Operations {
		if op.SOAPAction == nil || op.SOAPAction.Value != "" {
			t.Errorf("operation %s: soapAction %+v, want present and empty", op.Name, op.SOAPAction)
		}
		if op.Input.Body.Use != "literal" || op.Output.Body.Use != "literal" {
			t.Errorf("operation %s: body use %q/%q, want literal", op.Name, op.Input.Body.Use, op.Output.Body.Use)
		}
	}
	if w.Service.Name != "BWProvisioningServiceService" || w.Service.Port.Name != "ProvisioningService" || w.Service.Port.Binding != "tns:ProvisioningServiceSoapBinding" {
		t.Errorf("service %+v", w.Service)
	}
	if got := w.Service.Port.Location.Value; got != "http://oci.example.test:8080/webservice/services/ProvisioningService" {
		t.Errorf("soap:address %q", got)
	}
}

func TestWSDLAddress(t *testing.T) {
	target := "http://oci.example.test" + SOAPPath + "?wsdl"
	tests := []struct {
		name  string
		cfg   Config
		tweak func(*http.Request)
		want  string
	}{
		{"plain HTTP, Host header", Config{}, nil, "http://oci.example.test" + SOAPPath},
		{"TLS", Config{}, func(r *http.Request) { r.TLS = &tls.ConnectionState{} }, "https://oci.example.test" + SOAPPath},
		{"X-Forwarded-Proto ignored by default", Config{}, func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "https") }, "http://oci.example.test" + SOAPPath},
		{"X-Forwarded-Proto trusted", Config{SOAP: SOAPConfig{TrustForwardedProto: true}}, func(r *http.Request) { r.Header.Set("X-Forwarded-Proto", "HTTPS, http") }, "https://oci.example.test" + SOAPPath},
		{"public URL without path", Config{SOAP: SOAPConfig{PublicURL: "https://bw.example.com:8443"}}, nil, "https://bw.example.com:8443" + SOAPPath},
		{"public URL with path", Config{SOAP: SOAPConfig{PublicURL: "https://gw.example.com/ocip/soap"}}, nil, "https://gw.example.com/ocip/soap"},
		{"hostile Host header is escaped", Config{}, func(r *http.Request) { r.Host = `x"/><evil a="&` }, `http://x"/><evil a="&` + SOAPPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newWSDLServer(t, tt.cfg)
			_, _, body := getWSDL(t, s, target, tt.tweak)
			if got := parseWSDL(t, body).Service.Port.Location.Value; got != tt.want {
				t.Errorf("soap:address %q, want %q", got, tt.want)
			}
		})
	}
}
