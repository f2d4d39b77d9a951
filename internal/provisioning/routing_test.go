package provisioning

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/store/sqlstore"
)

// The routing core as a second facade sees it: several features in one
// change, the record with what the user holds, and the rules the OCI-P
// schema validation would otherwise catch first (ring range).

func routingCore(t *testing.T) (*Core, *Actor) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.OpenSQLite(ctx, t.TempDir(), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := New(st, Options{})
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
	var services []ServiceQuantity
	var auth []GroupServiceAuth
	for _, k := range RouteKinds {
		services = append(services, ServiceQuantity{Name: k.Service(), Quantity: store.Unlimited})
		auth = append(auth, GroupServiceAuth{Kind: store.SvcUser, Name: k.Service(), Quantity: store.Unlimited})
	}
	must(c.AddSystemDomain(ctx, a, "rt.example.com", ""))
	must(c.AddServiceProvider(ctx, a, ServiceProviderAdd{SP: store.ServiceProvider{ID: "sp", Name: "SP", DefaultDomain: "rt.example.com"},
		UserServiceAuth: services}))
	must(c.AddGroup(ctx, a, GroupAdd{Group: store.Group{SPID: "sp", ID: "g", Name: "G", DefaultDomain: "rt.example.com", UserLimit: 10},
		ServiceAuth: auth}))
	add := func(id string, services ...string) {
		t.Helper()
		must(c.AddUser(ctx, a, UserAdd{User: store.User{ID: id, SPID: "sp", GroupID: "g", LastName: "L", FirstName: "F",
			CLIDLastName: "L", CLIDFirstName: "F"}, Password: "User-pw-123", Services: services}))
	}
	add("u@rt.example.com", "Call Forwarding Busy", "Call Forwarding No Answer", "Do Not Disturb")
	add("plain@rt.example.com")
	return c, a
}

func TestRoutingCoreModifySeveral(t *testing.T) {
	c, a := routingCore(t)
	ctx := context.Background()
	const u = "u@rt.example.com"
	r, err := c.UserRouting(ctx, a, u)
	if err != nil {
		t.Fatal(err)
	}
	want := []RouteKind{RouteForwardBusy, RouteForwardNoAnswer, RouteDoNotDisturb}
	if !slices.Equal(r.Assigned, want) || r.UserRouting != store.DefaultUserRouting(u) {
		t.Fatalf("initial: %+v", r)
	}
	// Forward on busy and on no answer at once, as "busy or no answer".
	num, on, rings := "+1-2025550100", true, 4
	r, err = c.ModifyUserRouting(ctx, a, u, RoutingChange{
		Busy:     &ForwardChange{Active: &on, Number: &num},
		NoAnswer: &ForwardChange{Active: &on, Number: &num, Rings: &rings},
	})
	if err != nil {
		t.Fatal(err)
	}
	want2 := store.DefaultUserRouting(u)
	want2.Busy = store.Forward{Active: true, Number: num}
	want2.NoAnswer = store.Forward{Active: true, Number: num}
	want2.NoAnswerRings = 4
	if r.UserRouting != want2 {
		t.Fatalf("after modify: %+v", r.UserRouting)
	}
	if got, err := c.UserRouting(ctx, a, u, RouteForwardBusy, RouteForwardNoAnswer); err != nil || got.UserRouting != want2 {
		t.Fatalf("read back: %+v %v", got.UserRouting, err)
	}
	// One refused part refuses the whole change.
	off := false
	_, err = c.ModifyUserRouting(ctx, a, u, RoutingChange{
		Busy:   &ForwardChange{Active: &off},
		Always: &ForwardChange{Active: &off}, // service not held
	})
	if e, ok := AsError(err); !ok || e.Kind != KindInvalid || !strings.Contains(e.Error(), "Call Forwarding Always") {
		t.Fatalf("without the service: %v", err)
	}
	if got, _ := c.UserRouting(ctx, a, u); got.UserRouting != want2 {
		t.Fatalf("changed by a refused modify: %+v", got.UserRouting)
	}
	// A get naming a feature the user lacks is refused.
	if _, err := c.UserRouting(ctx, a, u, RouteForwardAlways); err == nil {
		t.Fatal("get of forward always without the service succeeded")
	}
	// A user with no routing service reads the defaults and holds nothing.
	if got, err := c.UserRouting(ctx, a, "plain@rt.example.com"); err != nil || len(got.Assigned) != 0 || got.NoAnswerRings != 2 {
		t.Fatalf("plain: %+v %v", got, err)
	}
}

