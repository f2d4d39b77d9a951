package ocipserver

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/service"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// routingServices are the five user services the routing commands need.
var routingServices = []string{"Call Forwarding Always", "Call Forwarding Busy", "Call Forwarding No Answer",
	"Call Forwarding Not Reachable", "Do Not Disturb"}

// newRoutingWorld is admWorld plus the routing services: authorized to
// ent1 and its groups, assigned to alice (g1, Sales) and bob (g2); dave
// (g1) holds none; erin (g1) holds them through the service pack
// "Routing".
func newRoutingWorld(t *testing.T) *admWorld {
	t.Helper()
	w := newAdmWorld(t)
	ctx := context.Background()
	c, a := w.h.core, w.sysActor
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var spAuth, grpAuth []provisioning.AuthChange
	for _, s := range routingServices {
		spAuth = append(spAuth, provisioning.AuthChange{Kind: store.SvcUser, Name: s, Quantity: store.Unlimited})
		grpAuth = append(grpAuth, provisioning.AuthChange{Kind: store.SvcUser, Name: s, Quantity: store.Unlimited})
	}
	must(c.ModifySPServiceAuth(ctx, a, "ent1", spAuth))
	must(c.AddServicePack(ctx, a, store.ServicePack{SPID: "ent1", Name: "Routing", Available: true, Quantity: store.Unlimited, Services: routingServices}))
	must(c.ModifyGroupServiceAuth(ctx, a, "ent1", "g1", append(grpAuth,
		provisioning.AuthChange{Kind: store.SvcPack, Name: "Routing", Quantity: store.Unlimited})))
	must(c.ModifyGroupServiceAuth(ctx, a, "ent1", "g2", grpAuth))
	for _, id := range []string{"dave@example.com", "erin@example.com"} {
		must(c.AddUser(ctx, a, provisioning.UserAdd{User: store.User{ID: id, SPID: "ent1", GroupID: "g1",
			LastName: "Last", FirstName: "First", CLIDLastName: "Last", CLIDFirstName: "First"}, Password: admPW}))
	}
	assign := func(id string, services, packs []string) {
		t.Helper()
		res, err := c.AssignUserServices(ctx, a, id, services, packs)
		must(err)
		for _, r := range res {
			must(r.Err)
		}
	}
	assign("alice@example.com", routingServices, nil)
	assign("bob@example.com", routingServices, nil)
	assign("erin@example.com", nil, []string{"Routing"})
	return w
}

func cfaGet(id string) *service.UserCallForwardingAlwaysGetRequest {
	return &service.UserCallForwardingAlwaysGetRequest{UserID: datatypes.UserId(id)}
}

func cfaGetAs(s *session, id string) *service.UserCallForwardingAlwaysGetResponse {
	s.h.t.Helper()
	return get[*service.UserCallForwardingAlwaysGetResponse](s, cfaGet(id))
}

// fwdNumber sets forwardToPhoneNumber; nil sends xsi:nil.
func fwdNumber(n *string) ocixml.Nillable[datatypes.OutgoingDNorSIPURI] {
	if n == nil {
		return ocixml.Null[datatypes.OutgoingDNorSIPURI]()
	}
	return ocixml.Some(datatypes.OutgoingDNorSIPURI(*n))
}

func numberOf(p *datatypes.OutgoingDNorSIPURI) string {
	if p == nil {
		return "<none>"
	}
	return string(*p)
}

