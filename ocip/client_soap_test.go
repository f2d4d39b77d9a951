package ocip_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard/switchboard/internal/testbed"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/system"
)

// soapSpy forwards SOAP requests to a testbed endpoint, recording what
// the client sends, and answers a Fault for any request containing
// faultMarker instead of forwarding it.
type soapSpy struct {
	srv *httptest.Server

	mu       sync.Mutex
	requests int
	cookies  map[string]int // JSESSIONID value → requests carrying it
	noCookie int
	headers  []http.Header
}

const faultMarker = "fault-me"

func newSOAPSpy(t *testing.T, target string) *soapSpy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	s := &soapSpy{cookies: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.mu.Lock()
		s.requests++
		s.headers = append(s.headers, r.Header.Clone())
		if ck, err := r.Cookie("JSESSIONID"); err == nil {
			s.cookies[ck.Value]++
		} else {
			s.noCookie++
		}
		s.mu.Unlock()
		if bytes.Contains(body, []byte(faultMarker)) {
			w.Header().Set("Content-Type", "text/xml;charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write(ocixml.AppendSOAPFault(nil, ocixml.SOAPFault{Code: "soapenv:Server.generalException", String: "INVALID_REQUEST", Detail: "Cannot process any request before user is logged in."}))
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *soapSpy) url() string { return s.srv.URL + "/webservice/services/ProvisioningService" }

func (s *soapSpy) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func TestClientSOAP(t *testing.T) {
	tb := testbed.Start(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		url   string
		https bool
		login ocip.LoginMode
	}{
		{"http auto", tb.SOAPURL, false, ocip.LoginAuto},
		{"https auto", tb.SOAPSURL, true, ocip.LoginAuto},
		{"https signed", tb.SOAPSURL, true, ocip.LoginSigned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var logins []string
			cfg := ocip.Config{URL: tc.url, Conns: 3, Login: tc.login, Trace: func(ev ocip.TraceEvent) {
				s := string(ev.Doc)
				if ev.Direction == ocip.TraceSent && strings.Contains(s, "Login") {
					mu.Lock()
					logins = append(logins, s)
					mu.Unlock()
				}
			}}
			if tc.https {
				cfg.TLS = tb.ClientTLS()
			}
			c := dialTB(t, cfg)
			wantLogin := "LoginRequest14sp4"
			if tc.https && tc.login == ocip.LoginAuto {
				wantLogin = "LoginRequest22V5"
			}
			if len(logins) != 3 || !strings.Contains(logins[0], wantLogin) {
				t.Fatalf("logins %q, want 3 × %s", logins, wantLogin)
			}
			r, err := ocip.Do[*system.SystemSoftwareVersionGetResponse](ctx, c, &system.SystemSoftwareVersionGetRequest{})
			if err != nil || r.Version == "" {
				t.Fatalf("%+v, %v", r, err)
			}
			_, err = c.Send(ctx, userGet("ghost@example.com"))
			wantUserNotFound(t, err, "ghost@example.com")

			reqs := make([]ocixml.Command, 50)
			for i := range reqs {
				reqs[i] = userGet("s" + strconv.Itoa(i))
			}
			res, err := c.Batch(ctx, reqs...)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range res {
				wantUserNotFound(t, r.Err, "s"+strconv.Itoa(i))
			}
		})
	}
	// Three sessions were logged in per client, each with its own cookie.
	if st := tb.Stats(); st.SOAPSessions < 9 || st.SOAPFaults != 0 {
		t.Errorf("server stats %+v: want 9 HTTP sessions and no fault", st)
	}
}

func TestClientSOAPSessions(t *testing.T) {
	tb := testbed.Start(t)
	spy := newSOAPSpy(t, tb.SOAPURL)
	ctx := context.Background()
	c := dialTB(t, ocip.Config{URL: spy.url(), Conns: 2})

	// Concurrent calls share documents over SOAP too.
	before := spy.count()
	var wg sync.WaitGroup
	errs := make([]error, 60)
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.Send(ctx, userGet("p"+strconv.Itoa(i))) })
	}
	wg.Wait()
	for i, err := range errs {
		wantUserNotFound(t, err, "p"+strconv.Itoa(i))
	}
	t.Logf("60 concurrent calls over 2 SOAP sessions: %d HTTP requests", spy.count()-before)

	spy.mu.Lock()
	// Two logins of two requests each: the first request of a session has
	// no cookie, every later one carries the session's own.
	if spy.noCookie != 2 || len(spy.cookies) != 2 {
		t.Errorf("%d requests without a cookie, cookies %v: want 2 sessions", spy.noCookie, spy.cookies)
	}
	for _, h := range spy.headers {
		if h.Get("SOAPAction") != `""` || h.Get("Content-Type") != "text/xml; charset=utf-8" {
			t.Errorf("headers %v", h)
			break
		}
	}
	spy.mu.Unlock()

	// A SOAP Fault is a clear error, not an ErrorResponse; the session is
	// dropped and the next call logs in again.
	_, err := c.Send(ctx, userGet(faultMarker))
	var e *ocip.ErrorResponse
	if err == nil || errors.As(err, &e) || !strings.Contains(err.Error(), "SOAP fault") || !strings.Contains(err.Error(), "INVALID_REQUEST") {
		t.Fatalf("got %v, want a SOAP fault error", err)
	}
	for i := range 4 {
		_, err = c.Send(ctx, userGet("after"+strconv.Itoa(i)))
		wantUserNotFound(t, err, "after"+strconv.Itoa(i))
	}
	spy.mu.Lock()
	if len(spy.cookies) != 3 {
		t.Errorf("cookies %v: want a third session after the fault", spy.cookies)
	}
	spy.mu.Unlock()

	for _, bad := range []ocip.Config{
		{URL: "ftp://example.com/x"},
		{URL: "http://"},
		{URL: tb.SOAPURL, TLS: tb.ClientTLS()},
	} {
		bad.User, bad.Password = testbed.Admin, testbed.Password
		if _, err := ocip.Dial(ctx, bad); err == nil {
			t.Errorf("Dial(%+v) succeeded", bad)
		}
	}
	// A wrong password over SOAP is the server's ErrorResponse.
	_, err = ocip.Dial(ctx, ocip.Config{URL: tb.SOAPURL, User: testbed.Admin, Password: "wrong"})
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an *ErrorResponse", err)
	}
	// An endpoint that is not SOAP is reported as such.
	_, err = ocip.Dial(ctx, ocip.Config{URL: spy.srv.URL + "/nothing-here", User: testbed.Admin, Password: testbed.Password})
	if err == nil || !strings.Contains(err.Error(), "HTTP") {
		t.Fatalf("got %v, want an HTTP error", err)
	}
}
