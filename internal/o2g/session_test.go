package o2g_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/testbed"
)

func wantError(t *testing.T, err error, status int, typ string) {
	t.Helper()
	var e *o2gtest.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want HTTP %d %s", err, status, typ)
	}
	if e.Status != status || e.Type() != typ {
		t.Fatalf("HTTP %d %s (%s), want %d %s", e.Status, e.Type(), e.Body, status, typ)
	}
	for _, k := range []string{"httpStatus", "code", "type", "helpMessage", "canRetry"} {
		if _, ok := e.Info[k]; !ok {
			t.Fatalf("RestErrorInfo without %s: %s", k, e.Body)
		}
	}
}

// The bootstrap as the SDKs run it, for an administrator, a user by
// oxe<number> and secret code, and a user without a number by id.
func TestBootstrapAndSessions(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()

	adm := w.admin(t)
	if !adm.Session.Admin || adm.Session.Login != testbed.Admin || adm.Session.TimeToLive != 1800 {
		t.Fatalf("admin session %+v", adm.Session)
	}
	for _, name := range []string{"users", "usermanagement", "telephony", "subscriptions", "routing", "eventsummary", "directory",
		"comlog", "maintenance", "voicemail", "phonesetprogramming", "pbxmanagement", "acdagent", "acdpilotmonitoring",
		"acdmanagement", "acdrealtime", "acd statistics", "acdrsi", "analytics"} {
		if _, ok := adm.Service(name); !ok {
			t.Errorf("no service %q in the session's list", name)
		}
	}
	if u, _ := adm.Service("users"); !strings.HasSuffix(u, "/api/rest/1.0/users") || !strings.HasPrefix(u, "https://") {
		t.Errorf("users URL %q", u)
	}

	u := w.client(t, "oxe2025550101", "1234")
	if u.Session.Admin || u.Session.Login != "oxe2025550101" {
		t.Fatalf("user session %+v", u.Session)
	}
	c := w.client(t, carol, "2468")
	if c.Session.Login != carol {
		t.Fatalf("carol's session %+v", c.Session)
	}

	// Wrong secrets: 401 with a RestErrorInfo body, and no cookie.
	for _, cred := range [][2]string{{"oxe2025550101", "9999"}, {"oxe2025550101", "User-pass-1"}, {"oxe2025550999", "1234"},
		{alice, "User-pass-1"}, {testbed.Admin, "wrong"}, {"nobody", "x"}} {
		x := o2gtest.New(w.tb.O2GAddr, w.tb.Roots)
		err := x.Login(ctx, cred[0], cred[1], "t")
		wantError(t, err, http.StatusUnauthorized, "NOT_ALLOWED")
	}

	// One session per authentication: a second POST with the same cookie
	// is refused.
	err := u.Do(ctx, http.MethodPost, "/sessions", map[string]string{"applicationName": "again"}, nil)
	wantError(t, err, http.StatusForbidden, "NOT_ALLOWED")

	// A second session of the same login lists the first in otherSessions.
	u2 := w.client(t, "oxe2025550101", "1234")
	if len(u2.Session.OtherSessions) != 1 {
		t.Fatalf("otherSessions %+v", u2.Session.OtherSessions)
	}

	if err := u.Keepalive(ctx); err != nil {
		t.Fatal(err)
	}
	var info o2gtest.SessionInfo
	if err := u.Do(ctx, http.MethodGet, "/sessions", nil, &info); err != nil || info.Login != "oxe2025550101" {
		t.Fatalf("GET /sessions: %+v %v", info, err)
	}
	if err := u.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	// The old cookie is now worthless.
	wantError(t, u.Keepalive(ctx), http.StatusForbidden, "INVALID_SESSION")
	wantError(t, u.Logout(ctx), http.StatusForbidden, "INVALID_SESSION")
	if err := u2.Keepalive(ctx); err != nil {
		t.Fatalf("the other session died with the first: %v", err)
	}
}

// The descriptor is byte-exact JSON with both URLs of each pair filled.
func TestDescriptorGolden(t *testing.T) {
	w := newWorld(t)
	resp, err := o2gtest.New(w.tb.O2GAddr, w.tb.Roots).HTTP.Get("https://" + w.tb.O2GAddr + "/api/rest")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	want := `{"serverInfo":{"productName":"O2G Solution","productType":"O2G","productVersion":{"major":"2.7","minor":"000.000"},"haMode":false},` +
		`"versions":[{"id":"1.0","status":"CURRENT","publicUrl":"https://` + w.tb.O2GAddr + `/api/rest/authenticate?version=1.0",` +
		`"internalUrl":"https://` + w.tb.O2GAddr + `/api/rest/authenticate?version=1.0"}],"custoFeatures":[]}` + "\n"
	if string(body) != want {
		t.Fatalf("descriptor:\n%s\nwant\n%s", body, want)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
	// Other methods get 405 with a RestErrorInfo body.
	req, _ := http.NewRequest(http.MethodPost, "https://"+w.tb.O2GAddr+"/api/rest", nil)
	r2, err := o2gtest.New(w.tb.O2GAddr, w.tb.Roots).HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Body.Close()
	var info map[string]any
	if err := json.NewDecoder(r2.Body).Decode(&info); err != nil || r2.StatusCode != http.StatusMethodNotAllowed || info["type"] != "NOT_SUPPORTED" {
		t.Fatalf("POST /api/rest: %d %v %v", r2.StatusCode, info, err)
	}
}

// The authenticate answer sets AlcUserId with Path=/ and carries both
// login spellings.
func TestAuthenticateCookie(t *testing.T) {
	w := newWorld(t)
	req, _ := http.NewRequest(http.MethodGet, "https://"+w.tb.O2GAddr+"/api/rest/authenticate?version=1.0", nil)
	req.SetBasicAuth("oxe2025550102", "5678")
	resp, err := o2gtest.New(w.tb.O2GAddr, w.tb.Roots).HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "AlcUserId" {
			ck = c
		}
	}
	if resp.StatusCode != 200 || ck == nil || ck.Path != "/" || body["credential"] != ck.Value || body["loginName"] != "oxe2025550102" ||
		body["login"] != "oxe2025550102" || body["expired"] != false || !strings.HasSuffix(body["publicUrl"].(string), "/api/rest/1.0/sessions") {
		t.Fatalf("authenticate: %d %v %+v", resp.StatusCode, body, ck)
	}
	// No credentials at all: 401 with a body.
	r2, err := o2gtest.New(w.tb.O2GAddr, w.tb.Roots).HTTP.Get("https://" + w.tb.O2GAddr + "/api/rest/authenticate?version=1.0")
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Body.Close()
	var info map[string]any
	if err := json.NewDecoder(r2.Body).Decode(&info); err != nil || r2.StatusCode != http.StatusUnauthorized || info["httpStatus"] != "UNAUTHORIZED" {
		t.Fatalf("no credentials: %d %v %v", r2.StatusCode, info, err)
	}
}