func TestRoutingForwardAlways(t *testing.T) {
	w := newRoutingWorld(t)
	s := w.as("sys")
	const alice = "alice@example.com"
	if r := cfaGetAs(s, alice); r.IsActive || r.ForwardToPhoneNumber != nil || r.IsRingSplashActive {
		t.Fatalf("default: %+v", r)
	}
	s.ok(&service.UserCallForwardingAlwaysModifyRequest{UserID: alice, IsActive: ptr(true),
		ForwardToPhoneNumber: fwdNumber(ptr("+1-2025550123")), IsRingSplashActive: ptr(true)})
	if r := cfaGetAs(s, alice); !r.IsActive || numberOf(r.ForwardToPhoneNumber) != "+1-2025550123" || !r.IsRingSplashActive {
		t.Fatalf("after modify: active %v number %s splash %v", r.IsActive, numberOf(r.ForwardToPhoneNumber), r.IsRingSplashActive)
	}
	// Only the fields given change.
	s.ok(&service.UserCallForwardingAlwaysModifyRequest{UserID: alice, IsRingSplashActive: ptr(false)})
	if r := cfaGetAs(s, alice); !r.IsActive || numberOf(r.ForwardToPhoneNumber) != "+1-2025550123" || r.IsRingSplashActive {
		t.Fatalf("after ring splash off: active %v number %s splash %v", r.IsActive, numberOf(r.ForwardToPhoneNumber), r.IsRingSplashActive)
	}
	s.ok(&service.UserCallForwardingAlwaysModifyRequest{UserID: alice, ForwardToPhoneNumber: fwdNumber(ptr("voicemail.box@example.net"))})
	if r := cfaGetAs(s, alice); !r.IsActive || numberOf(r.ForwardToPhoneNumber) != "voicemail.box@example.net" {
		t.Fatalf("after a SIP URI: active %v number %s", r.IsActive, numberOf(r.ForwardToPhoneNumber))
	}
	// An active forward keeps its number: clearing it is refused, and
	// nothing changes.
	s.fails(&service.UserCallForwardingAlwaysModifyRequest{UserID: alice, ForwardToPhoneNumber: fwdNumber(nil)}, ocip.CodeInvalidValue)
	s.fails(&service.UserCallForwardingAlwaysModifyRequest{UserID: alice, IsRingSplashActive: ptr(true), ForwardToPhoneNumber: fwdNumber(nil)}, ocip.CodeInvalidValue)
	if r := cfaGetAs(s, alice); !r.IsActive || numberOf(r.ForwardToPhoneNumber) != "voicemail.box@example.net" || r.IsRingSplashActive {
		t.Fatalf("after refused changes: %+v", r)
	}
	// Deactivating keeps the number, which a later activation reuses;
	// once inactive the number may be cleared.
	s.ok(&service.UserCallForwardingAlwaysModifyRequest{UserID: alice, IsActive: ptr(false)})
	if r := cfaGetAs(s, alice); r.IsActive || numberOf(r.ForwardToPhoneNumber) != "voicemail.box@example.net" {
		t.Fatalf("after deactivate: %+v", r)
	}
	s.ok(&service.UserCallForwardingAlwaysModifyRequest{UserID: alice, IsActive: ptr(true)})
	s.ok(&service.UserCallForwardingAlwaysModifyRequest{UserID: alice, IsActive: ptr(false), ForwardToPhoneNumber: fwdNumber(nil)})
	if r := cfaGetAs(s, alice); r.IsActive || r.ForwardToPhoneNumber != nil {
		t.Fatalf("after deactivate and clear: active %v number %s", r.IsActive, numberOf(r.ForwardToPhoneNumber))
	}
	// Activating with no number, stored or given, is refused.
	e := s.fails(&service.UserCallForwardingAlwaysModifyRequest{UserID: alice, IsActive: ptr(true)}, ocip.CodeInvalidValue)
	if !strings.Contains(e.Summary, "forwardToPhoneNumber") {
		t.Errorf("activate without number: %s", e.Summary)
	}
	// Other users are untouched: bob still has the defaults.
	if r := cfaGetAs(s, "bob@example.com"); r.IsActive || r.ForwardToPhoneNumber != nil {
		t.Fatalf("bob: %+v", r)
	}
}

