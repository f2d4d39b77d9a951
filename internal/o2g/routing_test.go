package o2g_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/o2g"
	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/testbed"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/service"
)

// rtDo calls path with a raw body ("" for none) and returns the status
// and the exact body, for the golden checks.
func rtDo(t *testing.T, c *o2gtest.Client, method, path, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.URL(path), rd)
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// rtBody checks a status and a JSON body to the byte (but the encoder's
// final newline).
func rtBody(t *testing.T, c *o2gtest.Client, method, path, reqBody string, status int, want string) {
	t.Helper()
	st, got := rtDo(t, c, method, path, reqBody)
	if st != status || strings.TrimSuffix(got, "\n") != want {
		t.Fatalf("%s %s: %d %q\nwant %d %q", method, path, st, got, status, want)
	}
}

// rtWantRouting checks an error and its routing detail.
func rtWantRouting(t *testing.T, err error, status int, typ, errorType, dest, cause string) {
	t.Helper()
	wantError(t, err, status, typ)
	var e *o2gtest.Error
	errors.As(err, &e)
	r, _ := e.Info["routing"].(map[string]any)
	if r == nil || r["errorType"] != errorType || r["errorCause"] != cause || (dest != "" && r["destinationType"] != dest) ||
		r["message"] == nil {
		t.Fatalf("routing detail %v, want %s/%s/%s: %s", r, errorType, dest, cause, e.Body)
	}
}