// A request on a service without a session is INVALID_SESSION, an unknown
// path NOT_FOUND, both with RestErrorInfo bodies.
func TestNoSession(t *testing.T) {
	w := newWorld(t)
	c := o2gtest.New(w.tb.O2GAddr, w.tb.Roots)
	ctx := context.Background()
	wantError(t, c.Do(ctx, http.MethodPost, "https://"+w.tb.O2GAddr+"/api/rest/1.0/sessions/keepalive", nil, nil), http.StatusForbidden, "INVALID_SESSION")
	wantError(t, c.Do(ctx, http.MethodGet, "https://"+w.tb.O2GAddr+"/api/rest/1.0/nothing/here", nil, nil), http.StatusNotFound, "NOT_FOUND")
	// A listed service this server does not serve says so.
	adm := w.admin(t)
	wantError(t, adm.Do(ctx, http.MethodPost, "/telephony/basicCall", nil, nil), http.StatusBadRequest, "NOT_SUPPORTED")
	wantError(t, adm.Do(ctx, http.MethodPost, "/acd/agent/logon", nil, nil), http.StatusBadRequest, "NOT_SUPPORTED")
}

// The service list is exact: names (with "Acd Statistics" and its space),
// versions and relative URLs as the SDKs look them up.
func TestServiceListGolden(t *testing.T) {
	w := newWorld(t)
	c := w.client(t, "oxe2025550101", "1234")
	var raw map[string]json.RawMessage
	if err := c.Do(context.Background(), http.MethodGet, "/sessions", nil, &raw); err != nil {
		t.Fatal(err)
	}
	want := `[{"serviceName":"Users","serviceVersion":"1.0","relativeUrl":"/users"},` +
		`{"serviceName":"UserManagement","serviceVersion":"1.0","relativeUrl":"/usermanagement"},` +
		`{"serviceName":"Telephony","serviceVersion":"1.0","relativeUrl":"/telephony/calls"},` +
		`{"serviceName":"Subscriptions","serviceVersion":"1.0","relativeUrl":"/subscriptions"},` +
		`{"serviceName":"Routing","serviceVersion":"1.0","relativeUrl":"/routing"},` +
		`{"serviceName":"EventSummary","serviceVersion":"1.0","relativeUrl":"/eventSummary"},` +
		`{"serviceName":"Directory","serviceVersion":"1.0","relativeUrl":"/directory"},` +
		`{"serviceName":"Comlog","serviceVersion":"1.0","relativeUrl":"/comlog/records"},` +
		`{"serviceName":"Maintenance","serviceVersion":"1.0","relativeUrl":"/system"},` +
		`{"serviceName":"System","serviceVersion":"1.0","relativeUrl":"/system"},` +
		`{"serviceName":"Voicemail","serviceVersion":"1.0","relativeUrl":"/messaging/mailboxes"},` +
		`{"serviceName":"PhoneSetProgramming","serviceVersion":"1.0","relativeUrl":"/users"},` +
		`{"serviceName":"PbxManagement","serviceVersion":"1.0","relativeUrl":"/pbxs"},` +
		`{"serviceName":"AcdAgent","serviceVersion":"1.0","relativeUrl":"/acd/agent"},` +
		`{"serviceName":"AcdPilotMonitoring","serviceVersion":"1.0","relativeUrl":"/acd/pilotmonitoring"},` +
		`{"serviceName":"AcdManagement","serviceVersion":"1.0","relativeUrl":"/acd"},` +
		`{"serviceName":"AcdRealtime","serviceVersion":"1.0","relativeUrl":"/acd/rti"},` +
		`{"serviceName":"Acd Statistics","serviceVersion":"1.0","relativeUrl":"/acd/stats"},` +
		`{"serviceName":"AcdRsi","serviceVersion":"1.0","relativeUrl":"/rsi"},` +
		`{"serviceName":"Analytics","serviceVersion":"1.0","relativeUrl":"/usages"},` +
		`{"serviceName":"Logins","serviceVersion":"1.0","relativeUrl":"/logins"}]`
	if got := string(raw["services"]); got != want {
		t.Fatalf("services:\n%s\nwant\n%s", got, want)
	}
	if string(raw["timeToLive"]) != "1800" || string(raw["admin"]) != "false" {
		t.Fatalf("timeToLive %s admin %s", raw["timeToLive"], raw["admin"])
	}
}