func TestRoutingForwardBusyNoAnswerNotReachable(t *testing.T) {
	w := newRoutingWorld(t)
	s := w.as("g1admin@example.com")
	const alice = "alice@example.com"

	busy := func() *service.UserCallForwardingBusyGetResponse {
		return get[*service.UserCallForwardingBusyGetResponse](s, &service.UserCallForwardingBusyGetRequest{UserID: alice})
	}
	if r := busy(); r.IsActive || r.ForwardToPhoneNumber != nil {
		t.Fatalf("busy default: %+v", r)
	}
	s.fails(&service.UserCallForwardingBusyModifyRequest{UserID: alice, IsActive: ptr(true)}, ocip.CodeInvalidValue)
	s.ok(&service.UserCallForwardingBusyModifyRequest{UserID: alice, IsActive: ptr(true), ForwardToPhoneNumber: fwdNumber(ptr("2025550177"))})
	if r := busy(); !r.IsActive || numberOf(r.ForwardToPhoneNumber) != "2025550177" {
		t.Fatalf("busy: active %v number %s", r.IsActive, numberOf(r.ForwardToPhoneNumber))
	}
	s.ok(&service.UserCallForwardingBusyModifyRequest{UserID: alice, IsActive: ptr(false)})
	if r := busy(); r.IsActive || numberOf(r.ForwardToPhoneNumber) != "2025550177" {
		t.Fatalf("busy after deactivate: active %v number %s", r.IsActive, numberOf(r.ForwardToPhoneNumber))
	}

	noAnswer := func() *service.UserCallForwardingNoAnswerGetResponse13mp16 {
		return get[*service.UserCallForwardingNoAnswerGetResponse13mp16](s, &service.UserCallForwardingNoAnswerGetRequest13mp16{UserID: alice})
	}
	if r := noAnswer(); r.IsActive || r.ForwardToPhoneNumber != nil || r.NumberOfRings != 2 {
		t.Fatalf("no answer default: active %v number %s rings %d", r.IsActive, numberOf(r.ForwardToPhoneNumber), r.NumberOfRings)
	}
	rings := func(n int) *datatypes.CallForwardingNoAnswerNumberOfRings {
		return ptr(datatypes.CallForwardingNoAnswerNumberOfRings(n))
	}
	s.ok(&service.UserCallForwardingNoAnswerModifyRequest{UserID: alice, NumberOfRings: rings(6)})
	if r := noAnswer(); r.IsActive || r.NumberOfRings != 6 {
		t.Fatalf("no answer rings: active %v rings %d", r.IsActive, r.NumberOfRings)
	}
	s.ok(&service.UserCallForwardingNoAnswerModifyRequest{UserID: alice, IsActive: ptr(true), ForwardToPhoneNumber: fwdNumber(ptr("*86"))})
	if r := noAnswer(); !r.IsActive || numberOf(r.ForwardToPhoneNumber) != "*86" || r.NumberOfRings != 6 {
		t.Fatalf("no answer: active %v number %s rings %d", r.IsActive, numberOf(r.ForwardToPhoneNumber), r.NumberOfRings)
	}
	s.ok(&service.UserCallForwardingNoAnswerModifyRequest{UserID: alice, NumberOfRings: rings(0)})
	if r := noAnswer(); !r.IsActive || r.NumberOfRings != 0 {
		t.Fatalf("no answer 0 rings: active %v rings %d", r.IsActive, r.NumberOfRings)
	}
	// Out of the schema's range: refused by validation, nothing changes.
	for _, n := range []int{1, 21, -1} {
		s.fails(&service.UserCallForwardingNoAnswerModifyRequest{UserID: alice, NumberOfRings: rings(n)}, ocip.CodeValidation)
	}
	if r := noAnswer(); r.NumberOfRings != 0 {
		t.Fatalf("rings after refused values: %d", r.NumberOfRings)
	}

	notReachable := func() *service.UserCallForwardingNotReachableGetResponse {
		return get[*service.UserCallForwardingNotReachableGetResponse](s, &service.UserCallForwardingNotReachableGetRequest{UserID: alice})
	}
	if r := notReachable(); r.IsActive || r.ForwardToPhoneNumber != nil {
		t.Fatalf("not reachable default: %+v", r)
	}
	s.fails(&service.UserCallForwardingNotReachableModifyRequest{UserID: alice, IsActive: ptr(true)}, ocip.CodeInvalidValue)
	s.ok(&service.UserCallForwardingNotReachableModifyRequest{UserID: alice, IsActive: ptr(true), ForwardToPhoneNumber: fwdNumber(ptr("+44-2071234567"))})
	if r := notReachable(); !r.IsActive || numberOf(r.ForwardToPhoneNumber) != "+44-2071234567" {
		t.Fatalf("not reachable: active %v number %s", r.IsActive, numberOf(r.ForwardToPhoneNumber))
	}

	// Each feature is its own: the busy forward kept its state through
	// the others' changes, and forward always was never touched.
	if r := busy(); r.IsActive || numberOf(r.ForwardToPhoneNumber) != "2025550177" {
		t.Fatalf("busy at the end: active %v number %s", r.IsActive, numberOf(r.ForwardToPhoneNumber))
	}
	if r := cfaGetAs(s, alice); r.IsActive || r.ForwardToPhoneNumber != nil {
		t.Fatalf("always at the end: %+v", r)
	}
}

