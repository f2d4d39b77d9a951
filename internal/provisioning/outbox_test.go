package provisioning

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/store/sqlstore"
)

// The core publishes user and routing events after commit, from every path
// (plain add, modify, routing, group purge), and nothing for an operation
// that failed and rolled back.
func TestCoreEvents(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bus := events.NewMemory()
	sub := bus.Subscribe(100)
	c := New(st, Options{Events: bus})
	if _, _, err := c.Bootstrap(ctx, "sys", "Sys-pw-123"); err != nil {
		t.Fatal(err)
	}
	info, err := c.Login(ctx, "sys", Credential{Password: "Sys-pw-123"})
	if err != nil {
		t.Fatal(err)
	}
	a := info.Actor
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	next := func(want events.Kind, user string) events.Event {
		t.Helper()
		select {
		case ev := <-sub.C():
			if ev.Kind != want || ev.UserID != user {
				t.Fatalf("event %s %s, want %s %s", ev.Kind, ev.UserID, want, user)
			}
			return ev
		case <-time.After(time.Second):
			t.Fatalf("no %s event for %s", want, user)
		}
		return events.Event{}
	}
	must(c.AddSystemDomain(ctx, a, "ev.example.com", ""))
	must(c.AddServiceProvider(ctx, a, ServiceProviderAdd{SP: store.ServiceProvider{ID: "sp", DefaultDomain: "ev.example.com"},
		UserServiceAuth: []ServiceQuantity{{Name: "Do Not Disturb", Quantity: store.Unlimited}}}))
	must(c.AddGroup(ctx, a, GroupAdd{Group: store.Group{SPID: "sp", ID: "g", DefaultDomain: "ev.example.com", UserLimit: 10},
		ServiceAuth: []GroupServiceAuth{{Kind: store.SvcUser, Name: "Do Not Disturb", Quantity: store.Unlimited}}}))
	add := func(id, ext string) error {
		return c.AddUser(ctx, a, UserAdd{User: store.User{ID: id, SPID: "sp", GroupID: "g", LastName: "L", FirstName: "F",
			CLIDLastName: "L", CLIDFirstName: "F", Extension: ext}, Password: "User-pw-123", Services: []string{"Do Not Disturb"}})
	}
	must(add("u1@ev.example.com", "1001"))
	ev := next(events.UserCreated, "u1@ev.example.com")
	if ev.SPID != "sp" || ev.GroupID != "g" {
		t.Fatalf("created event %+v", ev)
	}
	// A failed add (duplicate) publishes nothing.
	if err := add("u1@ev.example.com", "1002"); err == nil {
		t.Fatal("duplicate add accepted")
	}
	must(c.ModifyUser(ctx, a, "u1@ev.example.com", UserChange{Apply: func(u *store.User) error { u.LastName = "M"; return nil }}))
	next(events.UserChanged, "u1@ev.example.com")
	on := true
	if _, err := c.ModifyUserRouting(ctx, a, "u1@ev.example.com", RoutingChange{DND: &DNDChange{Active: &on}}); err != nil {
		t.Fatal(err)
	}
	next(events.RoutingChanged, "u1@ev.example.com")
	must(c.DeleteGroup(ctx, a, "sp", "g"))
	ev = next(events.UserDeleted, "u1@ev.example.com")
	if ev.Data["extension"] != "1001" {
		t.Fatalf("deleted event data %v", ev.Data)
	}
	select {
	case ev := <-sub.C():
		t.Fatalf("unexpected event %+v", ev)
	default:
	}
}
