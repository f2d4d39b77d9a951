package o2g_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
)

// selectors builds a SubscriptionRequest filter: each pair is ids, names.
func subReq(timeout any, sels ...[2][]string) map[string]any {
	var ss []any
	for _, s := range sels {
		ss = append(ss, map[string]any{"ids": s[0], "names": s[1]})
	}
	body := map[string]any{"filter": map[string]any{"selectors": ss}, "version": "1.0"}
	if timeout != nil {
		body["timeout"] = timeout
	}
	return body
}

func sel(ids []string, names ...string) [2][]string {
	if ids == nil {
		ids = []string{}
	}
	return [2][]string{ids, names}
}

func subscribe(t *testing.T, c *o2gtest.Client, body any) o2gtest.Subscription {
	t.Helper()
	sub, err := c.Subscribe(context.Background(), body)
	if err != nil || sub.Status != "ACCEPTED" {
		t.Fatalf("subscribe: %+v %v", sub, err)
	}
	return sub
}

func refused(t *testing.T, c *o2gtest.Client, body any, wantMsg string) {
	t.Helper()
	var raw map[string]any
	if err := c.Do(context.Background(), http.MethodPost, "/subscriptions", body, &raw); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	msg, _ := raw["message"].(string)
	if raw["status"] != "REFUSED" || len(raw) != 2 || !strings.Contains(msg, wantMsg) {
		t.Fatalf("answer %v, want REFUSED with a message containing %q", raw, wantMsg)
	}
}

func open(t *testing.T, c *o2gtest.Client, sub o2gtest.Subscription) *o2gtest.Stream {
	t.Helper()
	st, err := c.OpenStream(context.Background(), c.PollingURL(sub))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	ev, err := st.Next(2 * time.Second)
	if err != nil || ev["eventName"] != "OnChannelInformation" {
		t.Fatalf("first event %v %v", ev, err)
	}
	return st
}

// routingEvent injects an OnRoutingStateChanged for user id, tagged.
func routingEvent(t *testing.T, w *world, id, tag string) {
	t.Helper()
	if err := w.tb.O2G.InjectUserEvent("routingManagement", "OnRoutingStateChanged", id, map[string]any{"tag": tag}); err != nil {
		t.Fatal(err)
	}
}

// want reads the next non-channel events and checks their tags.
func want(t *testing.T, st *o2gtest.Stream, tags ...string) {
	t.Helper()
	for _, tag := range tags {
		ev, err := st.NextEvent(2 * time.Second)
		if err != nil || ev["tag"] != tag {
			t.Fatalf("want event %q, got %v %v", tag, ev, err)
		}
	}
}

// wantNothing checks that no event but keepalives arrives for a while.
func wantNothing(t *testing.T, st *o2gtest.Stream) {
	t.Helper()
	ev, err := st.NextEvent(200 * time.Millisecond)
	if !errors.Is(err, o2gtest.ErrTimeout) {
		t.Fatalf("unexpected %v %v", ev, err)
	}
}

func wantEOF(t *testing.T, st *o2gtest.Stream) {
	t.Helper()
	ev, err := st.NextEvent(2 * time.Second)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("stream still open: %v %v", ev, err)
	}
}

func wantGone(t *testing.T, c *o2gtest.Client, sub o2gtest.Subscription) {
	t.Helper()
	for _, m := range []string{http.MethodPost, http.MethodGet} {
		st, err := c.OpenStreamMethod(context.Background(), m, c.PollingURL(sub))
		if err == nil {
			st.Close()
			t.Fatalf("%s: the dead subscription's stream opened", m)
		}
		wantError(t, err, http.StatusNotFound, "NOT_FOUND")
	}
}

