package provisioning

import (
	"context"
	"slices"
	"testing"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/store/sqlstore"
)

// o2gCore is a core with sp/g (numbers +1-2025550200..209, user u holding
// ...200 with an endpoint device), sp/h (+1-2025550210..211), one number
// on the SP only (...212), a call center in g with u as agent, and a group
// admin of g.
func o2gCore(t *testing.T) (*Core, *Actor, *events.Memory) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bus := events.NewMemory()
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
	must(c.AddSystemDomain(ctx, a, "o2g.example.com", ""))
	must(c.AddServiceProvider(ctx, a, ServiceProviderAdd{SP: store.ServiceProvider{ID: "sp", Name: "SP", DefaultDomain: "o2g.example.com",
		IsEnterprise: true}, UserServiceAuth: []ServiceQuantity{{Name: "Call Center - Basic", Quantity: store.Unlimited}}}))
	for _, g := range []string{"g", "h"} {
		must(c.AddGroup(ctx, a, GroupAdd{Group: store.Group{SPID: "sp", ID: g, Name: g, DefaultDomain: "o2g.example.com", UserLimit: 20},
			ServiceAuth: []GroupServiceAuth{{Kind: store.SvcUser, Name: "Call Center - Basic", Quantity: store.Unlimited}}}))
	}
	must(c.AddSPNumbers(ctx, a, "sp", NumberSet{Ranges: [][2]string{{"+1-2025550200", "+1-2025550212"}}}))
	must(c.AssignGroupNumbers(ctx, a, "sp", "g", NumberSet{Ranges: [][2]string{{"+1-2025550200", "+1-2025550209"}}}))
	must(c.AssignGroupNumbers(ctx, a, "sp", "h", NumberSet{Ranges: [][2]string{{"+1-2025550210", "+1-2025550211"}}}))
	must(c.AddDevice(ctx, a, store.Device{SPID: "sp", GroupID: "g", Name: "desk1", Type: "Polycom VVX 400"}))
	must(c.AddUser(ctx, a, UserAdd{User: store.User{ID: "u@o2g.example.com", SPID: "sp", GroupID: "g", LastName: "L", FirstName: "F",
		CLIDLastName: "L", CLIDFirstName: "F", PhoneNumber: "+1-2025550200", Extension: "200",
		Profile: store.UserProfile{Endpoint: &store.Endpoint{DeviceName: "desk1", LinePort: "u@o2g.example.com"}}},
		Password: "User-pw-123", Services: []string{"Call Center - Basic"}}))
	must(c.AddUser(ctx, a, UserAdd{User: store.User{ID: "w@o2g.example.com", SPID: "sp", GroupID: "h", LastName: "W", FirstName: "W",
		CLIDLastName: "W", CLIDFirstName: "W"}, Password: "User-pw-123"}))
	must(c.AddCallCenter(ctx, a, CallCenterAdd{User: store.User{ID: "cc@o2g.example.com", SPID: "sp", GroupID: "g", LastName: "CC",
		FirstName: "CC", CLIDLastName: "CC", CLIDFirstName: "CC"}, Center: store.CallCenter{SPID: "sp", GroupID: "g", Type: "Basic"}, Password: "Cc-pw-1234"}))
	must(c.SetCallCenterAgents(ctx, a, "cc@o2g.example.com", []AgentRef{{UserID: "u@o2g.example.com"}}))
	must(c.AddAdmin(ctx, a, AdminAdd{Admin: store.Admin{ID: "gadm", Level: store.LevelGroup, SPID: "sp", GroupID: "g"}, Password: "Gadm-pw-123"}))
	return c, a, bus
}