func TestRoutingDoNotDisturb(t *testing.T) {
	w := newRoutingWorld(t)
	s := w.as("spadmin")
	const alice = "alice@example.com"
	dnd := func() *service.UserDoNotDisturbGetResponse {
		return get[*service.UserDoNotDisturbGetResponse](s, &service.UserDoNotDisturbGetRequest{UserID: alice})
	}
	if r := dnd(); r.IsActive || r.RingSplash {
		t.Fatalf("default: %+v", r)
	}
	s.ok(&service.UserDoNotDisturbModifyRequest{UserID: alice, IsActive: ptr(true)})
	if r := dnd(); !r.IsActive || r.RingSplash {
		t.Fatalf("after activate: %+v", r)
	}
	s.ok(&service.UserDoNotDisturbModifyRequest{UserID: alice, RingSplash: ptr(true), IsDoNotDisturbSync: ptr(false)})
	if r := dnd(); !r.IsActive || !r.RingSplash {
		t.Fatalf("after ring splash: %+v", r)
	}
	// Pushing the state to a device is not something Switchboard does.
	e := s.fails(&service.UserDoNotDisturbModifyRequest{UserID: alice, IsActive: ptr(false), IsDoNotDisturbSync: ptr(true)}, ocip.CodeInvalidValue)
	if !strings.Contains(e.Summary, "isDoNotDisturbSync") {
		t.Errorf("sync: %s", e.Summary)
	}
	s.ok(&service.UserDoNotDisturbModifyRequest{UserID: alice, IsActive: ptr(false)})
	if r := dnd(); r.IsActive || !r.RingSplash {
		t.Fatalf("after deactivate: %+v", r)
	}
}

func TestRoutingNumberValidation(t *testing.T) {
	w := newRoutingWorld(t)
	s := w.as("sys")
	const alice = "alice@example.com"
	modify := func(n string) *service.UserCallForwardingAlwaysModifyRequest {
		return &service.UserCallForwardingAlwaysModifyRequest{UserID: alice, IsActive: ptr(true), ForwardToPhoneNumber: fwdNumber(&n)}
	}
	for _, good := range []string{"5551234", "+1-2025550100", "*72#", "0044207", "alice.smith@example.com", "a-b_c.d!e~f*g'h(i)@host-1.example.org"} {
		s.ok(modify(good))
		if r := cfaGetAs(s, alice); numberOf(r.ForwardToPhoneNumber) != good {
			t.Fatalf("%q stored as %s", good, numberOf(r.ForwardToPhoneNumber))
		}
	}
	s.ok(modify("5551234"))
	for _, bad := range []string{
		"sip:alice@example.com", // no scheme
		"alice@",                // no host
		"@example.com",          // no user
		"a@b@example.com",       // two @
		"al ice@example.com",    // space in the user part
		"alice@exa_mple.com",    // '_' in the host
		"555-CALL-NOW",          // letters in a number
		"12+34",                 // '+' inside
		"--",                    // no digit
		strings.Repeat("1", 31), // longer than an OutgoingDN
	} {
		e := s.fails(modify(bad), ocip.CodeInvalidValue)
		if !strings.Contains(e.Summary, "forwardToPhoneNumber") {
			t.Errorf("%q: %s", bad, e.Summary)
		}
	}
	// Longer than the type allows: the schema validation catches it.
	s.fails(modify(strings.Repeat("a", 150)+"@example.com"), ocip.CodeValidation)
	if r := cfaGetAs(s, alice); numberOf(r.ForwardToPhoneNumber) != "5551234" || !r.IsActive {
		t.Fatalf("after refused numbers: active %v number %s", r.IsActive, numberOf(r.ForwardToPhoneNumber))
	}
	// The same rules on the other forwards.
	s.fails(&service.UserCallForwardingBusyModifyRequest{UserID: alice, ForwardToPhoneNumber: fwdNumber(ptr("sip:x@y"))}, ocip.CodeInvalidValue)
	s.fails(&service.UserCallForwardingNoAnswerModifyRequest{UserID: alice, ForwardToPhoneNumber: fwdNumber(ptr("abc"))}, ocip.CodeInvalidValue)
	s.fails(&service.UserCallForwardingNotReachableModifyRequest{UserID: alice, ForwardToPhoneNumber: fwdNumber(ptr("x@y@z"))}, ocip.CodeInvalidValue)
}

