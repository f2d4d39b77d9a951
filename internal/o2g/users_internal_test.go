package o2g

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/store/sqlstore"
)

// usrEventServer is a server whose core publishes on the server's bus,
// with sp/g (+1-2025550130..139) and sp/h (+1-2025550140), and the
// System and g group administrators' actors.
func usrEventServer(t *testing.T) (s *Server, sys, gadm *provisioning.Actor) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bus := events.NewMemory()
	core := provisioning.New(st, provisioning.Options{Events: bus})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, _, err = core.Bootstrap(ctx, "sys", "Sys-pass-123")
	must(err)
	info, err := core.Login(ctx, "sys", provisioning.Credential{Password: "Sys-pass-123"})
	must(err)
	sys = info.Actor
	must(core.AddSystemDomain(ctx, sys, "e.example.com", ""))
	must(core.AddServiceProvider(ctx, sys, provisioning.ServiceProviderAdd{SP: store.ServiceProvider{ID: "sp", DefaultDomain: "e.example.com", IsEnterprise: true}}))
	for _, g := range []string{"g", "h"} {
		must(core.AddGroup(ctx, sys, provisioning.GroupAdd{Group: store.Group{SPID: "sp", ID: g, DefaultDomain: "e.example.com", UserLimit: 10}}))
	}
	must(core.AddSPNumbers(ctx, sys, "sp", provisioning.NumberSet{Ranges: [][2]string{{"+1-2025550130", "+1-2025550140"}}}))
	must(core.AssignGroupNumbers(ctx, sys, "sp", "g", provisioning.NumberSet{Ranges: [][2]string{{"+1-2025550130", "+1-2025550139"}}}))
	must(core.AssignGroupNumbers(ctx, sys, "sp", "h", provisioning.NumberSet{Numbers: []string{"+1-2025550140"}}))
	must(core.AddAdmin(ctx, sys, provisioning.AdminAdd{Admin: store.Admin{ID: "gadm", Level: store.LevelGroup, SPID: "sp", GroupID: "g"}, Password: "Gadm-pass-123"}))
	info, err = core.Login(ctx, "gadm", provisioning.Credential{Password: "Gadm-pass-123"})
	must(err)
	s, err = New(Config{Core: core, Bus: bus})
	must(err)
	t.Cleanup(s.Close)
	return s, sys, info.Actor
}

// usrSub is a subscription registered by hand with a stream attached.
type usrSub struct {
	sub *subscription
	c   *streamConn
}

// usrSubscribe registers, as the subscription service would, an
// administrator's subscription to the given packages for every user its
// scope covers, and attaches a stream to read it.
func usrSubscribe(t *testing.T, s *Server, actor *provisioning.Actor, id string, pkgs ...string) *usrSub {
	t.Helper()
	se := &session{id: id, who: identity{admin: true, actor: actor, login: actor.ID}, ended: make(chan struct{})}
	sel := map[string][]*selection{}
	for _, p := range pkgs {
		sel[p] = []*selection{{allUsers: true}}
	}
	sub := newSubscription(id, se, 0, sel)
	c, ok := sub.attach()
	if !ok {
		t.Fatal("cannot attach")
	}
	s.hub.mu.Lock()
	s.hub.add(sub)
	s.hub.mu.Unlock()
	return &usrSub{sub: sub, c: c}
}

// take returns the queued events.
func (u *usrSub) take() [][]byte {
	lines, _ := u.sub.takeFor(u.c)
	return lines
}

// usrNext waits for the next n events of sub, decoded.
func usrNext(t *testing.T, sub *usrSub, n int) []map[string]any {
	t.Helper()
	var out []map[string]any
	deadline := time.Now().Add(5 * time.Second)
	for len(out) < n {
		for _, line := range sub.take() {
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatalf("event %s: %v", line, err)
			}
			out = append(out, m)
		}
		if len(out) >= n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d events, want %d: %v", len(out), n, out)
		}
		select {
		case <-sub.c.ready:
		case <-time.After(50 * time.Millisecond):
		}
	}
	if len(out) != n {
		t.Fatalf("got %d events, want %d: %v", len(out), n, out)
	}
	return out
}