func o2gLogin(t *testing.T, c *Core, id, pw string) *Actor {
	t.Helper()
	info, err := c.Login(context.Background(), id, Credential{Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	return info.Actor
}

func wantKind(t *testing.T, err error, k Kind) {
	t.Helper()
	if e, ok := AsError(err); !ok || e.Kind != k {
		t.Fatalf("error %v, want kind %v", err, k)
	}
}

func TestO2GAddNumberUsers(t *testing.T) {
	c, a, bus := o2gCore(t)
	ctx := context.Background()
	feed := bus.Subscribe(100)
	defer feed.Close()
	gadm := o2gLogin(t, c, "gadm", "Gadm-pw-123")

	ids, err := c.AddNumberUsers(ctx, gadm, []string{"2025550201", "+1-2025550201"}, false)
	if err != nil || !slices.Equal(ids, []string{"oxe2025550201@o2g.example.com"}) {
		t.Fatalf("add: %v %v", ids, err)
	}
	d, err := c.User(ctx, a, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	u := d.User
	if u.LastName != "2025550201" || u.FirstName != "O2G" || u.PhoneNumber != "+1-2025550201" || u.GroupID != "g" ||
		u.PasswordSHA1 == "" || u.Passcode != "" || u.Extension != "0201" {
		t.Fatalf("user %+v", u)
	}
	if ev := <-feed.C(); ev.Kind != events.UserCreated || ev.UserID != ids[0] {
		t.Fatalf("event %+v", ev)
	}

	// Taken, unknown, on the SP only, out of the admin's scope: refused,
	// and a refusal in a list creates nothing.
	_, err = c.AddNumberUsers(ctx, gadm, []string{"2025550202", "2025550200"}, false)
	wantKind(t, err, KindInUse)
	if _, err := c.UserIDByNumber(ctx, "+1-2025550202"); err == nil {
		t.Fatal("a refused list created a user")
	}
	_, err = c.AddNumberUsers(ctx, a, []string{"2025550299"}, false)
	wantKind(t, err, KindNotFound)
	_, err = c.AddNumberUsers(ctx, gadm, []string{"2025550299"}, false)
	wantKind(t, err, KindUnauthorized)
	_, err = c.AddNumberUsers(ctx, a, []string{"2025550212"}, false)
	wantKind(t, err, KindInvalid)
	_, err = c.AddNumberUsers(ctx, gadm, []string{"2025550210"}, false)
	wantKind(t, err, KindUnauthorized)
	_, err = c.AddNumberUsers(ctx, gadm, []string{"not a number"}, false)
	wantKind(t, err, KindInvalid)
	user := o2gLogin(t, c, "u@o2g.example.com", "User-pw-123")
	_, err = c.AddNumberUsers(ctx, user, []string{"2025550203"}, false)
	wantKind(t, err, KindUnauthorized)

	// all: every free number of the groups in scope (g only for gadm).
	ids, err = c.AddNumberUsers(ctx, gadm, nil, true)
	if err != nil || len(ids) != 8 || ids[0] != "oxe2025550202@o2g.example.com" || ids[7] != "oxe2025550209@o2g.example.com" {
		t.Fatalf("all: %v %v", ids, err)
	}
	if _, err := c.UserIDByNumber(ctx, "+1-2025550210"); err == nil {
		t.Fatal("all went outside the admin's scope")
	}
	ids, err = c.AddNumberUsers(ctx, a, nil, true)
	if err != nil || !slices.Equal(ids, []string{"oxe2025550210@o2g.example.com", "oxe2025550211@o2g.example.com"}) {
		t.Fatalf("all (system): %v %v", ids, err)
	}
}

func TestO2GScopeReads(t *testing.T) {
	c, a, _ := o2gCore(t)
	ctx := context.Background()
	gadm := o2gLogin(t, c, "gadm", "Gadm-pw-123")
	user := o2gLogin(t, c, "u@o2g.example.com", "User-pw-123")

	if n, err := c.UsersInScope(ctx, a); err != nil || n != 2 {
		t.Fatalf("system count %d %v", n, err)
	}
	if n, err := c.UsersInScope(ctx, gadm); err != nil || n != 1 {
		t.Fatalf("group count %d %v", n, err)
	}
	_, err := c.UsersInScope(ctx, user)
	wantKind(t, err, KindUnauthorized)

	ag, err := c.AgentUserIDs(ctx, gadm)
	if err != nil || len(ag) != 1 || !ag["u@o2g.example.com"] {
		t.Fatalf("agents %v %v", ag, err)
	}
	_, err = c.AgentUserIDs(ctx, user)
	wantKind(t, err, KindUnauthorized)

	if id, err := c.UserIDByExtension(ctx, "sp", "g", "200"); err != nil || id != "u@o2g.example.com" {
		t.Fatalf("by extension %q %v", id, err)
	}
	_, err = c.UserIDByExtension(ctx, "sp", "h", "200")
	wantKind(t, err, KindUserNotFound)

	dev, err := c.UserDevice(ctx, user, "u@o2g.example.com")
	if err != nil || dev == nil || dev.Name != "desk1" || dev.Type != "Polycom VVX 400" {
		t.Fatalf("device %+v %v", dev, err)
	}
	if dev, err := c.UserDevice(ctx, a, "w@o2g.example.com"); err != nil || dev != nil {
		t.Fatalf("no device: %+v %v", dev, err)
	}
	_, err = c.UserDevice(ctx, gadm, "w@o2g.example.com")
	wantKind(t, err, KindUnauthorized)
}