func TestRoutingCoreFieldRules(t *testing.T) {
	c, a := routingCore(t)
	ctx := context.Background()
	const u = "u@rt.example.com"
	yes := true
	for _, n := range []int{1, 21, -1, 100} {
		_, err := c.ModifyUserRouting(ctx, a, u, RoutingChange{NoAnswer: &ForwardChange{Rings: &n}})
		if e, ok := AsError(err); !ok || e.Kind != KindInvalid || e.Args[0] != "numberOfRings" {
			t.Errorf("rings %d: %v", n, err)
		}
	}
	for _, n := range []int{0, 2, 20} {
		r, err := c.ModifyUserRouting(ctx, a, u, RoutingChange{NoAnswer: &ForwardChange{Rings: &n}})
		if err != nil || r.NoAnswerRings != n {
			t.Errorf("rings %d: %v %d", n, err, r.NoAnswerRings)
		}
	}
	// Ring reminder and ring count belong to one forward each.
	if _, err := c.ModifyUserRouting(ctx, a, u, RoutingChange{Busy: &ForwardChange{RingSplash: &yes}}); err == nil {
		t.Error("ring splash on busy accepted")
	}
	two := 2
	if _, err := c.ModifyUserRouting(ctx, a, u, RoutingChange{Busy: &ForwardChange{Rings: &two}}); err == nil {
		t.Error("rings on busy accepted")
	}
}

func TestRoutingCoreRights(t *testing.T) {
	c, _ := routingCore(t)
	ctx := context.Background()
	info, err := c.Login(ctx, "u@rt.example.com", Credential{Password: "User-pw-123"})
	if err != nil {
		t.Fatal(err)
	}
	me := info.Actor
	yes := true
	if _, err := c.ModifyUserRouting(ctx, me, "u@rt.example.com", RoutingChange{DND: &DNDChange{Active: &yes}}); err != nil {
		t.Fatalf("self: %v", err)
	}
	if _, err := c.UserRouting(ctx, me, "plain@rt.example.com"); err != ErrUnauthorized {
		t.Fatalf("other user's read: %v", err)
	}
	if _, err := c.ModifyUserRouting(ctx, nil, "u@rt.example.com", RoutingChange{}); err == nil {
		t.Fatal("no actor accepted")
	}
}

