package provisioning

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/store/sqlstore"
)

// comlogCore is a core with users a and b in one group, c in another, a
// group administrator of the first group and a read-only System
// administrator.
func comlogCore(t *testing.T) (c *Core, sys, groupAdmin, readOnly *Actor) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c = New(st, Options{})
	if _, _, err := c.Bootstrap(ctx, "sys", "Sys-pw-123"); err != nil {
		t.Fatal(err)
	}
	info, err := c.Login(ctx, "sys", Credential{Password: "Sys-pw-123"})
	if err != nil {
		t.Fatal(err)
	}
	sys = info.Actor
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.AddSystemDomain(ctx, sys, "cl.example.com", ""))
	must(c.AddServiceProvider(ctx, sys, ServiceProviderAdd{SP: store.ServiceProvider{ID: "sp", Name: "SP", DefaultDomain: "cl.example.com"}}))
	for _, g := range []string{"g", "h"} {
		must(c.AddGroup(ctx, sys, GroupAdd{Group: store.Group{SPID: "sp", ID: g, Name: g, DefaultDomain: "cl.example.com", UserLimit: 10}}))
	}
	for _, u := range [][2]string{{"a@cl.example.com", "g"}, {"b@cl.example.com", "g"}, {"c@cl.example.com", "h"}} {
		must(c.AddUser(ctx, sys, UserAdd{User: store.User{ID: u[0], SPID: "sp", GroupID: u[1], LastName: "L", FirstName: "F",
			CLIDLastName: "L", CLIDFirstName: "F"}, Password: "User-pw-123"}))
	}
	must(c.AddAdmin(ctx, sys, AdminAdd{Admin: store.Admin{ID: "gadmin", Level: store.LevelGroup, SPID: "sp", GroupID: "g", LastName: "A"},
		Password: "Admin-pw-123"}))
	must(c.AddAdmin(ctx, sys, AdminAdd{Admin: store.Admin{ID: "ro", Level: store.LevelSystem, ReadOnly: true, LastName: "R"},
		Password: "Admin-pw-123"}))
	for _, id := range []string{"gadmin", "ro"} {
		info, err := c.Login(ctx, id, Credential{Password: "Admin-pw-123"})
		must(err)
		if id == "gadmin" {
			groupAdmin = info.Actor
		} else {
			readOnly = info.Actor
		}
	}
	return c, sys, groupAdmin, readOnly
}

// incoming is a call from outside to the user, answered or not.
func incoming(ref string, answered bool, begin time.Time) store.ComRecord {
	return store.ComRecord{ComRef: ref, Begin: begin, Participants: []store.ComParticipant{
		{Party: store.ComParty{PhoneNumber: "+33-1234", Type: "EXTERNAL"}},
		{Role: ComCallee, Answered: &answered, Party: store.ComParty{UserID: "a@cl.example.com", Type: "USER"}},
	}}
}

func comWantKind(t *testing.T, err error, k Kind) {
	t.Helper()
	if e, ok := AsError(err); !ok || e.Kind != k {
		t.Fatalf("error %v, want kind %v", err, k)
	}
}