// TestRoutingServiceRequired: every command refuses a user without the
// feature's service, the way the agent commands refuse a user without a
// call center service; a pack grants the services like a direct
// assignment.
func TestRoutingServiceRequired(t *testing.T) {
	w := newRoutingWorld(t)
	s := w.as("sys")
	const dave = "dave@example.com"
	num := fwdNumber(ptr("5551234"))
	for _, cmd := range []ocixml.Command{
		cfaGet(dave),
		&service.UserCallForwardingAlwaysModifyRequest{UserID: dave, IsActive: ptr(true), ForwardToPhoneNumber: num},
		&service.UserCallForwardingBusyGetRequest{UserID: dave},
		&service.UserCallForwardingBusyModifyRequest{UserID: dave, ForwardToPhoneNumber: num},
		&service.UserCallForwardingNoAnswerGetRequest13mp16{UserID: dave},
		&service.UserCallForwardingNoAnswerModifyRequest{UserID: dave, NumberOfRings: ptr(datatypes.CallForwardingNoAnswerNumberOfRings(3))},
		&service.UserCallForwardingNotReachableGetRequest{UserID: dave},
		&service.UserCallForwardingNotReachableModifyRequest{UserID: dave, IsActive: ptr(false)},
		&service.UserDoNotDisturbGetRequest{UserID: dave},
		&service.UserDoNotDisturbModifyRequest{UserID: dave, IsActive: ptr(true)},
	} {
		e := s.fails(cmd, ocip.CodeInvalidValue)
		if !strings.Contains(e.Summary, "service assigned") {
			t.Errorf("%s: %s", cmd.XSIType(), e.Summary)
		}
	}
	// One service is enough for its own feature only.
	if _, err := w.h.core.AssignUserServices(context.Background(), w.sysActor, dave, []string{"Do Not Disturb"}, nil); err != nil {
		t.Fatal(err)
	}
	s.ok(&service.UserDoNotDisturbModifyRequest{UserID: dave, IsActive: ptr(true)})
	s.fails(cfaGet(dave), ocip.CodeInvalidValue)

	// erin holds the services through the pack.
	const erin = "erin@example.com"
	s.ok(&service.UserCallForwardingAlwaysModifyRequest{UserID: erin, IsActive: ptr(true), ForwardToPhoneNumber: num})
	if r := cfaGetAs(s, erin); !r.IsActive || numberOf(r.ForwardToPhoneNumber) != "5551234" {
		t.Fatalf("erin: %+v", r)
	}
}

func TestRoutingUnknownUser(t *testing.T) {
	w := newRoutingWorld(t)
	const ghost = "ghost@example.com"
	// Administrators above the SP level learn that the user is absent;
	// below, an unknown user is refused like one out of scope.
	w.as("sys").fails(cfaGet(ghost), ocip.CodeUserNotFound)
	w.as("sys").fails(&service.UserDoNotDisturbModifyRequest{UserID: ghost, IsActive: ptr(true)}, ocip.CodeUserNotFound)
	w.as("g1admin@example.com").fails(cfaGet(ghost), ocip.CodeUnauthorized)
	w.as("g1admin@example.com").fails(&service.UserCallForwardingBusyModifyRequest{UserID: ghost, IsActive: ptr(false)}, ocip.CodeUnauthorized)
}

