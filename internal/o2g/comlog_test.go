package o2g_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/o2g"
	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/testbed"
)

// simWorld is the fixture world with a second O2G server over the same
// core, with simulation on (the testbed's has it off).
type simWorld struct {
	*world
	srv   *o2g.Server
	addr  string
	roots *x509.CertPool
}

func newSimWorld(t *testing.T) *simWorld { return newSimWorldWith(t, func(*o2g.Config) {}) }

// newSimWorldWith lets a test adjust the second server's configuration.
func newSimWorldWith(t *testing.T, edit func(*o2g.Config)) *simWorld {
	t.Helper()
	w := newWorld(t)
	cfg := o2g.Config{Core: w.tb.Core, Bus: w.tb.Bus, Simulation: true}
	edit(&cfg)
	srv, err := o2g.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.StartTLS()
	t.Cleanup(func() { srv.Close(); ts.Close() })
	roots := x509.NewCertPool()
	roots.AddCert(ts.Certificate())
	return &simWorld{world: w, srv: srv, addr: ts.Listener.Addr().String(), roots: roots}
}

func (sw *simWorld) login(t *testing.T, login, secret string) *o2gtest.Client {
	t.Helper()
	c := o2gtest.New(sw.addr, sw.roots)
	if err := c.Login(context.Background(), login, secret, "comlog-test"); err != nil {
		t.Fatalf("login %s: %v", login, err)
	}
	return c
}

const (
	aliceLogin = "oxe2025550101"
	bobLogin   = "oxe2025550102"
	daveLogin  = "oxe2025550150"
)

// call is an injection body: a call between the user (role, answered)
// and another party.
func call(ref, owner, other string, role string, answered bool, begin time.Time) map[string]any {
	var otherID map[string]any
	if strings.HasPrefix(other, "oxe") {
		otherID = map[string]any{"loginName": other}
	} else {
		otherID = map[string]any{"phoneNumber": other}
	}
	return map[string]any{
		"comRef": ref,
		"participants": []any{
			map[string]any{"identity": map[string]any{"id": otherID}},
			map[string]any{"role": role, "answered": answered, "identity": map[string]any{"id": map[string]any{"loginName": owner}}},
		},
		"beginDate": begin.UTC().Format("2006-01-02T15:04:05.000Z"),
		"endDate":   begin.Add(20 * time.Second).UTC().Format("2006-01-02T15:04:05.000Z"),
	}
}

func inject(t *testing.T, c *o2gtest.Client, query string, body any) o2g.ComHistoryRecord {
	t.Helper()
	var rec o2g.ComHistoryRecord
	if err := c.Do(context.Background(), http.MethodPost, "/_sim/comlog"+query, body, &rec); err != nil {
		t.Fatalf("inject: %v", err)
	}
	return rec
}

func records(t *testing.T, c *o2gtest.Client, query string) o2g.ComHistoryRecords {
	t.Helper()
	var out o2g.ComHistoryRecords
	if err := c.Do(context.Background(), http.MethodGet, "/comlog/records"+query, nil, &out); err != nil {
		t.Fatalf("GET /comlog/records%s: %v", query, err)
	}
	return out
}

func ids(rs o2g.ComHistoryRecords) []int64 {
	var out []int64
	for _, r := range rs.ComHistoryRecords {
		out = append(out, r.RecordID)
	}
	return out
}

func raw(t *testing.T, c *o2gtest.Client, path string) string {
	t.Helper()
	var m json.RawMessage
	if err := c.Do(context.Background(), http.MethodGet, path, nil, &m); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return string(m)
}