func TestComLogAddAckDelete(t *testing.T) {
	c, sys, _, _ := comlogCore(t)
	ctx := context.Background()
	const a = "a@cl.example.com"
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	ch, err := c.AddComRecord(ctx, sys, a, incoming("r1", false, t0))
	if err != nil {
		t.Fatal(err)
	}
	r1 := ch.Record
	if r1.ID == 0 || r1.UserID != a || r1.Role != ComCallee || r1.Answered || r1.Acknowledged || !slices.Equal(r1.Medias, []string{"AUDIO"}) ||
		ch.MissedBefore != 0 || ch.Missed != 1 {
		t.Fatalf("missed call added: %+v", ch)
	}
	ch, err = c.AddComRecord(ctx, sys, a, incoming("r2", true, t0.Add(time.Hour)))
	if err != nil || !ch.Record.Acknowledged || ch.Missed != 1 {
		t.Fatalf("answered call added: %+v %v", ch, err)
	}
	r2 := ch.Record
	// Newest first; filters.
	list, missed, err := c.ComRecords(ctx, sys, a, ComLogFilter{})
	if err != nil || len(list) != 2 || list[0].ID != r2.ID || missed != 1 {
		t.Fatalf("list: %+v %d %v", list, missed, err)
	}
	for _, tc := range []struct {
		f    ComLogFilter
		want []int64
	}{
		{ComLogFilter{Unanswered: true}, []int64{r1.ID}},
		{ComLogFilter{Unacknowledged: true}, []int64{r1.ID}},
		{ComLogFilter{After: t0.Add(time.Minute)}, []int64{r2.ID}},
		{ComLogFilter{Before: t0.Add(time.Hour)}, []int64{r1.ID}},
		{ComLogFilter{Role: ComCaller}, nil},
		{ComLogFilter{ComRef: "r2"}, []int64{r2.ID}},
		{ComLogFilter{RemoteNumber: "+33-1234"}, []int64{r2.ID, r1.ID}},
		{ComLogFilter{RemoteUserID: a}, nil}, // the user itself is not a remote party
		{ComLogFilter{IDs: []int64{r1.ID}, ComRef: "r2"}, []int64{r1.ID}},
	} {
		list, _, err := c.ComRecords(ctx, sys, a, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range list {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("filter %+v: %v, want %v", tc.f, got, tc.want)
		}
	}
	// Acknowledging reports only the missed calls that changed.
	ch, err = c.AckComRecords(ctx, sys, a, []int64{r1.ID, r2.ID, 999999}, true)
	if err != nil || !slices.Equal(ch.IDs, []int64{r1.ID}) || ch.MissedBefore != 1 || ch.Missed != 0 {
		t.Fatalf("ack: %+v %v", ch, err)
	}
	ch, err = c.AckComRecords(ctx, sys, a, []int64{r1.ID}, true)
	if err != nil || len(ch.IDs) != 0 {
		t.Fatalf("ack again: %+v %v", ch, err)
	}
	ch, err = c.AckComRecords(ctx, sys, a, []int64{r1.ID, r2.ID}, false)
	if err != nil || !slices.Equal(ch.IDs, []int64{r1.ID}) || ch.Missed != 1 {
		t.Fatalf("unack: %+v %v", ch, err)
	}
	if n, err := c.MissedCallCount(ctx, sys, a); err != nil || n != 1 {
		t.Fatalf("missed calls %d %v", n, err)
	}
	ch, err = c.DeleteComRecords(ctx, sys, a, ComLogFilter{Unanswered: true})
	if err != nil || !slices.Equal(ch.IDs, []int64{r1.ID}) || ch.Missed != 0 {
		t.Fatalf("delete: %+v %v", ch, err)
	}
	if _, err := c.ComRecord(ctx, sys, a, r1.ID); err == nil {
		t.Fatal("deleted record still readable")
	}
	if r, err := c.ComRecord(ctx, sys, a, r2.ID); err != nil || r.ComRef != "r2" {
		t.Fatalf("record 2: %+v %v", r, err)
	}
}

func TestComLogCapAndValidation(t *testing.T) {
	c, sys, _, _ := comlogCore(t)
	ctx := context.Background()
	const a = "a@cl.example.com"
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	var first int64
	for i := range ComLogMax {
		ch, err := c.AddComRecord(ctx, sys, a, incoming("r", i%2 == 0, t0.Add(time.Duration(i)*time.Minute)))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = ch.Record.ID
		}
	}
	ch, err := c.AddComRecord(ctx, sys, a, incoming("last", false, t0.Add(time.Hour*5)))
	if err != nil || !slices.Equal(ch.Dropped, []int64{first}) || ch.MissedBefore != 50 || ch.Missed != 51 {
		t.Fatalf("101st record: dropped %v, missed %d→%d, %v", ch.Dropped, ch.MissedBefore, ch.Missed, err)
	}
	list, _, err := c.ComRecords(ctx, sys, a, ComLogFilter{})
	if err != nil || len(list) != ComLogMax || list[0].ComRef != "last" || list[len(list)-1].ID != first+1 {
		t.Fatalf("log after the cap: %d records, %v", len(list), err)
	}
	// Bad records change nothing.
	bad := []store.ComRecord{
		{},
		{ComRef: "x", Medias: []string{"VIDEO"}},
		{ComRef: "x", Participants: []store.ComParticipant{{Role: "BOSS"}}},
		{ComRef: "x", Participants: []store.ComParticipant{{Reason: "BORED"}}},
		{ComRef: "x", Participants: []store.ComParticipant{{Party: store.ComParty{Type: "ALIEN"}}}},
		{ComRef: "x", Begin: t0, End: t0.Add(-time.Second)},
		{ComRef: string(make([]byte, 300))},
	}
	for _, r := range bad {
		_, err := c.AddComRecord(ctx, sys, a, r)
		comWantKind(t, err, KindInvalid)
	}
	if after, _, _ := c.ComRecords(ctx, sys, a, ComLogFilter{}); len(after) != ComLogMax || after[0].ID != list[0].ID {
		t.Fatal("a refused record changed the log")
	}
}