// TestRoutingRights runs a get and a modify of alice's forwarding (ent1,
// g1, Sales) as every level: "+" allowed, "x" refused with 5404. Read-only
// administrators may read only.
func TestRoutingRights(t *testing.T) {
	w := newRoutingWorld(t)
	const alice = "alice@example.com"
	logins := []string{"sys", "prov", "ro", "rsl1", "rsl2", "spadmin", "sp2admin", "g1admin@example.com",
		"g2admin@example.com", "deptadmin@example.com", alice, "bob@example.com"}
	rows := []struct {
		name string
		want string
		cmd  func(i int) ocixml.Command
	}{
		{"get", "+ + + + x + x + x + + x", func(int) ocixml.Command { return cfaGet(alice) }},
		{"modify", "+ + x + x + x + x + + x", func(i int) ocixml.Command {
			// A distinct number per login, so each allowed cell is seen
			// to write.
			n := "55510" + string(rune('0'+i/10)) + string(rune('0'+i%10))
			return &service.UserCallForwardingAlwaysModifyRequest{UserID: alice, ForwardToPhoneNumber: fwdNumber(&n)}
		}},
		{"dnd modify", "+ + x + x + x + x + + x", func(i int) ocixml.Command {
			return &service.UserDoNotDisturbModifyRequest{UserID: alice, IsActive: ptr(i%2 == 0)}
		}},
	}
	for _, row := range rows {
		want := strings.Fields(row.want)
		if len(want) != len(logins) {
			t.Fatalf("%s: %d cells for %d logins", row.name, len(want), len(logins))
		}
		for i, who := range logins {
			cmd := row.cmd(i)
			r := w.as(who).one(cmd) // users log in with admPW too
			e, refused := r.(*core.ErrorResponse)
			switch want[i] {
			case "+":
				if refused {
					t.Errorf("%s as %s: want success, got %s", row.name, who, describe(r))
					continue
				}
				if m, ok := cmd.(*service.UserCallForwardingAlwaysModifyRequest); ok {
					got := cfaGetAs(w.as("sys"), alice)
					if want := string(m.ForwardToPhoneNumber.Value()); numberOf(got.ForwardToPhoneNumber) != want {
						t.Errorf("%s as %s: stored %s, want %s", row.name, who, numberOf(got.ForwardToPhoneNumber), want)
					}
				}
			case "x":
				if !refused || e.ErrorCode == nil || *e.ErrorCode != int32(ocip.CodeUnauthorized) {
					t.Errorf("%s as %s: want 5404, got %s", row.name, who, describe(r))
				}
			}
		}
	}
}

// TestRoutingSelfService: a user logged in as itself reads and changes
// its own forwarding, and its administrator sees the change.
func TestRoutingSelfService(t *testing.T) {
	w := newRoutingWorld(t)
	const bob = "bob@example.com"
	me := w.h.login(bob, admPW)
	me.ok(&service.UserCallForwardingAlwaysModifyRequest{UserID: bob, IsActive: ptr(true), ForwardToPhoneNumber: fwdNumber(ptr("+1-2025550188"))})
	me.ok(&service.UserCallForwardingNoAnswerModifyRequest{UserID: bob, NumberOfRings: ptr(datatypes.CallForwardingNoAnswerNumberOfRings(4))})
	me.ok(&service.UserDoNotDisturbModifyRequest{UserID: bob, IsActive: ptr(true)})
	if r := cfaGetAs(me, bob); !r.IsActive || numberOf(r.ForwardToPhoneNumber) != "+1-2025550188" {
		t.Fatalf("own get: %+v", r)
	}
	adm := w.as("g2admin@example.com")
	if r := cfaGetAs(adm, bob); !r.IsActive || numberOf(r.ForwardToPhoneNumber) != "+1-2025550188" {
		t.Fatalf("admin's get: %+v", r)
	}
	if r := get[*service.UserCallForwardingNoAnswerGetResponse13mp16](adm, &service.UserCallForwardingNoAnswerGetRequest13mp16{UserID: bob}); r.NumberOfRings != 4 {
		t.Fatalf("rings: %d", r.NumberOfRings)
	}
	if r := get[*service.UserDoNotDisturbGetResponse](adm, &service.UserDoNotDisturbGetRequest{UserID: bob}); !r.IsActive {
		t.Fatal("DND not active")
	}
	// A user cannot touch another user's routing, even in its group.
	me.fails(cfaGet("alice@example.com"), ocip.CodeUnauthorized)
	me.fails(&service.UserDoNotDisturbModifyRequest{UserID: "alice@example.com", IsActive: ptr(true)}, ocip.CodeUnauthorized)
}