// The Node SDK's sequence: login, subscribe as its builder does, open the
// polling URL with a cookie-less POST; the answer is exact and the first
// line is OnChannelInformation; then the user's events flow, its ids
// being ignored.
func TestSubscriptionNodeSequence(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, "oxe2025550101", "1234")
	var raw map[string]any
	body := subReq(0, sel(nil, "telephony"), sel(nil, "routingManagement"), sel(nil, "eventSummary"))
	if err := c.Do(ctx, http.MethodPost, "/subscriptions", body, &raw); err != nil {
		t.Fatal(err)
	}
	id, _ := raw["subscriptionId"].(string)
	url := "https://" + w.tb.O2GAddr + "/api/rest/OTEvents?subscriptionId=" + id
	wantAns := map[string]any{"subscriptionId": id, "status": "ACCEPTED", "privatePollingUrl": url, "publicPollingUrl": url}
	if len(id) < 32 || len(raw) != len(wantAns) {
		t.Fatalf("answer %v", raw)
	}
	for k, v := range wantAns {
		if raw[k] != v {
			t.Fatalf("answer %v: %s is %v, want %v", raw, k, raw[k], v)
		}
	}
	sub := o2gtest.Subscription{SubscriptionID: id, PublicPollingURL: url, PrivatePollingURL: url}

	// Published before the stream opens: queued, delivered in order.
	routingEvent(t, w, alice, "before-1")
	routingEvent(t, w, alice, "before-2")
	st, err := c.OpenStream(ctx, c.PollingURL(sub))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if ct := st.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q", ct)
	}
	first, err := st.NextRaw(2 * time.Second)
	if err != nil || string(first) != `{"eventName":"OnChannelInformation","text":"channel established"}` {
		t.Fatalf("first line %q %v", first, err)
	}
	want(t, st, "before-1", "before-2")
	routingEvent(t, w, bob, "bob") // not alice's: not delivered
	routingEvent(t, w, alice, "after")
	l, err := st.NextRaw(2 * time.Second)
	if err != nil || string(l) != `{"eventName":"OnRoutingStateChanged","loginName":"oxe2025550101","tag":"after"}` {
		t.Fatalf("event line %q %v", l, err)
	}
	// An event of a package not selected is not delivered.
	if err := w.tb.O2G.InjectUserEvent("unifiedComLog", "OnComRecordCreated", alice, map[string]any{"tag": "comlog"}); err != nil {
		t.Fatal(err)
	}
	wantNothing(t, st)

	// A user's ids are ignored: asking for bob still hears only alice.
	c2 := w.client(t, "oxe2025550101", "1234")
	sub2 := subscribe(t, c2, subReq(nil, sel([]string{"oxe2025550102", "*"}, "routingManagement")))
	st2 := open(t, c2, sub2)
	routingEvent(t, w, bob, "bob")
	routingEvent(t, w, alice, "alice")
	want(t, st2, "alice")
	want(t, st, "alice")
}

// Administrators: "*" covers the users of the administrator's scope, a
// list names users it may see; user packages need ids, administrator
// packages refuse them.
func TestSubscriptionAdminScope(t *testing.T) {
	w := newWorld(t)
	sys := w.admin(t)
	grp := w.client(t, "g1admin", adminPassword)

	stSys := open(t, sys, subscribe(t, sys, subReq(nil, sel([]string{"*"}, "routingManagement"))))
	stGrp := open(t, grp, subscribe(t, grp, subReq(nil, sel([]string{"*"}, "OnRoutingStateChanged"))))
	routingEvent(t, w, dave, "dave")
	routingEvent(t, w, alice, "alice")
	want(t, stSys, "dave", "alice")
	want(t, stGrp, "alice") // dave is in g2

	// Listed users, by login name (oxe number or id).
	list := w.admin(t)
	stList := open(t, list, subscribe(t, list, subReq(nil, sel([]string{"oxe2025550150", carol}, "routingManagement"))))
	routingEvent(t, w, alice, "alice")
	routingEvent(t, w, carol, "carol")
	routingEvent(t, w, dave, "dave")
	want(t, stList, "carol", "dave")

	refused(t, grp, subReq(nil, sel([]string{"oxe2025550150"}, "routingManagement")), "oxe2025550150")
	refused(t, grp, subReq(nil, sel([]string{"oxe2025550199"}, "routingManagement")), "oxe2025550199")
	refused(t, sys, subReq(nil, sel(nil, "routingManagement")), "needs ids")
	refused(t, sys, subReq(nil, sel(nil, "telephony")), "needs ids")
	refused(t, sys, subReq(nil, sel([]string{"*"}, "system")), "takes no ids")
	refused(t, sys, subReq(nil, sel(nil, "pilot")), "needs ids")
	// Administrator packages without ids are fine.
	subscribe(t, sys, subReq(nil, sel(nil, "system"), sel(nil, "userManagement"), sel(nil, "pbxManagement"), sel([]string{"*"}, "rti")))

	// userManagement events reach administrators covering the user.
	um := w.client(t, "g1admin", adminPassword)
	stUM := open(t, um, subscribe(t, um, subReq(nil, sel(nil, "userManagement"))))
	for _, u := range []string{dave, bob} {
		if err := w.tb.O2G.InjectUserEvent("userManagement", "OnUserCreated", u, map[string]any{"tag": u}); err != nil {
			t.Fatal(err)
		}
	}
	want(t, stUM, bob)
}

