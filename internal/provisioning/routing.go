package provisioning

import (
	"context"
	"slices"
	"strings"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/store"
)

// Call routing: the four call forwarding services (always, busy, no
// answer, not reachable), Do Not Disturb and the O2G overflow route, one
// store.UserRouting record per user. Every facade reads and writes it through UserRouting and
// ModifyUserRouting: OCI-P one feature per command, a routing API several
// at once (forward on busy and no answer, a whole routing state).
//
// Each feature belongs to the user service of the same name: changing it
// needs that service assigned to the user (directly or in a pack), as do
// the OCI-P gets. Rights are those of user data: the user itself, and
// administrators whose scope covers the user (read-only ones may only
// read). The overflow route has no BroadWorks service behind it: any user
// may have one, under the same rights.

// RouteKind is one routing feature.
type RouteKind int

const (
	RouteForwardAlways RouteKind = iota + 1
	RouteForwardBusy
	RouteForwardNoAnswer
	RouteForwardNotReachable
	RouteDoNotDisturb
)

// RouteKinds lists every feature in a fixed order.
var RouteKinds = []RouteKind{RouteForwardAlways, RouteForwardBusy, RouteForwardNoAnswer, RouteForwardNotReachable, RouteDoNotDisturb}

var routeServices = map[RouteKind]string{
	RouteForwardAlways:       "Call Forwarding Always",
	RouteForwardBusy:         "Call Forwarding Busy",
	RouteForwardNoAnswer:     "Call Forwarding No Answer",
	RouteForwardNotReachable: "Call Forwarding Not Reachable",
	RouteDoNotDisturb:        "Do Not Disturb",
}

// Service is the user service the feature needs.
func (k RouteKind) Service() string { return routeServices[k] }

func (k RouteKind) String() string { return k.Service() }

// Limits of the no-answer ring count (CallForwardingNoAnswerNumberOfRings:
// 0, or 2 to 20; 1 is not a value BroadWorks offers).
const (
	minNoAnswerRings = 2
	maxNoAnswerRings = 20
)

// Routing is a user's routing record with the features the user holds.
type Routing struct {
	store.UserRouting
	// Assigned lists the features whose service the user holds, in
	// RouteKinds order.
	Assigned []RouteKind
}

// Has reports whether the user holds the feature's service.
func (r Routing) Has(k RouteKind) bool { return slices.Contains(r.Assigned, k) }

// ForwardChange changes one call forwarding service; nil leaves a field
// as it is.
type ForwardChange struct {
	Active *bool
	// Number sets the forward-to number or SIP URI; "" clears it.
	Number *string
	// RingSplash is the ring reminder (forward always only).
	RingSplash *bool
	// Rings is the ring count before forwarding (no answer only).
	Rings *int
}

// DNDChange changes Do Not Disturb; nil leaves a field as it is.
type DNDChange struct {
	Active     *bool
	RingSplash *bool
}

// RoutingChange is a partial update of a user's routing; a nil part is
// not touched and needs no service.
type RoutingChange struct {
	Always       *ForwardChange
	Busy         *ForwardChange
	NoAnswer     *ForwardChange
	NotReachable *ForwardChange
	DND          *DNDChange
	// Overflow replaces the overflow route; the zero Overflow removes it.
	Overflow *store.Overflow
}

// Overflow types and destinations (store.Overflow), as O2G names them.
const (
	OverflowBusy         = "BUSY"
	OverflowNoAnswer     = "NO_ANSWER"
	OverflowBusyNoAnswer = "BUSY_NO_ANSWER"
	OverflowToVoicemail  = "VOICEMAIL"
	OverflowToAssociate  = "ASSOCIATE"
)

// checkOverflow accepts no overflow, or a known type with a known
// destination.
func checkOverflow(o store.Overflow) error {
	if o == (store.Overflow{}) {
		return nil
	}
	switch o.Type {
	case OverflowBusy, OverflowNoAnswer, OverflowBusyNoAnswer:
	default:
		return errInvalid("overflowType", "must be "+OverflowBusy+", "+OverflowNoAnswer+" or "+OverflowBusyNoAnswer+": "+o.Type)
	}
	switch o.Destination {
	case OverflowToVoicemail, OverflowToAssociate:
	default:
		return errInvalid("overflowDestination", "must be "+OverflowToVoicemail+" or "+OverflowToAssociate+": "+o.Destination)
	}
	return nil
}