// rtUnmarshal decodes a JSON text.
func rtUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// rtToken is the client's session cookie.
func rtToken(t *testing.T, c *o2gtest.Client) string {
	t.Helper()
	u, err := url.Parse(c.URL("/"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == o2g.CookieName {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

// rtWait polls take until n event lines have arrived.
func rtWait(t *testing.T, take func() []string, n int) []string {
	t.Helper()
	var got []string
	deadline := time.Now().Add(5 * time.Second)
	for len(got) < n && time.Now().Before(deadline) {
		got = append(got, take()...)
		if len(got) < n {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if len(got) != n {
		t.Fatalf("%d events, want %d: %q", len(got), n, got)
	}
	// Nothing more should follow.
	time.Sleep(50 * time.Millisecond)
	if more := take(); len(more) > 0 {
		t.Fatalf("unexpected events %q after %q", more, got)
	}
	return got
}

func (w *world) rtRecord(t *testing.T, id string) store.UserRouting {
	t.Helper()
	r, err := w.tb.Core.UserRouting(context.Background(), w.sys, id)
	if err != nil {
		t.Fatal(err)
	}
	return r.UserRouting
}

const (
	rtAlice       = "oxe2025550101"
	rtBob         = "oxe2025550102"
	rtDave        = "oxe2025550150"
	rtEmptyState  = `{"presentationRoutes":[],"forwardRoutes":[],"overflowRoutes":[],"dndState":{"activate":false}}`
	rtBusyForward = `{"forwardType":"BUSY","destinations":[{"type":"NUMBER","number":"32539"}]}`
)

// Milestone 3, acceptance 1 and 2: forward on a number on busy, read it
// back, an OnRoutingStateChanged follows; cancel, and the read is empty.
func TestRoutingMilestone3(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, rtAlice, "1234")
	take := w.tb.O2G.TapRoutingEvents(t, "", alice)

	err := c.Do(ctx, http.MethodPost, "/routing/forwardroute",
		map[string]any{"forwardRoute": map[string]any{"forwardType": "BUSY", "destinations": []any{map[string]any{"type": "NUMBER", "number": "32539"}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rtBody(t, c, http.MethodGet, "/routing/forwardroute", "", http.StatusOK, rtBusyForward)
	ev := rtWait(t, take, 1)
	want := `{"eventName":"OnRoutingStateChanged","loginName":"oxe2025550101","routingState":{"presentationRoutes":[],"forwardRoutes":[` +
		rtBusyForward + `],"overflowRoutes":[],"dndState":{"activate":false}}}`
	if ev[0] != want {
		t.Fatalf("event\n%s\nwant\n%s", ev[0], want)
	}

	st, body := rtDo(t, c, http.MethodDelete, "/routing/forwardroute", "")
	if st != http.StatusNoContent || body != "" {
		t.Fatalf("cancel: %d %q", st, body)
	}
	// No forward: 200 with an empty body.
	rtBody(t, c, http.MethodGet, "/routing/forwardroute", "", http.StatusOK, "")
	ev = rtWait(t, take, 1)
	if want := `{"eventName":"OnRoutingStateChanged","loginName":"oxe2025550101","routingState":` + rtEmptyState + `}`; ev[0] != want {
		t.Fatalf("event after cancel\n%s\nwant\n%s", ev[0], want)
	}
	if r := w.rtRecord(t, alice); r.Busy.Active || r.Busy.Number != "32539" {
		t.Fatalf("record after cancel: %+v", r)
	}
}

// Golden representations: Capabilities, DNDState, ForwardRoute (each
// type), OverflowRoute (both request forms), RoutingState.
func TestRoutingRepresentations(t *testing.T) {
	w := newWorld(t)
	c := w.client(t, rtAlice, "1234")
	rtBody(t, c, http.MethodGet, "/routing", "", http.StatusOK, `{"presentationRoute":false,"forwardRoute":true,"overflowRoute":true,"dnd":true}`)
	rtBody(t, w.client(t, carol, "2468"), http.MethodGet, "/routing", "", http.StatusOK,
		`{"presentationRoute":false,"forwardRoute":false,"overflowRoute":true,"dnd":false}`)
	rtBody(t, c, http.MethodGet, "/routing/state", "", http.StatusOK, rtEmptyState)
	rtBody(t, c, http.MethodGet, "/routing/overflowroute", "", http.StatusOK, "")

	// DND.
	rtBody(t, c, http.MethodGet, "/routing/dnd", "", http.StatusOK, `{"activate":false}`)
	rtBody(t, c, http.MethodPost, "/routing/dnd", "", http.StatusNoContent, "")
	rtBody(t, c, http.MethodGet, "/routing/dnd", "", http.StatusOK, `{"activate":true}`)
	if r := w.rtRecord(t, alice); !r.DND {
		t.Fatalf("record: %+v", r)
	}

	// Each forward type; one forward at a time.
	for _, tc := range []struct{ in, out string }{
		{`{"forwardRoute":{"forwardType":"BUSY_NO_ANSWER","destinations":[{"type":"NUMBER","number":"+1-2025550177"}]}}`,
			`{"forwardType":"BUSY_NO_ANSWER","destinations":[{"type":"NUMBER","number":"+1-2025550177"}]}`},
		{`{"forwardRoute":{"destinations":[{"type":"NUMBER","number":"5551234"}]}}`,
			`{"destinations":[{"type":"NUMBER","number":"5551234"}]}`},
		{`{"forwardRoute":{"forwardType":"no_answer","destinations":[{"type":"number","number":"5551235","selected":true}]}}`,
			`{"forwardType":"NO_ANSWER","destinations":[{"type":"NUMBER","number":"5551235"}]}`},
		{`{"forwardRoute":{"forwardType":"BUSY","destinations":[{"type":"NUMBER","number":"32539"}]}}`, rtBusyForward},
	} {
		rtBody(t, c, http.MethodPost, "/routing/forwardroute", tc.in, http.StatusNoContent, "")
		rtBody(t, c, http.MethodGet, "/routing/forwardroute", "", http.StatusOK, tc.out)
	}
	r := w.rtRecord(t, alice)
	if r.Always.Active || r.NoAnswer.Active || !r.Busy.Active || r.Busy.Number != "32539" || r.Always.Number != "5551234" {
		t.Fatalf("record after the last forward: %+v", r)
	}

	// Overflow: the Node SDK's single object with selected, then the
	// specification's array.
	rtBody(t, c, http.MethodPost, "/routing/overflowroute",
		`{"overflowRoutes":{"overflowType":"BUSY_NO_ANSWER","destinations":[{"type":"VOICEMAIL","selected":true}]}}`, http.StatusNoContent, "")
	rtBody(t, c, http.MethodGet, "/routing/overflowroute", "", http.StatusOK,
		`{"overflowType":"BUSY_NO_ANSWER","destinations":[{"type":"VOICEMAIL"}]}`)
	rtBody(t, c, http.MethodGet, "/routing/state", "", http.StatusOK,
		`{"presentationRoutes":[],"forwardRoutes":[`+rtBusyForward+`],"overflowRoutes":[{"overflowType":"BUSY_NO_ANSWER","destinations":[{"type":"VOICEMAIL"}]}],"dndState":{"activate":true}}`)
	rtBody(t, c, http.MethodPost, "/routing/overflowroute",
		`{"overflowRoutes":[{"overflowType":"NO_ANSWER","destinations":[{"type":"ASSOCIATE"}]}]}`, http.StatusNoContent, "")
	rtBody(t, c, http.MethodGet, "/routing/overflowroute", "", http.StatusOK,
		`{"overflowType":"NO_ANSWER","destinations":[{"type":"ASSOCIATE"}]}`)
	if r := w.rtRecord(t, alice); r.Overflow != (store.Overflow{Type: "NO_ANSWER", Destination: "ASSOCIATE"}) || !r.Busy.Active {
		t.Fatalf("record: %+v", r)
	}
	rtBody(t, c, http.MethodDelete, "/routing/overflowroute", "", http.StatusNoContent, "")
	rtBody(t, c, http.MethodGet, "/routing/overflowroute", "", http.StatusOK, "")

	rtBody(t, c, http.MethodDelete, "/routing/dnd", "", http.StatusNoContent, "")
	rtBody(t, c, http.MethodDelete, "/routing/forwardroute", "", http.StatusNoContent, "")
	rtBody(t, c, http.MethodGet, "/routing/state", "", http.StatusOK, rtEmptyState)
}

// Refusals: each with its RestErrorInfo (and routing detail), none
// changing anything.
func TestRoutingErrors(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, rtAlice, "1234")
	rtBody(t, c, http.MethodPost, "/routing/forwardroute",
		`{"forwardRoute":{"forwardType":"BUSY","destinations":[{"type":"NUMBER","number":"32539"}]}}`, http.StatusNoContent, "")
	rtBody(t, c, http.MethodPost, "/routing/overflowroute",
		`{"overflowRoutes":{"overflowType":"BUSY","destinations":[{"type":"VOICEMAIL"}]}}`, http.StatusNoContent, "")
	before := w.rtRecord(t, alice)

	post := func(path, body string) error {
		t.Helper()
		st, got := rtDo(t, c, http.MethodPost, path, body)
		if st < 300 {
			t.Fatalf("POST %s %s: %d", path, body, st)
		}
		e := &o2gtest.Error{Status: st, Body: got}
		if err := rtUnmarshal(got, &e.Info); err != nil {
			t.Fatalf("error body %q: %v", got, err)
		}
		return e
	}
	fwd := "/routing/forwardroute"
	rtWantRouting(t, post(fwd, `{"forwardRoute":{"forwardType":"BUSY","destinations":[{"type":"NUMBER","number":"12ab"}]}}`),
		http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "NUMBER", "BAD_PHONE_NUMBER_FORMAT")
	rtWantRouting(t, post(fwd, `{"forwardRoute":{"destinations":[{"type":"NUMBER","number":"`+strings.Repeat("1", 31)+`"}]}}`),
		http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "NUMBER", "BAD_PHONE_NUMBER_FORMAT")
	rtWantRouting(t, post(fwd, `{"forwardRoute":{"destinations":[{"type":"NUMBER","number":" "}]}}`),
		http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "NUMBER", "NULL_OR_EMPTY_PARAMETER")
	rtWantRouting(t, post(fwd, `{"forwardRoute":{"forwardType":"BUSY","destinations":[{"type":"VOICEMAIL"}]}}`),
		http.StatusBadRequest, "NOT_SUPPORTED", "INVALID_OPERATION", "VOICEMAIL", "INVALID_FORWARD_ROUTE")
	rtWantRouting(t, post(fwd, `{"forwardRoute":{"forwardType":"SOMETIMES","destinations":[{"type":"NUMBER","number":"1"}]}}`),
		http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "", "INVALID_FORWARD_ROUTE")
	rtWantRouting(t, post(fwd, `{"forwardRoute":{"destinations":[{"type":"NUMBER","number":"1"},{"type":"NUMBER","number":"2"}]}}`),
		http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "", "INVALID_FORWARD_ROUTE")
	rtWantRouting(t, post(fwd, `{"forwardRoute":{"destinations":[{"type":"MOBILE"}]}}`),
		http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "MOBILE", "INVALID_FORWARD_ROUTE")
	rtWantRouting(t, post(fwd, `{}`), http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "", "NULL_PARAMETER")
	wantError(t, post(fwd, `{"forwardRoute":`), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, post(fwd, `{"forwardRoute":{"destinations":"NUMBER"}}`), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, post(fwd, `{"forwardRoute":{"forwardType":1}}`), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, post(fwd, ``), http.StatusBadRequest, "BAD_PARAMETER")
	err := c.Do(ctx, http.MethodPost, fwd, strings.Repeat("x", 2<<20), nil)
	wantError(t, err, http.StatusRequestEntityTooLarge, "BAD_PARAMETER")

	ovf := "/routing/overflowroute"
	rtWantRouting(t, post(ovf, `{"overflowRoutes":{"overflowType":"BUSY","destinations":[{"type":"NUMBER","number":"1"}]}}`),
		http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "NUMBER", "INVALID_OVERFLOW_ROUTE")
	rtWantRouting(t, post(ovf, `{"overflowRoutes":{"overflowType":"ALWAYS","destinations":[{"type":"VOICEMAIL"}]}}`),
		http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "", "INVALID_OVERFLOW_ROUTE")
	rtWantRouting(t, post(ovf, `{"overflowRoutes":{"overflowType":"BUSY","destinations":[]}}`),
		http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "", "INVALID_OVERFLOW_ROUTE")
	rtWantRouting(t, post(ovf, `{"overflowRoutes":[]}`), http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "", "INVALID_OVERFLOW_ROUTE")
	rtWantRouting(t, post(ovf, `{"overflowRoutes":[{"overflowType":"BUSY","destinations":[{"type":"VOICEMAIL"}]},{"overflowType":"NO_ANSWER","destinations":[{"type":"VOICEMAIL"}]}]}`),
		http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "", "INVALID_OVERFLOW_ROUTE")
	rtWantRouting(t, post(ovf, `{"overflowRoutes":null}`), http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "", "NULL_PARAMETER")
	wantError(t, post(ovf, `{"overflowRoutes":"BUSY"}`), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, post(ovf, `[`), http.StatusBadRequest, "BAD_PARAMETER")

	// A body of another type than JSON.
	req, _ := http.NewRequest(http.MethodPost, c.URL(fwd), strings.NewReader("forward"))
	req.Header.Set("Content-Type", "text/plain")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("text/plain body: %d", resp.StatusCode)
	}
	if after := w.rtRecord(t, alice); after != before {
		t.Fatalf("changed by refusals:\n%+v\nwas\n%+v", after, before)
	}

	// Carol holds no routing service: reads work, changes are refused
	// but the overflow (no service behind it) and cancelling nothing.
	cc := w.client(t, carol, "2468")
	rtWantRouting(t, cc.Do(ctx, http.MethodPost, "/routing/dnd", nil, nil), http.StatusForbidden, "NOT_ALLOWED", "UNAUTHORIZED", "", "UNKNOWN")
	rtWantRouting(t, cc.Do(ctx, http.MethodDelete, "/routing/dnd", nil, nil), http.StatusForbidden, "NOT_ALLOWED", "UNAUTHORIZED", "", "UNKNOWN")
	rtWantRouting(t, cc.Do(ctx, http.MethodPost, fwd, map[string]any{"forwardRoute": map[string]any{"destinations": []any{map[string]any{"type": "NUMBER", "number": "1"}}}}, nil),
		http.StatusForbidden, "NOT_ALLOWED", "UNAUTHORIZED", "NUMBER", "INVALID_FORWARD_ROUTE")
	rtBody(t, cc, http.MethodGet, "/routing/dnd", "", http.StatusOK, `{"activate":false}`)
	rtBody(t, cc, http.MethodGet, fwd, "", http.StatusOK, "")
	rtBody(t, cc, http.MethodDelete, fwd, "", http.StatusNoContent, "")
	rtBody(t, cc, http.MethodPost, ovf, `{"overflowRoutes":[{"overflowType":"BUSY","destinations":[{"type":"ASSOCIATE"}]}]}`, http.StatusNoContent, "")
	if r := w.rtRecord(t, carol); r.DND || r.Always.Active || r.Overflow.Type != "BUSY" {
		t.Fatalf("carol: %+v", r)
	}

	// A user holding forward busy only cannot forward immediately, nor on
	// busy or no answer.
	if err := w.tb.Core.UnassignUserServices(ctx, w.sys, bob, []string{"Call Forwarding Always", "Call Forwarding No Answer"}, nil); err != nil {
		t.Fatal(err)
	}
	bc := w.client(t, rtBob, "5678")
	rtBody(t, bc, http.MethodGet, "/routing", "", http.StatusOK, `{"presentationRoute":false,"forwardRoute":true,"overflowRoute":true,"dnd":true}`)
	for _, ft := range []string{"", "NO_ANSWER", "BUSY_NO_ANSWER"} {
		route := map[string]any{"destinations": []any{map[string]any{"type": "NUMBER", "number": "1"}}}
		if ft != "" {
			route["forwardType"] = ft
		}
		rtWantRouting(t, bc.Do(ctx, http.MethodPost, fwd, map[string]any{"forwardRoute": route}, nil),
			http.StatusForbidden, "NOT_ALLOWED", "UNAUTHORIZED", "NUMBER", "INVALID_FORWARD_ROUTE")
	}
	rtBody(t, bc, http.MethodPost, fwd, `{"forwardRoute":{"forwardType":"BUSY","destinations":[{"type":"NUMBER","number":"7"}]}}`, http.StatusNoContent, "")

	// Without a session.
	anon := o2gtest.New(w.tb.O2GAddr, w.tb.Roots)
	req, _ = http.NewRequest(http.MethodGet, c.URL("/routing"), nil)
	resp, err = anon.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("without a session: %d", resp.StatusCode)
	}
}

// The loginName rule on every routing operation.
func TestRoutingLoginName(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	adm := w.admin(t)
	for _, op := range [][2]string{{"GET", "/routing"}, {"GET", "/routing/dnd"}, {"POST", "/routing/dnd"}, {"DELETE", "/routing/dnd"},
		{"GET", "/routing/forwardroute"}, {"DELETE", "/routing/forwardroute"}, {"GET", "/routing/overflowroute"},
		{"DELETE", "/routing/overflowroute"}, {"GET", "/routing/state"}} {
		wantError(t, adm.Do(ctx, op[0], op[1], nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	}
	rtBody(t, adm, http.MethodPost, "/routing/dnd?loginName="+rtAlice, "", http.StatusNoContent, "")
	rtBody(t, adm, http.MethodGet, "/routing/dnd?loginName="+rtAlice, "", http.StatusOK, `{"activate":true}`)
	rtBody(t, adm, http.MethodPost, "/routing/forwardroute?loginName="+rtDave,
		`{"forwardRoute":{"forwardType":"BUSY","destinations":[{"type":"NUMBER","number":"32539"}]}}`, http.StatusNoContent, "")
	rtBody(t, adm, http.MethodGet, "/routing/forwardroute?loginName="+rtDave, "", http.StatusOK, rtBusyForward)
	wantError(t, adm.Do(ctx, http.MethodGet, "/routing?loginName=oxe2025550999", nil, nil), http.StatusNotFound, "NOT_FOUND")

	// A group administrator reaches its group's users only.
	ga := w.client(t, "g1admin", adminPassword)
	rtBody(t, ga, http.MethodPost, "/routing/dnd?loginName="+rtBob, "", http.StatusNoContent, "")
	wantError(t, ga.Do(ctx, http.MethodGet, "/routing/dnd?loginName="+rtDave, nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, ga.Do(ctx, http.MethodDelete, "/routing/forwardroute?loginName="+rtDave, nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, ga.Do(ctx, http.MethodPost, "/routing/dnd?loginName="+rtDave, nil, nil), http.StatusNotFound, "NOT_FOUND")
	if r := w.rtRecord(t, dave); r.DND || !r.Busy.Active {
		t.Fatalf("dave changed by another group's administrator: %+v", r)
	}

	// A user acts on itself whatever loginName says.
	c := w.client(t, rtAlice, "1234")
	rtBody(t, c, http.MethodDelete, "/routing/dnd?loginName="+rtBob, "", http.StatusNoContent, "")
	rtBody(t, c, http.MethodGet, "/routing/forwardroute?loginName="+rtDave, "", http.StatusOK, "")
	if a, b := w.rtRecord(t, alice), w.rtRecord(t, bob); a.DND || !b.DND {
		t.Fatalf("alice %+v, bob %+v", a, b)
	}
}

// POST /routing: the forward part is served, presentation routes only
// in their default form.
func TestRoutingSetRoutes(t *testing.T) {
	w := newWorld(t)
	c := w.client(t, rtAlice, "1234")
	rtBody(t, c, http.MethodPost, "/routing",
		`{"forwardRoutes":[{"forwardType":"NO_ANSWER","destinations":[{"type":"NUMBER","number":"123"}]}]}`, http.StatusNoContent, "")
	noAnswer := `{"forwardType":"NO_ANSWER","destinations":[{"type":"NUMBER","number":"123"}]}`
	rtBody(t, c, http.MethodGet, "/routing/forwardroute", "", http.StatusOK, noAnswer)
	// The default presentation: accepted, the forward left as it is.
	rtBody(t, c, http.MethodPost, "/routing?sipNomadic=false",
		`{"presentationRoutes":[{"destinations":[{"type":"OFFICE","selected":true},{"type":"MOBILE","selected":false}]}]}`, http.StatusNoContent, "")
	rtBody(t, c, http.MethodGet, "/routing/forwardroute", "", http.StatusOK, noAnswer)
	// A remote extension, SIP nomadic mode, two forwards: refused whole.
	ctx := context.Background()
	mobile := map[string]any{"presentationRoutes": []any{map[string]any{"destinations": []any{map[string]any{"type": "MOBILE", "selected": true}}}},
		"forwardRoutes": []any{}}
	rtWantRouting(t, c.Do(ctx, http.MethodPost, "/routing", mobile, nil), http.StatusBadRequest, "NOT_SUPPORTED", "INVALID_OPERATION", "MOBILE", "UNKNOWN")
	wantError(t, c.Do(ctx, http.MethodPost, "/routing?sipNomadic=true", map[string]any{}, nil), http.StatusBadRequest, "NOT_SUPPORTED")
	rtWantRouting(t, c.Do(ctx, http.MethodPost, "/routing", map[string]any{"forwardRoutes": []any{
		map[string]any{"destinations": []any{map[string]any{"type": "NUMBER", "number": "1"}}},
		map[string]any{"destinations": []any{map[string]any{"type": "NUMBER", "number": "2"}}}}}, nil),
		http.StatusBadRequest, "BAD_PARAMETER", "BAD_PARAMETER_VALUE", "", "INVALID_FORWARD_ROUTE")
	wantError(t, c.Do(ctx, http.MethodPost, "/routing", nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	rtBody(t, c, http.MethodGet, "/routing/forwardroute", "", http.StatusOK, noAnswer)
	// An empty forward list cancels the forward.
	rtBody(t, c, http.MethodPost, "/routing", `{"forwardRoutes":[]}`, http.StatusNoContent, "")
	rtBody(t, c, http.MethodGet, "/routing/forwardroute", "", http.StatusOK, "")
}

// Snapshots answer the asking session only: one user, or every user an
// administrator covers.
func TestRoutingSnapshot(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, rtAlice, "1234")
	mine := w.tb.O2G.TapRoutingEvents(t, rtToken(t, c), alice)
	other := w.tb.O2G.TapRoutingEvents(t, "", alice)
	rtBody(t, c, http.MethodPost, "/routing/state/snapshot", "", http.StatusNoContent, "")
	got := mine()
	if want := `{"eventName":"OnRoutingStateChanged","loginName":"oxe2025550101","routingState":` + rtEmptyState + `}`; len(got) != 1 || got[0] != want {
		t.Fatalf("snapshot events %q", got)
	}
	if o := other(); len(o) != 0 {
		t.Fatalf("another session received %q", o)
	}

	logins := func(lines []string) string {
		var out []string
		for _, l := range lines {
			var ev struct {
				EventName, LoginName string
				RoutingState         map[string]any
			}
			if err := rtUnmarshal(l, &ev); err != nil || ev.EventName != "OnRoutingStateChanged" || ev.RoutingState == nil {
				t.Fatalf("event %s: %v", l, err)
			}
			out = append(out, ev.LoginName)
		}
		return strings.Join(out, ",")
	}
	adm := w.admin(t)
	all := w.tb.O2G.TapRoutingEvents(t, rtToken(t, adm))
	rtBody(t, adm, http.MethodPost, "/routing/state/snapshot", "", http.StatusNoContent, "")
	if got := logins(all()); got != "oxe2025550101,oxe2025550102,carol@example.com,oxe2025550150" {
		t.Fatalf("admin snapshot: %s", got)
	}
	rtBody(t, adm, http.MethodPost, "/routing/state/snapshot?loginName="+rtBob, "", http.StatusNoContent, "")
	if got := logins(all()); got != rtBob {
		t.Fatalf("admin snapshot of bob: %s", got)
	}
	ga := w.client(t, "g1admin", adminPassword)
	gall := w.tb.O2G.TapRoutingEvents(t, rtToken(t, ga))
	rtBody(t, ga, http.MethodPost, "/routing/state/snapshot", "", http.StatusNoContent, "")
	if got := logins(gall()); got != "oxe2025550101,oxe2025550102,carol@example.com" {
		t.Fatalf("group admin snapshot: %s", got)
	}
	wantError(t, ga.Do(ctx, http.MethodPost, "/routing/state/snapshot?loginName="+rtDave, nil, nil), http.StatusNotFound, "NOT_FOUND")
	if got := mine(); len(got) != 0 {
		t.Fatalf("alice received the administrators' snapshots: %q", got)
	}
}

// One routing record behind both facades: O2G's forward shows in OCI-P,
// OCI-P's Do Not Disturb in O2G, and OCI-P's change is evented to O2G.
func TestRoutingCrossFacade(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, rtAlice, "1234")
	oc, err := ocip.Dial(ctx, ocip.Config{Addr: w.tb.TCPAddr, User: testbed.Admin, Password: testbed.Password})
	if err != nil {
		t.Fatal(err)
	}
	defer oc.Close()

	rtBody(t, c, http.MethodPost, "/routing/forwardroute",
		`{"forwardRoute":{"forwardType":"BUSY","destinations":[{"type":"NUMBER","number":"32539"}]}}`, http.StatusNoContent, "")
	resp, err := oc.Send(ctx, &service.UserCallForwardingBusyGetRequest{UserID: datatypes.UserId(alice)})
	if err != nil {
		t.Fatal(err)
	}
	busy, ok := resp.(*service.UserCallForwardingBusyGetResponse)
	if !ok || !busy.IsActive || busy.ForwardToPhoneNumber == nil || *busy.ForwardToPhoneNumber != "32539" {
		t.Fatalf("OCI-P busy forward: %#v", resp)
	}

	take := w.tb.O2G.TapRoutingEvents(t, "", alice)
	if _, err := oc.Send(ctx, &service.UserDoNotDisturbModifyRequest{UserID: datatypes.UserId(alice), IsActive: ocixml.Ptr(true)}); err != nil {
		t.Fatal(err)
	}
	rtBody(t, c, http.MethodGet, "/routing/dnd", "", http.StatusOK, `{"activate":true}`)
	ev := rtWait(t, take, 1)
	want := `{"eventName":"OnRoutingStateChanged","loginName":"oxe2025550101","routingState":{"presentationRoutes":[],"forwardRoutes":[` +
		rtBusyForward + `],"overflowRoutes":[],"dndState":{"activate":true}}}`
	if ev[0] != want {
		t.Fatalf("event\n%s\nwant\n%s", ev[0], want)
	}

	// OCI-P's forward always wins the O2G read; O2G's cancel clears it.
	if _, err := oc.Send(ctx, &service.UserCallForwardingAlwaysModifyRequest{UserID: datatypes.UserId(alice), IsActive: ocixml.Ptr(true),
		ForwardToPhoneNumber: ocixml.Some(datatypes.OutgoingDNorSIPURI("5550000"))}); err != nil {
		t.Fatal(err)
	}
	rtBody(t, c, http.MethodGet, "/routing/forwardroute", "", http.StatusOK, `{"destinations":[{"type":"NUMBER","number":"5550000"}]}`)
	rtWait(t, take, 1)
	rtBody(t, c, http.MethodDelete, "/routing/forwardroute", "", http.StatusNoContent, "")
	resp, err = oc.Send(ctx, &service.UserCallForwardingAlwaysGetRequest{UserID: datatypes.UserId(alice)})
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := resp.(*service.UserCallForwardingAlwaysGetResponse); !ok || a.IsActive {
		t.Fatalf("OCI-P forward always after the O2G cancel: %#v", resp)
	}
	rtWait(t, take, 1)
}