func TestRoutingCheckForwardNumber(t *testing.T) {
	for _, s := range []string{"1", "+1-2025550100", "*86", "#31#5551234", "a@b", "first.last@sub-1.example.com", "x-_.!~*'()@h"} {
		if err := checkForwardNumber(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range []string{"sip:a@b", "SIP:a@b", "a@", "@b", "a@b@c", "a b@c", "a@b_c", "a@b:5060", "abc", "1+2",
		"-", "*#", strings.Repeat("9", 31), strings.Repeat("a", 160) + "@b", "1 2", "ünï@b"} {
		if err := checkForwardNumber(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestRoutingResetUnheld(t *testing.T) {
	c, a := routingCore(t)
	ctx := context.Background()
	const u = "u@rt.example.com"
	num, on := "5551234", true
	if _, err := c.ModifyUserRouting(ctx, a, u, RoutingChange{
		Busy: &ForwardChange{Active: &on, Number: &num},
		DND:  &DNDChange{Active: &on, RingSplash: &on},
	}); err != nil {
		t.Fatal(err)
	}
	// Unassigning the service drops its settings, and only its.
	if err := c.UnassignUserServices(ctx, a, u, []string{"Do Not Disturb"}, nil); err != nil {
		t.Fatal(err)
	}
	r, err := c.UserRouting(ctx, a, u)
	if err != nil {
		t.Fatal(err)
	}
	if r.DND || r.DNDRingSplash || !r.Busy.Active || r.Busy.Number != num {
		t.Fatalf("after unassigning Do Not Disturb: %+v", r.UserRouting)
	}
	// Reassigned, it starts from the defaults.
	if _, err := c.AssignUserServices(ctx, a, u, []string{"Do Not Disturb"}, nil); err != nil {
		t.Fatal(err)
	}
	if r, err = c.UserRouting(ctx, a, u); err != nil || r.DND || r.DNDRingSplash {
		t.Fatalf("after reassigning: %+v, %v", r.UserRouting, err)
	}
	// A user holding no routing service and with nothing stored: nothing
	// to reset, no error.
	err = c.update(ctx, func(tx store.Tx) error {
		usr, err := tx.GetUser("plain@rt.example.com")
		if err != nil {
			return err
		}
		return resetUnheldRouting(tx, usr)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The overflow route: O2G-only data under the user-data rights, no
// service needed, validated, replaced whole, untouched by the other parts
// and by unassigning routing services.
func TestRoutingCoreOverflow(t *testing.T) {
	c, a := routingCore(t)
	ctx := context.Background()
	const plain = "plain@rt.example.com"
	ov := store.Overflow{Type: OverflowBusyNoAnswer, Destination: OverflowToVoicemail}
	r, err := c.ModifyUserRouting(ctx, a, plain, RoutingChange{Overflow: &ov})
	if err != nil || r.Overflow != ov {
		t.Fatalf("set on a user without routing services: %+v %v", r.UserRouting, err)
	}
	for _, bad := range []store.Overflow{{Type: "BUSY"}, {Type: "SOMETIMES", Destination: OverflowToVoicemail},
		{Type: OverflowBusy, Destination: "NUMBER"}, {Destination: OverflowToAssociate}, {Type: "busy", Destination: OverflowToVoicemail}} {
		_, err := c.ModifyUserRouting(ctx, a, plain, RoutingChange{Overflow: &bad})
		if e, ok := AsError(err); !ok || e.Kind != KindInvalid {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if got, _ := c.UserRouting(ctx, a, plain); got.Overflow != ov {
		t.Fatalf("changed by a refused modify: %+v", got.UserRouting)
	}
	// Other parts leave it; a refused part refuses the overflow with it.
	const u = "u@rt.example.com"
	on := true
	if _, err := c.ModifyUserRouting(ctx, a, u, RoutingChange{Overflow: &ov}); err != nil {
		t.Fatal(err)
	}
	if r, err = c.ModifyUserRouting(ctx, a, u, RoutingChange{DND: &DNDChange{Active: &on}}); err != nil || r.Overflow != ov {
		t.Fatalf("after a DND change: %+v %v", r.UserRouting, err)
	}
	other := store.Overflow{Type: OverflowNoAnswer, Destination: OverflowToAssociate}
	if _, err := c.ModifyUserRouting(ctx, a, u, RoutingChange{Overflow: &other, Always: &ForwardChange{Active: &on}}); err == nil {
		t.Fatal("a change with a refused part was accepted")
	}
	if err := c.UnassignUserServices(ctx, a, u, []string{"Do Not Disturb", "Call Forwarding Busy"}, nil); err != nil {
		t.Fatal(err)
	}
	if r, err = c.UserRouting(ctx, a, u); err != nil || r.Overflow != ov {
		t.Fatalf("after unassigning services: %+v %v", r.UserRouting, err)
	}
	// The zero value removes it.
	if r, err = c.ModifyUserRouting(ctx, a, u, RoutingChange{Overflow: &store.Overflow{}}); err != nil || r.Overflow != (store.Overflow{}) {
		t.Fatalf("removed: %+v %v", r.UserRouting, err)
	}
	// A user may set its own; not another's.
	info, err := c.Login(ctx, u, Credential{Password: "User-pw-123"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ModifyUserRouting(ctx, info.Actor, u, RoutingChange{Overflow: &ov}); err != nil {
		t.Fatalf("self: %v", err)
	}
	if _, err := c.ModifyUserRouting(ctx, info.Actor, plain, RoutingChange{Overflow: &ov}); err != ErrUnauthorized {
		t.Fatalf("another user's: %v", err)
	}
}