// UserRouting reads a user's routing. Each feature in need must be
// assigned to the user (an OCI-P get names the one it shows); with none,
// the record comes back whatever is assigned and Assigned says what is.
func (c *Core) UserRouting(ctx context.Context, a *Actor, userID string, need ...RouteKind) (r Routing, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		u, err := c.userForRead(tx, a, userID)
		if err != nil {
			return err
		}
		if r.Assigned, err = routeServicesOf(tx, u); err != nil {
			return err
		}
		for _, k := range need {
			if !r.Has(k) {
				return errNoRouteService(u, k)
			}
		}
		r.UserRouting, err = tx.GetUserRouting(u.ID)
		return err
	})
	return r, err
}

// ModifyUserRouting applies ch in one transaction and returns the record
// as stored. Every part given needs its service (but the overflow route,
// which has none); a forward cannot be
// active without a number (given now or stored before), numbers must be
// dialable numbers or SIP URIs, and the ring count must be in range. Any
// refusal changes nothing.
func (c *Core) ModifyUserRouting(ctx context.Context, a *Actor, userID string, ch RoutingChange) (r Routing, err error) {
	err = c.update(ctx, func(tx store.Tx) error {
		u, err := c.userForWrite(tx, a, userID, LevelUser)
		if err != nil {
			return err
		}
		if r.Assigned, err = routeServicesOf(tx, u); err != nil {
			return err
		}
		cur, err := tx.GetUserRouting(u.ID)
		if err != nil {
			return err
		}
		parts := []struct {
			k  RouteKind
			ch *ForwardChange
			f  *store.Forward
		}{
			{RouteForwardAlways, ch.Always, &cur.Always},
			{RouteForwardBusy, ch.Busy, &cur.Busy},
			{RouteForwardNoAnswer, ch.NoAnswer, &cur.NoAnswer},
			{RouteForwardNotReachable, ch.NotReachable, &cur.NotReachable},
		}
		for _, p := range parts {
			if p.ch == nil {
				continue
			}
			if !r.Has(p.k) {
				return errNoRouteService(u, p.k)
			}
			if err := applyForward(p.k, p.ch, p.f); err != nil {
				return err
			}
			switch {
			case p.ch.RingSplash != nil && p.k != RouteForwardAlways:
				return errInvalid("isRingSplashActive", p.k.Service()+" has no ring reminder")
			case p.ch.RingSplash != nil:
				cur.AlwaysRingSplash = *p.ch.RingSplash
			}
			switch {
			case p.ch.Rings != nil && p.k != RouteForwardNoAnswer:
				return errInvalid("numberOfRings", p.k.Service()+" has no ring count")
			case p.ch.Rings != nil:
				n := *p.ch.Rings
				if n != 0 && (n < minNoAnswerRings || n > maxNoAnswerRings) {
					return errInvalid("numberOfRings", "must be 0 or "+itoa(minNoAnswerRings)+" to "+itoa(maxNoAnswerRings)+": "+itoa(n))
				}
				cur.NoAnswerRings = n
			}
		}
		if d := ch.DND; d != nil {
			if !r.Has(RouteDoNotDisturb) {
				return errNoRouteService(u, RouteDoNotDisturb)
			}
			if d.Active != nil {
				cur.DND = *d.Active
			}
			if d.RingSplash != nil {
				cur.DNDRingSplash = *d.RingSplash
			}
		}
		if ch.Overflow != nil {
			if err := checkOverflow(*ch.Overflow); err != nil {
				return err
			}
			cur.Overflow = *ch.Overflow
		}
		r.UserRouting = cur
		if err := tx.PutUserRouting(cur); err != nil {
			return storeErr(err, "User", u.ID)
		}
		emit(tx, userEvent(events.RoutingChanged, u))
		return nil
	})
	return r, err
}

// applyForward edits one forward. The active-without-number check is on
// the result, so that clearing the number of an active forward is refused
// as well as activating one that has none.
func applyForward(k RouteKind, ch *ForwardChange, f *store.Forward) error {
	if ch.Number != nil {
		n := *ch.Number
		if n != "" {
			if err := checkForwardNumber(n); err != nil {
				return err
			}
		}
		f.Number = n
	}
	if ch.Active != nil {
		f.Active = *ch.Active
	}
	if f.Active && f.Number == "" {
		return errInvalid("forwardToPhoneNumber", k.Service()+" cannot be active without a forward-to number")
	}
	return nil
}

