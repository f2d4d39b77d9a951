package o2g_test

import (
	"context"
	"testing"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/testbed"
)

// world is a testbed with a small provisioned system, built through the
// core as any facade would:
//
//	enterprise "sp1" (domain example.com), group "g1" with numbers
//	+1-2025550100..+1-2025550199 and every routing service authorized;
//	users alice (+1-2025550101, ext 101, passcode 1234) and bob
//	(+1-2025550102, ext 102, passcode 5678) holding the routing services,
//	carol (no number, passcode 2468);
//	group "g2" with dave (+1-2025550150, passcode 1357);
//	administrators: testbed.Admin (System), "g1admin" (Group g1),
//	password adminPassword.
type world struct {
	tb  *testbed.Server
	sys *provisioning.Actor
}

const (
	adminPassword = "G1-admin-pass"
	alice         = "alice@example.com"
	bob           = "bob@example.com"
	carol         = "carol@example.com"
	dave          = "dave@example.com"
)

// routingServices are the user services behind O2G routing.
var routingServices = []string{"Call Forwarding Always", "Call Forwarding Busy", "Call Forwarding No Answer", "Do Not Disturb"}

func newWorld(t *testing.T) *world {
	t.Helper()
	tb := testbed.Start(t)
	ctx := context.Background()
	info, err := tb.Core.Login(ctx, testbed.Admin, provisioning.Credential{Password: testbed.Password})
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
	var spAuth []provisioning.ServiceQuantity
	var gAuth []provisioning.GroupServiceAuth
	for _, s := range routingServices {
		spAuth = append(spAuth, provisioning.ServiceQuantity{Name: s, Quantity: store.Unlimited})
		gAuth = append(gAuth, provisioning.GroupServiceAuth{Kind: store.SvcUser, Name: s, Quantity: store.Unlimited})
	}
	must(tb.Core.AddSystemDomain(ctx, a, "example.com", ""))
	must(tb.Core.AddServiceProvider(ctx, a, provisioning.ServiceProviderAdd{
		SP: store.ServiceProvider{ID: "sp1", Name: "SP One", DefaultDomain: "example.com", IsEnterprise: true}, UserServiceAuth: spAuth}))
	for _, g := range []string{"g1", "g2"} {
		must(tb.Core.AddGroup(ctx, a, provisioning.GroupAdd{Group: store.Group{SPID: "sp1", ID: g, Name: "Group " + g,
			DefaultDomain: "example.com", UserLimit: 100}, ServiceAuth: gAuth}))
	}
	must(tb.Core.AddSPNumbers(ctx, a, "sp1", provisioning.NumberSet{Ranges: [][2]string{{"+1-2025550100", "+1-2025550199"}}}))
	must(tb.Core.AssignGroupNumbers(ctx, a, "sp1", "g1", provisioning.NumberSet{Ranges: [][2]string{{"+1-2025550100", "+1-2025550149"}}}))
	must(tb.Core.AssignGroupNumbers(ctx, a, "sp1", "g2", provisioning.NumberSet{Ranges: [][2]string{{"+1-2025550150", "+1-2025550199"}}}))
	add := func(id, group, last, first, number, ext, passcode string, services []string) {
		t.Helper()
		must(tb.Core.AddUser(ctx, a, provisioning.UserAdd{User: store.User{ID: id, SPID: "sp1", GroupID: group, LastName: last,
			FirstName: first, CLIDLastName: last, CLIDFirstName: first, PhoneNumber: number, Extension: ext, Email: first + "@mail.example.com"},
			Password: "User-pass-1", Passcode: passcode, Services: services}))
	}
	add(alice, "g1", "Liddell", "Alice", "+1-2025550101", "101", "1234", routingServices)
	add(bob, "g1", "Brown", "Bob", "+1-2025550102", "102", "5678", routingServices)
	add(carol, "g1", "Clark", "Carol", "", "103", "2468", nil)
	add(dave, "g2", "Davis", "Dave", "+1-2025550150", "150", "1357", routingServices)
	must(tb.Core.AddAdmin(ctx, a, provisioning.AdminAdd{Admin: store.Admin{ID: "g1admin", Level: store.LevelGroup, SPID: "sp1", GroupID: "g1",
		LastName: "Admin"}, Password: adminPassword}))
	// The fixture's own events (users created) are handled before any
	// test subscribes.
	must(tb.O2G.Settle())
	return &world{tb: tb, sys: a}
}

// client is an SDK-like client of the world's server, logged in.
func (w *world) client(t *testing.T, login, secret string) *o2gtest.Client {
	t.Helper()
	c := o2gtest.New(w.tb.O2GAddr, w.tb.Roots)
	if err := c.Login(context.Background(), login, secret, "o2g-test"); err != nil {
		t.Fatalf("login %s: %v", login, err)
	}
	return c
}

// admin is a System administrator's client.
func (w *world) admin(t *testing.T) *o2gtest.Client {
	return w.client(t, testbed.Admin, testbed.Password)
}