// What is refused, with REFUSED and a message or 400 for a body that is
// not a request; a refusal leaves the previous subscription alive.
func TestSubscriptionRefusals(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	u := w.client(t, "oxe2025550101", "1234")
	sub := subscribe(t, u, subReq(nil, sel(nil, "routingManagement")))
	st := open(t, u, sub)

	refused(t, u, subReq(nil, sel(nil, "system")), "administrator")
	refused(t, u, subReq(nil, sel(nil, "userManagement")), "administrator")
	refused(t, u, subReq(nil, sel(nil, "OnPilotCallCreated")), "administrator")
	refused(t, u, subReq(nil, sel(nil, "telephonie")), `"telephonie"`)
	refused(t, u, subReq(nil), "at least one selector")
	refused(t, u, map[string]any{"version": "1.0"}, "at least one selector")
	refused(t, u, subReq(nil, sel(nil)), "names no package")
	refused(t, u, subReq(1, sel(nil, "telephony")), "timeout 1")
	refused(t, u, subReq(61, sel(nil, "telephony")), "timeout 61")
	refused(t, u, subReq(-5, sel(nil, "telephony")), "timeout -5")
	hook := subReq(nil, sel(nil, "telephony"))
	hook["webHookUrl"] = "https://app.example.com/events"
	refused(t, u, hook, "webhook")
	v2 := subReq(nil, sel(nil, "telephony"))
	v2["version"] = "2.0"
	refused(t, u, v2, "version")

	for _, body := range []string{`{"filter":`, `{"filter":{"selectors":"x"}}`, `{"filter":{"selectors":[]},"timeout":"ten"}`,
		`{"timeout":true}`, `[1]`, ``, `{"filter":{}} {}`} {
		wantError(t, rawDo(t, u, http.MethodPost, "/subscriptions", body), http.StatusBadRequest, "BAD_PARAMETER")
	}

	// Accepted variants: a numeric string timeout, names in another case,
	// events of several packages in one selector.
	ok, err := u.Subscribe(ctx, subReq("30", sel(nil, "ROUTINGMANAGEMENT", "onCallCreated")))
	if err != nil || ok.Status != "ACCEPTED" {
		t.Fatalf("lenient request: %+v %v", ok, err)
	}
	// That replaced the first subscription: its stream ended, its id died.
	wantEOF(t, st)
	wantGone(t, u, sub)

	// Without a session: INVALID_SESSION.
	anon := o2gtest.New(w.tb.O2GAddr, w.tb.Roots)
	err = anon.Do(ctx, http.MethodPost, "https://"+w.tb.O2GAddr+"/api/rest/1.0/subscriptions", subReq(nil, sel(nil, "telephony")), nil)
	wantError(t, err, http.StatusForbidden, "INVALID_SESSION")
	wantError(t, u.Do(ctx, http.MethodGet, "/subscriptions", nil, nil), http.StatusMethodNotAllowed, "NOT_SUPPORTED")
}

// Dead and unknown ids get 4xx with RestErrorInfo, never a stream.
func TestSubscriptionDeadIDs(t *testing.T) {
	w := newWorld(t)
	c := o2gtest.New(w.tb.O2GAddr, w.tb.Roots)
	ctx := context.Background()
	base := "https://" + w.tb.O2GAddr + "/api/rest/OTEvents"
	for _, m := range []string{http.MethodPost, http.MethodGet} {
		_, err := c.OpenStreamMethod(ctx, m, base+"?subscriptionId=nope")
		wantError(t, err, http.StatusNotFound, "NOT_FOUND")
		_, err = c.OpenStreamMethod(ctx, m, base)
		wantError(t, err, http.StatusBadRequest, "BAD_PARAMETER")
	}
	_, err := c.OpenStreamMethod(ctx, http.MethodPut, base+"?subscriptionId=nope")
	wantError(t, err, http.StatusMethodNotAllowed, "NOT_SUPPORTED")
}

// Closing the session ends its stream and subscription; so does DELETE of
// the subscription, which only its own session may do.
func TestSubscriptionEndings(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()

	u := w.client(t, "oxe2025550101", "1234")
	sub := subscribe(t, u, subReq(0, sel(nil, "routingManagement")))
	st := open(t, u, sub)
	if err := u.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	wantEOF(t, st)
	wantGone(t, u, sub)

	a := w.client(t, "oxe2025550101", "1234")
	b := w.client(t, "oxe2025550102", "5678")
	subA := subscribe(t, a, subReq(nil, sel(nil, "routingManagement")))
	stA := open(t, a, subA)
	wantError(t, b.Do(ctx, http.MethodDelete, "/subscriptions/"+subA.SubscriptionID, nil, nil), http.StatusForbidden, "NOT_ALLOWED")
	wantError(t, a.Do(ctx, http.MethodDelete, "/subscriptions/unknown", nil, nil), http.StatusNotFound, "NOT_FOUND")
	routingEvent(t, w, alice, "still")
	want(t, stA, "still")
	if err := a.Do(ctx, http.MethodDelete, "/subscriptions/"+subA.SubscriptionID, nil, nil); err != nil {
		t.Fatal(err)
	}
	wantEOF(t, stA)
	wantGone(t, a, subA)
	wantError(t, a.Do(ctx, http.MethodDelete, "/subscriptions/"+subA.SubscriptionID, nil, nil), http.StatusNotFound, "NOT_FOUND")
	// The session itself lives on.
	if err := a.Keepalive(ctx); err != nil {
		t.Fatal(err)
	}
}