// Forward-to number rules (OutgoingDNorSIPURI): a number to dial, digits
// with an optional leading '+', '-' separators and the '*' and '#' of
// access codes, at most 30 characters (OutgoingDN); or a SIP URI written
// user@host without "sip:", the user part of unreserved characters, the
// host of letters, digits, '-' and '.'; 161 characters at most.
const (
	maxOutgoingDN   = 30
	maxDNorSIPURI   = 161
	uriUserSpecials = "-_.!~*'()"
)

func checkForwardNumber(s string) error {
	bad := func(reason string) error { return errInvalid("forwardToPhoneNumber", reason+": "+s) }
	if len(s) > maxDNorSIPURI {
		return bad("longer than " + itoa(maxDNorSIPURI) + " characters")
	}
	if strings.Contains(s, "@") {
		if strings.HasPrefix(strings.ToLower(s), "sip:") {
			return bad("a SIP URI is written without the sip: scheme")
		}
		user, host, _ := strings.Cut(s, "@")
		if user == "" || host == "" || strings.Contains(host, "@") {
			return bad("a SIP URI has the form user@host with one @")
		}
		for _, r := range user {
			if !isASCIIAlnum(r) && !strings.ContainsRune(uriUserSpecials, r) {
				return bad("character " + string(r) + " is not allowed in the user part")
			}
		}
		for _, r := range host {
			if !isASCIIAlnum(r) && r != '-' && r != '.' {
				return bad("character " + string(r) + " is not allowed in the host part")
			}
		}
		return nil
	}
	if len(s) > maxOutgoingDN {
		return bad("a number has at most " + itoa(maxOutgoingDN) + " characters")
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == '-', r == '*', r == '#':
		default:
			return bad("not a phone number or SIP URI")
		}
	}
	if digits == 0 {
		return bad("a number needs at least one digit")
	}
	return nil
}

func isASCIIAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// routeServicesOf lists the routing features whose service u holds,
// directly or through a pack, reading the assignments once.
func routeServicesOf(tx store.Tx, u store.User) ([]RouteKind, error) {
	as, err := tx.ListAssignedServices(u.ID)
	if err != nil {
		return nil, err
	}
	held := map[string]bool{}
	for _, s := range as {
		switch s.Kind {
		case store.SvcUser:
			held[s.Name] = true
		case store.SvcPack:
			p, err := tx.GetServicePack(u.SPID, s.Name)
			if err != nil {
				continue // a pack gone from the SP grants nothing (as userHasService)
			}
			for _, n := range p.Services {
				held[n] = true
			}
		}
	}
	var out []RouteKind
	for _, k := range RouteKinds {
		if held[k.Service()] {
			out = append(out, k)
		}
	}
	return out, nil
}

// errNoRouteService refuses a feature the user does not hold, the way
// the other service-gated commands do (agent settings without a call
// center service).
func errNoRouteService(u store.User, k RouteKind) error {
	return errInvalid("userId", "the user has no "+k.Service()+" service assigned: "+u.ID)
}

// resetUnheldRouting puts the features whose service u no longer holds
// back to their defaults, as BroadWorks drops a service's data when the
// service is unassigned; a later assignment starts afresh. Callers that
// unassign services or packs run it in the same transaction.
func resetUnheldRouting(tx store.Tx, u store.User) error {
	held, err := routeServicesOf(tx, u)
	if err != nil {
		return err
	}
	cur, err := tx.GetUserRouting(u.ID)
	if err != nil {
		return err
	}
	def := store.DefaultUserRouting(u.ID)
	next := cur
	for _, k := range RouteKinds {
		if slices.Contains(held, k) {
			continue
		}
		switch k {
		case RouteForwardAlways:
			next.Always, next.AlwaysRingSplash = def.Always, def.AlwaysRingSplash
		case RouteForwardBusy:
			next.Busy = def.Busy
		case RouteForwardNoAnswer:
			next.NoAnswer, next.NoAnswerRings = def.NoAnswer, def.NoAnswerRings
		case RouteForwardNotReachable:
			next.NotReachable = def.NotReachable
		case RouteDoNotDisturb:
			next.DND, next.DNDRingSplash = def.DND, def.DNDRingSplash
		}
	}
	if next == cur {
		return nil // nothing to reset: no write, and no row created
	}
	if err := tx.PutUserRouting(next); err != nil {
		return err
	}
	emit(tx, userEvent(events.RoutingChanged, u))
	return nil
}