// Users created, changed and deleted through the core directly (as
// OCI-P does) reach userManagement and user subscriptions, within the
// subscriber's scope, once each.
func TestUsersEventsFromCore(t *testing.T) {
	s, sys, gadm := usrEventServer(t)
	ctx := context.Background()
	core := s.core
	all := usrSubscribe(t, s, sys, "all", "userManagement")
	both := usrSubscribe(t, s, sys, "both", "userManagement", "user")
	group := usrSubscribe(t, s, gadm, "group", "userManagement")

	add := func(id, group, number string) {
		t.Helper()
		if err := core.AddUser(ctx, sys, provisioning.UserAdd{User: store.User{ID: id, SPID: "sp", GroupID: group, LastName: "Last",
			FirstName: "First", CLIDLastName: "Last", CLIDFirstName: "First", PhoneNumber: number, Email: "x@mail.example.com"},
			Password: "User-pass-1"}); err != nil {
			t.Fatal(err)
		}
	}
	add("x@e.example.com", "g", "+1-2025550131")
	add("y@e.example.com", "h", "+1-2025550140")
	userX := map[string]any{"companyPhone": "2025550131", "firstName": "First", "lastName": "Last", "loginName": "oxe2025550131",
		"nodeId": "1", "eMailAddress": "x@mail.example.com"}
	userY := map[string]any{"companyPhone": "2025550140", "firstName": "First", "lastName": "Last", "loginName": "oxe2025550140",
		"nodeId": "1", "eMailAddress": "x@mail.example.com"}
	createdX := map[string]any{"eventName": "OnUserCreated", "user": userX}
	createdY := map[string]any{"eventName": "OnUserCreated", "user": userY}
	if got := usrNext(t, all, 2); !reflect.DeepEqual(got, []map[string]any{createdX, createdY}) {
		t.Fatalf("system admin: %v", got)
	}
	if got := usrNext(t, both, 2); !reflect.DeepEqual(got, []map[string]any{createdX, createdY}) {
		t.Fatalf("system admin (two packages): %v", got)
	}
	if got := usrNext(t, group, 1); !reflect.DeepEqual(got, []map[string]any{createdX}) {
		t.Fatalf("group admin: %v", got)
	}

	// A change: OnUserInfoChanged with the user as it is now; once for a
	// subscription selecting both packages that carry it.
	if err := core.ModifyUser(ctx, sys, "x@e.example.com", provisioning.UserChange{Apply: func(u *store.User) error {
		u.FirstName = "Renamed"
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	userX["firstName"] = "Renamed"
	changed := map[string]any{"eventName": "OnUserInfoChanged", "loginName": "oxe2025550131", "user": userX}
	for name, sub := range map[string]*usrSub{"all": all, "both": both, "group": group} {
		if got := usrNext(t, sub, 1); !reflect.DeepEqual(got, []map[string]any{changed}) {
			t.Fatalf("%s: %v", name, got)
		}
	}

	// Deletes: the login name comes from the event, the record being gone.
	for _, id := range []string{"x@e.example.com", "y@e.example.com"} {
		if err := core.DeleteUser(ctx, sys, id); err != nil {
			t.Fatal(err)
		}
	}
	deletedX := map[string]any{"eventName": "OnUserDeleted", "loginName": "oxe2025550131"}
	deletedY := map[string]any{"eventName": "OnUserDeleted", "loginName": "oxe2025550140"}
	if got := usrNext(t, all, 2); !reflect.DeepEqual(got, []map[string]any{deletedX, deletedY}) {
		t.Fatalf("system admin: %v", got)
	}
	if got := usrNext(t, group, 1); !reflect.DeepEqual(got, []map[string]any{deletedX}) {
		t.Fatalf("group admin: %v", got)
	}

	// Created through O2G user management: the same single path.
	ids, err := core.AddNumberUsers(ctx, gadm, []string{"2025550135"}, false)
	if err != nil || len(ids) != 1 {
		t.Fatal(ids, err)
	}
	got := usrNext(t, group, 1)
	if got[0]["eventName"] != "OnUserCreated" || got[0]["user"].(map[string]any)["loginName"] != "oxe2025550135" {
		t.Fatalf("created through usermanagement: %v", got)
	}
	time.Sleep(100 * time.Millisecond)
	if extra := group.take(); len(extra) != 0 {
		t.Fatalf("extra events %q", extra)
	}
}

func TestUsersLicenseDate(t *testing.T) {
	for in, want := range map[time.Time]string{
		time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC): "31-dec-2026",
		time.Date(2027, 3, 5, 0, 0, 0, 0, time.UTC):   "05-mar-2027",
		neverExpires: "31-dec-9999",
	} {
		if got := licenseDate(in); got != want {
			t.Errorf("licenseDate(%v) = %q, want %q", in, got, want)
		}
	}
}

// In LoginUserID mode the O2G secret is the web password: a user gives
// the old one, an administrator need not; the new one logs in and the
// old one no longer does.
func TestUsersPasswordUserIDMode(t *testing.T) {
	_, hs, _ := sessTestServer(t, Config{UserLogin: LoginUserID})
	ctx := context.Background()
	login := func(id, pw string) (*o2gtest.Client, error) {
		c := sessClient(t, hs)
		return c, c.Login(ctx, id, pw, "pw")
	}
	u, err := login("u@s.example.com", "User-pass-1")
	if err != nil {
		t.Fatal(err)
	}
	const p = "/users/u@s.example.com/password"
	err = u.Do(ctx, http.MethodPut, p, map[string]string{"oldPassword": "Wrong-pass-1", "newPassword": "New-pass-22"}, nil)
	if e, ok := err.(*o2gtest.Error); !ok || e.Status != http.StatusForbidden || e.Type() != "NOT_ALLOWED" {
		t.Fatalf("wrong old password: %v", err)
	}
	if _, err := login("u@s.example.com", "User-pass-1"); err != nil {
		t.Fatalf("a refused change changed the password: %v", err)
	}
	if err := u.Do(ctx, http.MethodPut, p, map[string]string{"oldPassword": "User-pass-1", "newPassword": "New-pass-22"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := login("u@s.example.com", "New-pass-22"); err != nil {
		t.Fatal(err)
	}
	if _, err := login("u@s.example.com", "User-pass-1"); err == nil {
		t.Fatal("the old password still logs in")
	}
	adm, err := login("sys", "Sys-pass-123")
	if err != nil {
		t.Fatal(err)
	}
	if err := adm.Do(ctx, http.MethodPut, "/users/v@s.example.com/password", map[string]string{"newPassword": "V-pass-333"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := login("v@s.example.com", "V-pass-333"); err != nil {
		t.Fatal(err)
	}
}

// A reseller administrator's subscription for every user it covers
// receives the events of its resellers' users, deletions included (the
// events carry the reseller), and not those of other service providers.
func TestUsersEventsResellerScope(t *testing.T) {
	s, sys, _ := usrEventServer(t)
	ctx := context.Background()
	core := s.core
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(core.AddReseller(ctx, sys, store.Reseller{ID: "r1", Name: "Reseller One"}))
	must(core.AddServiceProvider(ctx, sys, provisioning.ServiceProviderAdd{SP: store.ServiceProvider{ID: "rsp", ResellerID: "r1",
		DefaultDomain: "e.example.com", IsEnterprise: true}}))
	must(core.AddGroup(ctx, sys, provisioning.GroupAdd{Group: store.Group{SPID: "rsp", ID: "rg", DefaultDomain: "e.example.com", UserLimit: 10}}))
	must(core.AddAdmin(ctx, sys, provisioning.AdminAdd{Admin: store.Admin{ID: "radm", Level: store.LevelReseller, ResellerID: "r1"}, Password: "Radm-pass-123"}))
	info, err := core.Login(ctx, "radm", provisioning.Credential{Password: "Radm-pass-123"})
	must(err)
	reseller := usrSubscribe(t, s, info.Actor, "reseller", "userManagement")
	add := func(id, sp, group string) {
		t.Helper()
		must(core.AddUser(ctx, sys, provisioning.UserAdd{User: store.User{ID: id, SPID: sp, GroupID: group, LastName: "L",
			FirstName: "F", CLIDLastName: "L", CLIDFirstName: "F"}, Password: "User-pass-1"}))
	}
	add("out@e.example.com", "sp", "g")
	add("in@e.example.com", "rsp", "rg")
	got := usrNext(t, reseller, 1)
	if got[0]["eventName"] != "OnUserCreated" || got[0]["user"].(map[string]any)["loginName"] != "in@e.example.com" {
		t.Fatalf("reseller admin: %v", got)
	}
	must(core.DeleteUser(ctx, sys, "out@e.example.com"))
	must(core.DeleteUser(ctx, sys, "in@e.example.com"))
	got = usrNext(t, reseller, 1)
	if got[0]["eventName"] != "OnUserDeleted" || got[0]["loginName"] != "in@e.example.com" {
		t.Fatalf("reseller admin, deletion: %v", got)
	}
	time.Sleep(100 * time.Millisecond)
	if extra := reseller.take(); len(extra) != 0 {
		t.Fatalf("events outside the reseller: %q", extra)
	}
}