func TestComLogRights(t *testing.T) {
	c, sys, gadmin, ro := comlogCore(t)
	ctx := context.Background()
	info, err := c.Login(ctx, "a@cl.example.com", Credential{Password: "User-pw-123"})
	if err != nil {
		t.Fatal(err)
	}
	ua := info.Actor
	ch, err := c.AddComRecord(ctx, ua, "a@cl.example.com", incoming("own", false, time.Time{}))
	if err != nil || ch.Record.Begin.IsZero() {
		t.Fatalf("a user adds to its own log: %+v %v", ch, err)
	}
	if _, err := c.AddComRecord(ctx, ua, "b@cl.example.com", incoming("x", false, time.Time{})); err == nil {
		t.Fatal("a user wrote another user's log")
	}
	comWantKind(t, func() error { _, _, err := c.ComRecords(ctx, ua, "b@cl.example.com", ComLogFilter{}); return err }(), KindUnauthorized)
	// The group administrator covers a and b, not c.
	if _, _, err := c.ComRecords(ctx, gadmin, "a@cl.example.com", ComLogFilter{}); err != nil {
		t.Fatal(err)
	}
	comWantKind(t, func() error { _, err := c.AckComRecords(ctx, gadmin, "c@cl.example.com", nil, true); return err }(), KindUnauthorized)
	// A read-only administrator reads but does not write.
	if _, err := c.ComRecord(ctx, ro, "a@cl.example.com", ch.Record.ID); err != nil {
		t.Fatal(err)
	}
	comWantKind(t, func() error {
		_, err := c.DeleteComRecords(ctx, ro, "a@cl.example.com", ComLogFilter{})
		return err
	}(), KindUnauthorized)
	// Another user's record id is not found through one's own log.
	chb, err := c.AddComRecord(ctx, sys, "b@cl.example.com", incoming("b", false, time.Time{}))
	if err != nil {
		t.Fatal(err)
	}
	comWantKind(t, func() error { _, err := c.ComRecord(ctx, ua, "a@cl.example.com", chb.Record.ID); return err }(), KindNotFound)
	// Deleting the user deletes its log.
	if err := c.DeleteUser(ctx, sys, "b@cl.example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.AddUser(ctx, sys, UserAdd{User: store.User{ID: "b@cl.example.com", SPID: "sp", GroupID: "g", LastName: "L", FirstName: "F",
		CLIDLastName: "L", CLIDFirstName: "F"}, Password: "User-pw-123"}); err != nil {
		t.Fatal(err)
	}
	if list, _, err := c.ComRecords(ctx, sys, "b@cl.example.com", ComLogFilter{}); err != nil || len(list) != 0 {
		t.Fatalf("a new user with the old id inherited %d records (%v)", len(list), err)
	}
}

// A communication log change publishes ComLogChanged after commit, with
// the ids and counters a consumer cannot read back; a refused one
// publishes nothing.
func TestComLogEvents(t *testing.T) {
	c, sys, _, readOnly := comlogCore(t)
	ctx := context.Background()
	bus := events.NewMemory()
	sub := bus.Subscribe(10)
	c.opt.Events = bus
	none := func() {
		t.Helper()
		select {
		case ev := <-sub.C():
			t.Fatalf("unexpected event %+v", ev)
		default:
		}
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err := c.AddComRecord(ctx, readOnly, "a@cl.example.com", incoming("r", false, t0))
	comWantKind(t, err, KindUnauthorized)
	none()
	bad := incoming("", false, t0) // no comRef
	_, err = c.AddComRecord(ctx, sys, "a@cl.example.com", bad)
	comWantKind(t, err, KindInvalid)
	none()

	ch, err := c.AddComRecord(ctx, sys, "a@cl.example.com", incoming("r", false, t0))
	if err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-sub.C():
		want := map[string]string{"op": "created", "record": itoa64(ch.Record.ID), "ids": "", "dropped": "",
			"missedBefore": "0", "missed": "1"}
		if ev.Kind != events.ComLogChanged || ev.UserID != "a@cl.example.com" || ev.SPID != "sp" || ev.GroupID != "g" ||
			!maps.Equal(ev.Data, want) {
			t.Fatalf("event %+v, want data %v", ev, want)
		}
	default:
		t.Fatal("no event after a committed add")
	}
	none()
}