// A second stream of a subscription ends the first and takes over; GET
// works as POST does.
func TestSubscriptionSecondStream(t *testing.T) {
	w := newWorld(t)
	u := w.client(t, "oxe2025550101", "1234")
	sub := subscribe(t, u, subReq(nil, sel(nil, "routingManagement")))
	st1 := open(t, u, sub)
	st2, err := u.OpenStreamMethod(context.Background(), http.MethodGet, u.PollingURL(sub))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	wantEOF(t, st1)
	routingEvent(t, w, alice, "second")
	want(t, st2, "second")
}

// PUT replaces the filter of the session's subscription, with the same
// validation (400 here); 404 without a subscription.
func TestSubscriptionUpdateFilter(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a := w.admin(t)
	filter := func(sels ...[2][]string) any { return subReq(nil, sels...)["filter"] }
	wantError(t, a.Do(ctx, http.MethodPut, "/subscriptions", filter(sel([]string{"*"}, "routingManagement")), nil), http.StatusNotFound, "NOT_FOUND")

	sub := subscribe(t, a, subReq(nil, sel([]string{"oxe2025550101"}, "routingManagement")))
	st := open(t, a, sub)
	routingEvent(t, w, bob, "bob-1")
	routingEvent(t, w, alice, "alice-1")
	want(t, st, "alice-1")

	if err := a.Do(ctx, http.MethodPut, "/subscriptions", filter(sel([]string{"oxe2025550102"}, "routingManagement")), nil); err != nil {
		t.Fatal(err)
	}
	routingEvent(t, w, alice, "alice-2")
	routingEvent(t, w, bob, "bob-2")
	want(t, st, "bob-2")

	// A whole request body is accepted too.
	if err := a.Do(ctx, http.MethodPut, "/subscriptions", subReq(nil, sel([]string{"*"}, "routingManagement")), nil); err != nil {
		t.Fatal(err)
	}
	routingEvent(t, w, dave, "dave")
	want(t, st, "dave")

	for _, bad := range []any{filter(sel(nil, "routingManagement")), filter(sel(nil, "nothing")), map[string]any{"selectors": []any{}}} {
		wantError(t, a.Do(ctx, http.MethodPut, "/subscriptions", bad, nil), http.StatusBadRequest, "BAD_PARAMETER")
	}
	wantError(t, rawDo(t, a, http.MethodPut, "/subscriptions", `{"selectors":`), http.StatusBadRequest, "BAD_PARAMETER")
	// The failed updates changed nothing.
	routingEvent(t, w, alice, "alice-3")
	want(t, st, "alice-3")
}

// rawDo sends body as it is (malformed JSON included) with the session's
// cookies and returns the error Do would.
func rawDo(t *testing.T, c *o2gtest.Client, method, path, body string) error {
	t.Helper()
	req, err := http.NewRequest(method, c.URL(path), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &o2gtest.Error{Status: resp.StatusCode, Body: string(data)}
		_ = json.Unmarshal(data, &e.Info)
		return e
	}
	return nil
}

// A change made through the core (as OCI-P would) reaches the streams of
// the sessions covering the user, through the routing translator.
func TestSubscriptionCoreEvent(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	u := w.client(t, "oxe2025550101", "1234")
	g := w.client(t, "g1admin", adminPassword)
	stU := open(t, u, subscribe(t, u, subReq(0, sel(nil, "telephony"), sel(nil, "routingManagement"), sel(nil, "eventSummary"))))
	stG := open(t, g, subscribe(t, g, subReq(0, sel([]string{"*"}, "routingManagement"))))
	on := true
	for _, id := range []string{dave, alice} {
		if _, err := w.tb.Core.ModifyUserRouting(ctx, w.sys, id, provisioning.RoutingChange{DND: &provisioning.DNDChange{Active: &on}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, st := range []*o2gtest.Stream{stU, stG} {
		ev, err := st.NextEvent(3 * time.Second)
		if err != nil || ev["eventName"] != "OnRoutingStateChanged" || ev["loginName"] != "oxe2025550101" {
			t.Fatalf("event %v %v", ev, err)
		}
	}
}