// The representations, byte for byte: a missed call from bob in alice's
// log, the list wrapper, the id list and the event summary.
func TestComlogGolden(t *testing.T) {
	sw := newSimWorld(t)
	al := sw.login(t, aliceLogin, "1234")
	begin := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	body := call("call-1", aliceLogin, bobLogin, "CALLEE", false, begin)
	body["participants"].([]any)[0].(map[string]any)["reason"] = "ABANDONED"
	rec := inject(t, al, "", body)
	want := fmt.Sprintf(`{"recordId":%d,"comRef":"call-1","acknowledged":false,"participants":[`+
		`{"identity":{"id":{"loginName":"oxe2025550102","phoneNumber":"2025550102"},"firstName":"Bob","lastName":"Brown","type":{"main":"USER"}},"anonymous":false,"reason":"ABANDONED"},`+
		`{"role":"CALLEE","answered":false,"identity":{"id":{"loginName":"oxe2025550101","phoneNumber":"2025550101"},"firstName":"Alice","lastName":"Liddell","type":{"main":"USER"}},"anonymous":false}],`+
		`"beginDate":"2026-01-01T10:00:00.000Z","endDate":"2026-01-01T10:00:20.000Z","medias":["AUDIO"]}`, rec.RecordID)
	if got := raw(t, al, fmt.Sprintf("/comlog/records/%d", rec.RecordID)); got != want {
		t.Fatalf("record:\n%s\nwant\n%s", got, want)
	}
	if got := raw(t, al, "/comlog/records"); got != `{"comHistoryRecords":[`+want+`],"offset":0,"limit":0,"totalCount":1}` {
		t.Fatalf("list:\n%s", got)
	}
	if got := raw(t, al, "/comlog/records/recordIds"); got != fmt.Sprintf(`{"recordIds":[%d]}`, rec.RecordID) {
		t.Fatalf("record ids: %s", got)
	}
	if got := raw(t, al, "/eventSummary"); got != `{"missedCallsNb":1,"voiceMessagesNb":0,"callBackRequestsNb":0,"faxNb":0,"eventWaiting":true}` {
		t.Fatalf("event summary: %s", got)
	}

	// A full record: every optional field, an outside caller, the owner
	// named by login name, hold time and extensions.
	hold := 7
	full := map[string]any{
		"comRef": "call-2",
		"participants": []any{
			map[string]any{"role": "CALLER", "answered": true, "identity": map[string]any{"id": map[string]any{"loginName": aliceLogin}},
				"initialCalled": map[string]any{"id": map[string]any{"phoneNumber": "+33 1 23 45 67 89"}, "displayName": "Front desk"}, "leg": "L1"},
			map[string]any{"identity": map[string]any{"id": map[string]any{"phoneNumber": "+33123456789"}, "displayName": "Paris",
				"type": map[string]any{"main": "EXTERNAL", "subType": "public"}}, "anonymous": true, "reason": "NORMAL"},
		},
		"beginDate": "2026-01-02T08:00:00.000Z", "convDate": "2026-01-02T08:00:05.250Z", "endDate": "2026-01-02T08:10:00Z",
		"holdDuration": hold, "transferredBy": "oxe2025550102", "associatedData": "case 42", "medias": []string{"audio"},
		"extensions": []any{map[string]any{"name": "k", "value": "v"}},
	}
	rec2 := inject(t, al, "", full)
	want2 := fmt.Sprintf(`{"recordId":%d,"comRef":"call-2","acknowledged":true,"participants":[`+
		`{"role":"CALLER","answered":true,"identity":{"id":{"loginName":"oxe2025550101","phoneNumber":"2025550101"},"firstName":"Alice","lastName":"Liddell","type":{"main":"USER"}},"anonymous":false,`+
		`"initialCalled":{"id":{"phoneNumber":"+33 1 23 45 67 89"},"displayName":"Front desk","type":{"main":"EXTERNAL"}},"leg":"L1"},`+
		`{"identity":{"id":{"phoneNumber":"+33123456789"},"displayName":"Paris","type":{"main":"EXTERNAL","subType":"public"}},"anonymous":true,"reason":"NORMAL"}],`+
		`"beginDate":"2026-01-02T08:00:00.000Z","endDate":"2026-01-02T08:10:00.000Z","convDate":"2026-01-02T08:00:05.250Z","holdDuration":7,`+
		`"transferredBy":"oxe2025550102","associatedData":"case 42","medias":["AUDIO"],"extensions":[{"name":"k","value":"v"}]}`, rec2.RecordID)
	if got := raw(t, al, fmt.Sprintf("/comlog/records/%d", rec2.RecordID)); got != want2 {
		t.Fatalf("full record:\n%s\nwant\n%s", got, want2)
	}
}