// TestRoutingUserDelete: deleting a user removes its routing; a new user
// with the same id starts from the defaults.
func TestRoutingUserDelete(t *testing.T) {
	w := newRoutingWorld(t)
	s := w.as("sys")
	const bob = "bob@example.com"
	s.ok(&service.UserCallForwardingAlwaysModifyRequest{UserID: bob, IsActive: ptr(true), ForwardToPhoneNumber: fwdNumber(ptr("5551234")), IsRingSplashActive: ptr(true)})
	s.ok(&service.UserDoNotDisturbModifyRequest{UserID: bob, IsActive: ptr(true)})
	s.ok(&user.UserDeleteRequest{UserID: bob})
	s.fails(cfaGet(bob), ocip.CodeUserNotFound)
	s.fails(&service.UserDoNotDisturbModifyRequest{UserID: bob, IsActive: ptr(true)}, ocip.CodeUserNotFound)
	var none store.UserRouting
	if err := w.h.st.View(context.Background(), func(tx store.Tx) error {
		var err error
		none, err = tx.GetUserRouting(bob)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if none != store.DefaultUserRouting(bob) {
		t.Fatalf("routing left after delete: %+v", none)
	}
	ctx := context.Background()
	if err := w.h.core.AddUser(ctx, w.sysActor, provisioning.UserAdd{User: store.User{ID: bob, SPID: "ent1", GroupID: "g2",
		LastName: "New", FirstName: "Bob", CLIDLastName: "New", CLIDFirstName: "Bob"}, Password: admPW,
		Services: routingServices}); err != nil {
		t.Fatal(err)
	}
	if r := cfaGetAs(s, bob); r.IsActive || r.ForwardToPhoneNumber != nil || r.IsRingSplashActive {
		t.Fatalf("new bob inherits: %+v", r)
	}
	if r := get[*service.UserDoNotDisturbGetResponse](s, &service.UserDoNotDisturbGetRequest{UserID: bob}); r.IsActive {
		t.Fatal("new bob inherits DND")
	}
}

// TestRoutingInOneDocument: several routing commands in one document run
// in order, each answered on its own.
func TestRoutingInOneDocument(t *testing.T) {
	w := newRoutingWorld(t)
	const alice = "alice@example.com"
	out := w.as("sys").do(
		&service.UserCallForwardingBusyModifyRequest{UserID: alice, IsActive: ptr(true)}, // no number: refused
		&service.UserCallForwardingBusyModifyRequest{UserID: alice, IsActive: ptr(true), ForwardToPhoneNumber: fwdNumber(ptr("5550000"))},
		&service.UserCallForwardingBusyGetRequest{UserID: alice},
	)
	if e, ok := out[0].(*core.ErrorResponse); !ok || e.ErrorCode == nil || *e.ErrorCode != int32(ocip.CodeInvalidValue) {
		t.Fatalf("first: %s", describe(out[0]))
	}
	if _, ok := out[1].(*core.SuccessResponse); !ok {
		t.Fatalf("second: %s", describe(out[1]))
	}
	r, ok := out[2].(*service.UserCallForwardingBusyGetResponse)
	if !ok || !r.IsActive || numberOf(r.ForwardToPhoneNumber) != "5550000" {
		t.Fatalf("third: %s", describe(out[2]))
	}
}

func TestRoutingCommandsImplemented(t *testing.T) {
	for _, name := range []string{
		"UserCallForwardingAlwaysGetRequest", "UserCallForwardingAlwaysModifyRequest",
		"UserCallForwardingBusyGetRequest", "UserCallForwardingBusyModifyRequest",
		"UserCallForwardingNoAnswerGetRequest13mp16", "UserCallForwardingNoAnswerModifyRequest",
		"UserCallForwardingNotReachableGetRequest", "UserCallForwardingNotReachableModifyRequest",
		"UserDoNotDisturbGetRequest", "UserDoNotDisturbModifyRequest",
	} {
		if !Implemented(name) {
			t.Errorf("%s is not implemented", name)
		}
	}
}