// Milestone 3, acceptance 4: injected records are paged with offset and
// limit; acknowledging produces OnComRecordsAck and the missed call
// counter goes down (OnEventSummaryUpdated); the other changes produce
// their events.
func TestComlogPagingAckEvents(t *testing.T) {
	sw := newSimWorld(t)
	ctx := context.Background()
	al := sw.login(t, aliceLogin, "1234")
	take, err := sw.srv.ComlogWatch(aliceLogin, "unifiedComLog", "eventSummary")
	if err != nil {
		t.Fatal(err)
	}
	begin := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	var all []int64
	for i := range 12 {
		rec := inject(t, al, "", call(fmt.Sprintf("c%d", i), aliceLogin, bobLogin, "CALLEE", i%3 != 0, begin.Add(time.Duration(i)*time.Minute)))
		all = append(all, rec.RecordID)
	}
	evs := take()
	// 12 created, and a summary update for each of the 4 missed calls.
	created, summaries := 0, 0
	for _, l := range evs {
		var ev map[string]any
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatal(err)
		}
		switch ev["eventName"] {
		case "OnComRecordCreated":
			created++
			if ev["loginName"] != aliceLogin || ev["record"].(map[string]any)["recordId"] == nil {
				t.Fatalf("created event %s", l)
			}
		case "OnEventSummaryUpdated":
			summaries++
		default:
			t.Fatalf("unexpected event %s", l)
		}
	}
	if created != 12 || summaries != 4 {
		t.Fatalf("events after injection: %d created, %d summaries: %v", created, summaries, evs)
	}
	// Newest first, paged.
	slices.Reverse(all)
	p1 := records(t, al, "?offset=0&limit=5")
	p3 := records(t, al, "?offset=10&limit=5")
	beyond := records(t, al, "?offset=20&limit=5")
	if !slices.Equal(ids(p1), all[:5]) || p1.TotalCount != 12 || p1.Offset != 0 || p1.Limit != 5 ||
		!slices.Equal(ids(p3), all[10:]) || p3.TotalCount != 12 || len(beyond.ComHistoryRecords) != 0 || beyond.TotalCount != 12 {
		t.Fatalf("pages: %v %v %v (all %v)", ids(p1), ids(p3), ids(beyond), all)
	}
	if got := raw(t, al, "/comlog/records?offset=20&limit=5"); got != `{"comHistoryRecords":[],"offset":20,"limit":5,"totalCount":12}` {
		t.Fatalf("empty page: %s", got)
	}

	missed := records(t, al, "?unanswered=true")
	if len(missed.ComHistoryRecords) != 4 {
		t.Fatalf("missed calls: %v", ids(missed))
	}
	// The Node SDK sends record ids as strings.
	toAck := []string{fmt.Sprint(missed.ComHistoryRecords[0].RecordID), fmt.Sprint(missed.ComHistoryRecords[1].RecordID)}
	if err := al.Do(ctx, http.MethodPut, "/comlog/records?acknowledge=true", map[string]any{"recordIds": toAck}, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf(`{"eventName":"OnComRecordsAck","loginName":"oxe2025550101","recordIds":[%s,%s]}`, toAck[1], toAck[0]),
		`{"eventName":"OnEventSummaryUpdated","loginName":"oxe2025550101","eventSummary":{"missedCallsNb":2,"voiceMessagesNb":0,"callBackRequestsNb":0,"faxNb":0,"eventWaiting":true}}`,
	}
	if got := take(); !slices.Equal(got, want) {
		t.Fatalf("ack events:\n%v\nwant\n%v", got, want)
	}
	var sum o2g.EventSummary
	if err := al.Do(ctx, http.MethodGet, "/eventSummary", nil, &sum); err != nil || sum.MissedCallsNb != 2 {
		t.Fatalf("summary after ack: %+v %v", sum, err)
	}
	if n := len(records(t, al, "?unacknowledged=true").ComHistoryRecords); n != 2 {
		t.Fatalf("%d unacknowledged after ack", n)
	}
	// Acknowledging again changes nothing and says nothing.
	if err := al.Do(ctx, http.MethodPut, "/comlog/records?acknowledge=true", map[string]any{"recordIds": toAck}, nil); err != nil {
		t.Fatal(err)
	}
	if got := take(); len(got) != 0 {
		t.Fatalf("events for a no-op ack: %v", got)
	}
	// Unacknowledge one, with a numeric id.
	if err := al.Do(ctx, http.MethodPut, "/comlog/records?acknowledge=false", map[string]any{"recordIds": []int64{missed.ComHistoryRecords[0].RecordID}}, nil); err != nil {
		t.Fatal(err)
	}
	if got := take(); len(got) != 2 || !strings.Contains(got[0], `"OnComRecordsUnAck"`) || !strings.Contains(got[1], `"missedCallsNb":3`) {
		t.Fatalf("unack events: %v", got)
	}
	// Delete one by id, two by list, then the answered ones by filter.
	if err := al.Do(ctx, http.MethodDelete, fmt.Sprintf("/comlog/records/%d", all[0]), nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := take(); len(got) != 1 || got[0] != fmt.Sprintf(`{"eventName":"OnComRecordsDeleted","loginName":"oxe2025550101","recordIds":[%d]}`, all[0]) {
		t.Fatalf("delete by id events: %v", got)
	}
	wantError(t, al.Do(ctx, http.MethodDelete, fmt.Sprintf("/comlog/records/%d", all[0]), nil, nil), http.StatusNotFound, "NOT_FOUND")
	if err := al.Do(ctx, http.MethodDelete, fmt.Sprintf("/comlog/records?recordIdList=%d,%d,999999", all[1], all[2]), nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := take(); len(got) != 2 || got[0] != fmt.Sprintf(`{"eventName":"OnComRecordsDeleted","loginName":"oxe2025550101","recordIds":[%d,%d]}`, all[2], all[1]) ||
		!strings.Contains(got[1], `"missedCallsNb":2,`) {
		t.Fatalf("delete by list events: %v", got)
	}
	if err := al.Do(ctx, http.MethodDelete, "/comlog/records?unanswered=true", nil, nil); err != nil {
		t.Fatal(err)
	}
	after := records(t, al, "")
	got := take()
	for _, r := range after.ComHistoryRecords {
		if !r.Acknowledged {
			t.Fatalf("a missed call survived the delete: %+v", r)
		}
	}
	if len(got) != 2 || !strings.Contains(got[0], `"OnComRecordsDeleted"`) || !strings.Contains(got[1], `"missedCallsNb":0,`) ||
		!strings.Contains(got[1], `"eventWaiting":false`) {
		t.Fatalf("delete by filter events: %v", got)
	}
}

// Filters: role, answered, acknowledged, dates (as toISOString() writes
// them), call reference, remote party, explicit ids, and optimized lists.
func TestComlogFilters(t *testing.T) {
	sw := newSimWorld(t)
	al := sw.login(t, aliceLogin, "1234")
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	in1 := inject(t, al, "", call("a", aliceLogin, bobLogin, "CALLEE", false, t0))
	in2 := inject(t, al, "", call("b", aliceLogin, "+33123456789", "CALLEE", true, t0.Add(time.Hour)))
	out3 := inject(t, al, "", call("c", aliceLogin, bobLogin, "CALLER", false, t0.Add(2*time.Hour)))
	q := func(v url.Values) string { return "?" + v.Encode() }
	for _, tc := range []struct {
		query string
		want  []int64
	}{
		{"", []int64{out3.RecordID, in2.RecordID, in1.RecordID}},
		{"?role=CALLER", []int64{out3.RecordID}},
		{"?role=callee", []int64{in2.RecordID, in1.RecordID}},
		{"?unanswered", []int64{in1.RecordID}},
		{"?unanswered=false", []int64{out3.RecordID, in2.RecordID, in1.RecordID}},
		{"?unacknowledged=true", []int64{in1.RecordID}},
		{q(url.Values{"afterDate": {"2026-03-01T12:30:00.000Z"}}), []int64{out3.RecordID, in2.RecordID}},
		{q(url.Values{"beforeDate": {"2026-03-01T13:00:00.000Z"}}), []int64{in1.RecordID}},
		{q(url.Values{"afterDate": {"2026-03-01T12:00:00.000Z"}, "beforeDate": {"2026-03-01T14:00:00Z"}}), []int64{in2.RecordID, in1.RecordID}},
		{q(url.Values{"fromDate": {"2026-03-01T13:00:00.000Z"}}), []int64{out3.RecordID, in2.RecordID}},
		{"?comRef=b", []int64{in2.RecordID}},
		{"?remotePartyId=" + bobLogin, []int64{out3.RecordID, in1.RecordID}},
		{"?remotePartyId=2025550102", []int64{out3.RecordID, in1.RecordID}},
		{q(url.Values{"remotePartyId": {"+33123456789"}}), []int64{in2.RecordID}},
		{"?remotePartyId=" + aliceLogin, nil},
		{fmt.Sprintf("?recordIdList=%d,%d&role=CALLER&limit=1&offset=5", in1.RecordID, out3.RecordID), []int64{out3.RecordID, in1.RecordID}},
		{"?role=CALLEE&unanswered=true&comRef=b", nil},
	} {
		if got := ids(records(t, al, tc.query)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	// Optimized: a party's full identity only at its first occurrence.
	got := raw(t, al, "/comlog/records?optimized=true&role=CALLER")
	if !strings.Contains(got, `"firstName":"Bob"`) {
		t.Fatalf("first occurrence not in full: %s", got)
	}
	var page o2g.ComHistoryRecords
	if err := json.Unmarshal([]byte(raw(t, al, "/comlog/records?optimized")), &page); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range page.ComHistoryRecords {
		for _, p := range r.Participants {
			key := p.Identity.ID.PhoneNumber
			if strings.HasPrefix(key, "+") {
				continue // the outside party appears once
			}
			if p.Identity.LastName != "" {
				seen[key+"/full"]++
			} else {
				seen[key+"/short"]++
				if p.Identity.ID.LoginName != "" || p.Identity.Type != nil {
					t.Fatalf("a repeated party is not reduced to its number: %+v", p.Identity)
				}
			}
		}
	}
	if seen["2025550102/full"] != 1 || seen["2025550102/short"] != 1 || seen["2025550101/full"] != 1 || seen["2025550101/short"] != 2 {
		t.Fatalf("optimized occurrences: %v", seen)
	}
}

// The log keeps 100 records; the 101st pushes the oldest out, with an
// OnComRecordsDeleted for it.
func TestComlogCap(t *testing.T) {
	sw := newSimWorld(t)
	al := sw.login(t, aliceLogin, "1234")
	t0 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	var first int64
	for i := range 100 {
		rec := inject(t, al, "", call(fmt.Sprint(i), aliceLogin, bobLogin, "CALLER", true, t0.Add(time.Duration(i)*time.Second)))
		if i == 0 {
			first = rec.RecordID
		}
	}
	take, err := sw.srv.ComlogWatch(aliceLogin, "unifiedComLog")
	if err != nil {
		t.Fatal(err)
	}
	last := inject(t, al, "", call("last", aliceLogin, bobLogin, "CALLER", true, t0.Add(time.Hour)))
	list := records(t, al, "")
	if list.TotalCount != 100 || list.ComHistoryRecords[0].RecordID != last.RecordID || list.ComHistoryRecords[99].RecordID != first+1 {
		t.Fatalf("after the 101st: total %d, newest %d, oldest %d", list.TotalCount, list.ComHistoryRecords[0].RecordID,
			list.ComHistoryRecords[99].RecordID)
	}
	evs := take()
	if len(evs) != 2 || evs[0] != fmt.Sprintf(`{"eventName":"OnComRecordsDeleted","loginName":"oxe2025550101","recordIds":[%d]}`, first) ||
		!strings.HasPrefix(evs[1], `{"eventName":"OnComRecordCreated","loginName":"oxe2025550101","record":{"recordId":`+fmt.Sprint(last.RecordID)) {
		t.Fatalf("events: %v", evs)
	}
}

// Rights: a user reaches only its own log (loginName ignored); an
// administrator must name the user and cover it.
func TestComlogRights(t *testing.T) {
	sw := newSimWorld(t)
	ctx := context.Background()
	al := sw.login(t, aliceLogin, "1234")
	bo := sw.login(t, bobLogin, "5678")
	rec := inject(t, al, "", call("x", aliceLogin, bobLogin, "CALLEE", false, time.Now()))
	path := fmt.Sprintf("/comlog/records/%d", rec.RecordID)
	wantError(t, bo.Do(ctx, http.MethodGet, path, nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, bo.Do(ctx, http.MethodGet, path+"?loginName="+aliceLogin, nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, bo.Do(ctx, http.MethodDelete, path, nil, nil), http.StatusNotFound, "NOT_FOUND")
	if n := len(records(t, bo, "?loginName="+aliceLogin).ComHistoryRecords); n != 0 {
		t.Fatalf("bob sees %d records with alice's loginName", n)
	}
	// bob's acknowledging alice's id changes nothing of alice's.
	if err := bo.Do(ctx, http.MethodPut, "/comlog/records?acknowledge=true", map[string]any{"recordIds": []int64{rec.RecordID}}, nil); err != nil {
		t.Fatal(err)
	}
	if r := records(t, al, "").ComHistoryRecords[0]; r.Acknowledged {
		t.Fatal("bob acknowledged alice's record")
	}
	// Administrators: loginName is required; in scope only.
	adm := sw.login(t, testbed.Admin, testbed.Password)
	wantError(t, adm.Do(ctx, http.MethodGet, "/comlog/records", nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, adm.Do(ctx, http.MethodGet, "/eventSummary", nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	if got := ids(records(t, adm, "?loginName="+aliceLogin)); !slices.Equal(got, []int64{rec.RecordID}) {
		t.Fatalf("admin sees %v", got)
	}
	g1 := sw.login(t, "g1admin", adminPassword)
	if err := g1.Do(ctx, http.MethodPut, "/comlog/records?acknowledge=true&loginName="+aliceLogin, map[string]any{"recordIds": []int64{rec.RecordID}}, nil); err != nil {
		t.Fatal(err)
	}
	var sum o2g.EventSummary
	if err := al.Do(ctx, http.MethodGet, "/eventsummary", nil, &sum); err != nil || sum.MissedCallsNb != 0 || sum.EventWaiting {
		t.Fatalf("alice's summary after the group admin's ack: %+v %v", sum, err)
	}
	wantError(t, g1.Do(ctx, http.MethodGet, "/comlog/records?loginName="+daveLogin, nil, nil), http.StatusNotFound, "NOT_FOUND")
	wantError(t, g1.Do(ctx, http.MethodPost, "/_sim/comlog?loginName="+daveLogin, call("d", daveLogin, aliceLogin, "CALLEE", false, time.Now()), nil),
		http.StatusNotFound, "NOT_FOUND")
	// The System administrator injects into dave's log.
	inject(t, adm, "?loginName="+daveLogin, call("d", daveLogin, aliceLogin, "CALLEE", false, time.Now()))
	da := sw.login(t, daveLogin, "1357")
	if err := da.Do(ctx, http.MethodGet, "/eventSummary", nil, &sum); err != nil || sum.MissedCallsNb != 1 || !sum.EventWaiting {
		t.Fatalf("dave's summary: %+v %v", sum, err)
	}
	// Deleting the user deletes its log.
	if err := sw.tb.Core.DeleteUser(ctx, sw.sys, dave); err != nil {
		t.Fatal(err)
	}
	wantError(t, adm.Do(ctx, http.MethodGet, "/comlog/records?loginName="+daveLogin, nil, nil), http.StatusNotFound, "NOT_FOUND")
}

// Bad input gets a RestErrorInfo and changes nothing.
func TestComlogBadInput(t *testing.T) {
	sw := newSimWorld(t)
	ctx := context.Background()
	al := sw.login(t, aliceLogin, "1234")
	rec := inject(t, al, "", call("x", aliceLogin, bobLogin, "CALLEE", false, time.Now()))
	for _, query := range []string{"?offset=-1", "?limit=x", "?role=BOSS", "?afterDate=yesterday", "?recordIdList=1,x",
		"?unanswered=maybe", "?optimized=2"} {
		wantError(t, al.Do(ctx, http.MethodGet, "/comlog/records"+query, nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	}
	wantError(t, al.Do(ctx, http.MethodGet, "/comlog/records/abc", nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, al.Do(ctx, http.MethodDelete, "/comlog/records?role=x", nil, nil), http.StatusBadRequest, "BAD_PARAMETER")
	ack := map[string]any{"recordIds": []int64{rec.RecordID}}
	wantError(t, al.Do(ctx, http.MethodPut, "/comlog/records", ack, nil), http.StatusBadRequest, "BAD_PARAMETER")
	wantError(t, al.Do(ctx, http.MethodPut, "/comlog/records?acknowledge=yes", ack, nil), http.StatusBadRequest, "BAD_PARAMETER")
	for _, body := range []any{nil, "x", map[string]any{"recordIds": "1"}, map[string]any{"recordIds": []any{true}},
		map[string]any{"recordIds": []any{"-3"}}, map[string]any{"recordIds": []any{1.5}}} {
		wantError(t, al.Do(ctx, http.MethodPut, "/comlog/records?acknowledge=true", body, nil), http.StatusBadRequest, "BAD_PARAMETER")
	}
	bad := []any{
		nil, "x", []any{},
		map[string]any{"participants": "x"},
		map[string]any{"beginDate": "yesterday"},
		map[string]any{"medias": []string{"VIDEO"}},
		map[string]any{"participants": []any{map[string]any{"role": "BOSS", "identity": map[string]any{"id": map[string]any{}}}}},
		map[string]any{"participants": []any{map[string]any{"reason": "BORED", "identity": map[string]any{"id": map[string]any{}}}}},
		map[string]any{"participants": []any{map[string]any{"role": "CALLER"}}},
		map[string]any{"participants": []any{map[string]any{"identity": map[string]any{"id": map[string]any{"loginName": "oxe999"}}}}},
		map[string]any{"beginDate": "2026-01-01T10:00:00.000Z", "endDate": "2026-01-01T09:00:00.000Z"},
		map[string]any{"holdDuration": -1},
		map[string]any{"comRef": strings.Repeat("x", 300)},
	}
	for _, body := range bad {
		wantError(t, al.Do(ctx, http.MethodPost, "/_sim/comlog", body, nil), http.StatusBadRequest, "BAD_PARAMETER")
	}
	list := records(t, al, "")
	if len(list.ComHistoryRecords) != 1 || list.ComHistoryRecords[0].Acknowledged {
		t.Fatalf("bad requests changed the log: %+v", list)
	}
}

// With simulation off (the default) the injection endpoint does not
// exist.
func TestComlogSimulationOff(t *testing.T) {
	w := newWorld(t)
	al := w.client(t, aliceLogin, "1234")
	ctx := context.Background()
	wantError(t, al.Do(ctx, http.MethodPost, "/_sim/comlog", call("x", aliceLogin, bobLogin, "CALLEE", false, time.Now()), nil),
		http.StatusNotFound, "NOT_FOUND")
	// The log itself is served, empty.
	if got := raw(t, al, "/comlog/records"); got != `{"comHistoryRecords":[],"offset":0,"limit":0,"totalCount":0}` {
		t.Fatalf("empty log: %s", got)
	}
	if got := raw(t, al, "/eventSummary"); got != `{"missedCallsNb":0,"voiceMessagesNb":0,"callBackRequestsNb":0,"faxNb":0,"eventWaiting":false}` {
		t.Fatalf("empty summary: %s", got)
	}
}
