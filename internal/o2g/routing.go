package o2g

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

// Routing (/routing): O2G's view of the core's routing record, the one
// OCI-P's UserCallForwarding* and UserDoNotDisturb commands read and
// write, so a change through either facade shows in the other and is
// evented (OnRoutingStateChanged) whatever facade made it.
//
// Mapping:
//
//   - DNDState.activate is Do Not Disturb's isActive. Changing it needs the
//     "Do Not Disturb" service: without it POST/DELETE /routing/dnd answer
//     403 NOT_ALLOWED with a routing error (UNAUTHORIZED); a read shows
//     activate false and Capabilities.dnd false.
//   - The forward route: no forwardType (immediate) is Call Forwarding
//     Always, BUSY is Call Forwarding Busy, NO_ANSWER Call Forwarding No
//     Answer, BUSY_NO_ANSWER both Busy and No Answer with one number. Each
//     needs its service (403 NOT_ALLOWED, routing UNAUTHORIZED, without).
//     O2G has a single forward route, so setting one deactivates every
//     other forward the user holds (Not Reachable included) in the same
//     core call; DELETE deactivates them all. Read back, Always wins, then
//     Busy and No Answer together (BUSY_NO_ANSWER when they share a number,
//     else BUSY), then either alone; Not Reachable alone has no O2G form
//     and reads as no forward. No forward reads as a 200 with an empty
//     body, which both SDKs take for "none".
//   - Destinations: NUMBER sets the forward-to number (the core's number
//     rules: 400 BAD_PHONE_NUMBER_FORMAT otherwise). VOICEMAIL is refused
//     with 400 NOT_SUPPORTED (routing INVALID_OPERATION/
//     INVALID_FORWARD_ROUTE): the core has no voicemail number to forward
//     to, and pretending would lie to OCI-P readers.
//   - The overflow route is O2G-only (BroadWorks has no such setting): it
//     is stored in the routing record (store.Overflow), needs no service,
//     and is data only, applying in principle while no forward is active
//     (there is no call engine). Its one destination is VOICEMAIL or
//     ASSOCIATE, the two the SDKs send. The body's overflowRoutes may be
//     one object (Node SDK) or an array of one (specification); selected
//     is ignored.
//   - Capabilities: forwardRoute when the user holds any of the Always,
//     Busy and No Answer services, dnd with Do Not Disturb, overflowRoute
//     always (no service gates it), presentationRoute never: there is no
//     remote extension behind this core, so POST /routing with a
//     presentation route other than the office device (or a remote
//     extension explicitly deselected, the state every user is in), or
//     with sipNomadic=true, answers 400 NOT_SUPPORTED. The Node SDK's
//     remote extension deactivation sends selected:true (an SDK bug), so
//     it is refused like an activation. Its forwardRoutes array
//     sets the forward as POST /routing/forwardroute does ([] cancels it;
//     absent leaves it).
//   - RoutingState: presentationRoutes is always [], forwardRoutes and
//     overflowRoutes hold 0 or 1 route, dndState is always there.
//
// Every operation follows the loginName rule (target): a user session
// acts on itself, an administrator names a user it covers.

// Destination is one destination of a route.
type Destination struct {
	Type     string `json:"type"`
	DeviceID string `json:"deviceId,omitempty"`
	Number   string `json:"number,omitempty"`
	Selected *bool  `json:"selected,omitempty"`
}

// ForwardRoute is the forward; no ForwardType means immediate.
type ForwardRoute struct {
	ForwardType  string        `json:"forwardType,omitempty"`
	Destinations []Destination `json:"destinations"`
}

// OverflowRoute is the overflow.
type OverflowRoute struct {
	OverflowType string        `json:"overflowType"`
	Destinations []Destination `json:"destinations"`
}

// PresentationRoute is where calls are presented (none served here).
type PresentationRoute struct {
	Destinations []Destination `json:"destinations"`
}

// DNDState is Do Not Disturb's state.
type DNDState struct {
	Activate bool `json:"activate"`
}

// Capabilities says which routing features the user may use.
type Capabilities struct {
	PresentationRoute bool `json:"presentationRoute"`
	ForwardRoute      bool `json:"forwardRoute"`
	OverflowRoute     bool `json:"overflowRoute"`
	DND               bool `json:"dnd"`
}

// RoutingState is the whole routing of a user.
type RoutingState struct {
	PresentationRoutes []PresentationRoute `json:"presentationRoutes"`
	ForwardRoutes      []ForwardRoute      `json:"forwardRoutes"`
	OverflowRoutes     []OverflowRoute     `json:"overflowRoutes"`
	DNDState           DNDState            `json:"dndState"`
}

// RoutingStateEvent is OnRoutingStateChanged.
type RoutingStateEvent struct {
	EventName    string       `json:"eventName"`
	LoginName    string       `json:"loginName"`
	RoutingState RoutingState `json:"routingState"`
}

const (
	routingPkg          = "routingManagement"
	routingChangedEvent = "OnRoutingStateChanged"
	forwardBusy         = "BUSY"
	forwardNoAnswer     = "NO_ANSWER"
	forwardBusyNoAnswer = "BUSY_NO_ANSWER"
	destNumber          = "NUMBER"
	destVoicemail       = "VOICEMAIL"
	destAssociate       = "ASSOCIATE"
)

// Routing error types and causes (RestErrorInfo.routing).
const (
	rtBadValue         = "BAD_PARAMETER_VALUE"
	rtUnauthorized     = "UNAUTHORIZED"
	rtInvalidOperation = "INVALID_OPERATION"
	rcUnknown          = "UNKNOWN"
	rcBadNumber        = "BAD_PHONE_NUMBER_FORMAT"
	rcInvalidForward   = "INVALID_FORWARD_ROUTE"
	rcInvalidOverflow  = "INVALID_OVERFLOW_ROUTE"
	rcNullOrEmpty      = "NULL_OR_EMPTY_PARAMETER"
	rcNull             = "NULL_PARAMETER"
)

// maxSnapshotUsers bounds an administrator's all-users snapshot: one
// subscription queues at most maxQueued events, so more would be lost.
const maxSnapshotUsers = maxQueued

// routingErr is a refusal with its routing detail.
func routingErr(status int, t errType, rtype, dest, cause, format string, args ...any) *apiError {
	ae := newError(status, t, format, args...)
	ae.routing = &RoutingError{ErrorType: rtype, DestinationType: dest, ErrorCause: cause, Message: ae.help}
	return ae
}

func (s *Server) routingRoutes() {
	s.route("GET /routing", s.withSession(s.handleCapabilities))
	s.route("POST /routing", s.withSession(s.handleSetRoutes))
	s.route("GET /routing/dnd", s.withSession(s.handleGetDND))
	s.route("POST /routing/dnd", s.withSession(func(w http.ResponseWriter, r *http.Request, se *session) { s.handleSetDND(w, r, se, true) }))
	s.route("DELETE /routing/dnd", s.withSession(func(w http.ResponseWriter, r *http.Request, se *session) { s.handleSetDND(w, r, se, false) }))
	// The specification writes the paths in lower case; the camel-case
	// spelling of the representations is accepted too.
	for _, p := range []string{"/routing/forwardroute", "/routing/forwardRoute"} {
		s.route("GET "+p, s.withSession(s.handleGetForward))
		s.route("POST "+p, s.withSession(s.handleSetForward))
		s.route("DELETE "+p, s.withSession(s.handleCancelForward))
	}
	for _, p := range []string{"/routing/overflowroute", "/routing/overflowRoute"} {
		s.route("GET "+p, s.withSession(s.handleGetOverflow))
		s.route("POST "+p, s.withSession(s.handleSetOverflow))
		s.route("DELETE "+p, s.withSession(s.handleCancelOverflow))
	}
	s.route("GET /routing/state", s.withSession(s.handleRoutingState))
	s.route("POST /routing/state/snapshot", s.withSession(s.handleRoutingSnapshot))
	s.onDomainEvent(events.RoutingChanged, s.translateRoutingChanged, routingPkg)
}

// routingOf reads the target's routing record with the session's rights.
func (s *Server) routingOf(r *http.Request, se *session) (*userRef, provisioning.Routing, error) {
	u, err := s.target(r, se)
	if err != nil {
		return nil, provisioning.Routing{}, err
	}
	rt, err := s.core.UserRouting(r.Context(), se.who.actor, u.id)
	return u, rt, err
}

// capabilitiesOf is what the user's services allow.
func capabilitiesOf(rt provisioning.Routing) Capabilities {
	return Capabilities{
		ForwardRoute:  rt.Has(provisioning.RouteForwardAlways) || rt.Has(provisioning.RouteForwardBusy) || rt.Has(provisioning.RouteForwardNoAnswer),
		OverflowRoute: true,
		DND:           rt.Has(provisioning.RouteDoNotDisturb),
	}
}

// forwardOf is the record's forward as O2G shows it (nil: none).
func forwardOf(u store.UserRouting) *ForwardRoute {
	num := func(n string) []Destination { return []Destination{{Type: destNumber, Number: n}} }
	switch {
	case u.Always.Active:
		return &ForwardRoute{Destinations: num(u.Always.Number)}
	case u.Busy.Active && u.NoAnswer.Active && u.Busy.Number == u.NoAnswer.Number:
		return &ForwardRoute{ForwardType: forwardBusyNoAnswer, Destinations: num(u.Busy.Number)}
	case u.Busy.Active:
		return &ForwardRoute{ForwardType: forwardBusy, Destinations: num(u.Busy.Number)}
	case u.NoAnswer.Active:
		return &ForwardRoute{ForwardType: forwardNoAnswer, Destinations: num(u.NoAnswer.Number)}
	}
	return nil
}

// overflowOf is the record's overflow (nil: none).
func overflowOf(u store.UserRouting) *OverflowRoute {
	if u.Overflow.Type == "" {
		return nil
	}
	return &OverflowRoute{OverflowType: u.Overflow.Type, Destinations: []Destination{{Type: u.Overflow.Destination}}}
}

// stateOf is the record as a RoutingState.
func stateOf(u store.UserRouting) RoutingState {
	st := RoutingState{PresentationRoutes: []PresentationRoute{}, ForwardRoutes: []ForwardRoute{}, OverflowRoutes: []OverflowRoute{},
		DNDState: DNDState{Activate: u.DND}}
	if f := forwardOf(u); f != nil {
		st.ForwardRoutes = append(st.ForwardRoutes, *f)
	}
	if o := overflowOf(u); o != nil {
		st.OverflowRoutes = append(st.OverflowRoutes, *o)
	}
	return st
}

func (s *Server) handleCapabilities(w http.ResponseWriter, r *http.Request, se *session) {
	_, rt, err := s.routingOf(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, capabilitiesOf(rt))
}

func (s *Server) handleGetDND(w http.ResponseWriter, r *http.Request, se *session) {
	_, rt, err := s.routingOf(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, DNDState{Activate: rt.DND})
}

func (s *Server) handleSetDND(w http.ResponseWriter, r *http.Request, se *session, on bool) {
	u, rt, err := s.routingOf(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !rt.Has(provisioning.RouteDoNotDisturb) {
		s.fail(w, r, routingErr(http.StatusForbidden, typeNotAllowed, rtUnauthorized, "", rcUnknown,
			"the user has no Do Not Disturb service"))
		return
	}
	if _, err := s.core.ModifyUserRouting(r.Context(), se.who.actor, u.id,
		provisioning.RoutingChange{DND: &provisioning.DNDChange{Active: &on}}); err != nil {
		s.fail(w, r, err)
		return
	}
	noContent(w)
}

// writeEmptyOK is "none" for the forward and overflow reads: a 200
// without a body, which the SDKs take for no route.
func writeEmptyOK(w http.ResponseWriter) {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

func (s *Server) handleGetForward(w http.ResponseWriter, r *http.Request, se *session) {
	_, rt, err := s.routingOf(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if f := forwardOf(rt.UserRouting); f != nil {
		writeJSON(w, http.StatusOK, f)
		return
	}
	writeEmptyOK(w)
}

// destinationIn is a destination as clients send it: selected is ignored
// whatever its JSON type (the Node SDK always sends true).
type destinationIn struct {
	Type     string          `json:"type"`
	Number   string          `json:"number"`
	Selected json.RawMessage `json:"selected"`
}

// routeIn is a forward or overflow route as clients send it.
type routeIn struct {
	ForwardType  string          `json:"forwardType"`
	OverflowType string          `json:"overflowType"`
	Destinations []destinationIn `json:"destinations"`
}

// forwardSpec is a validated forward: the features to turn on and the
// number.
type forwardSpec struct {
	kinds  []provisioning.RouteKind
	number string
}

// parseForward validates a forward route.
func parseForward(in *routeIn) (forwardSpec, error) {
	if in == nil {
		return forwardSpec{}, routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, "", rcNull, "forwardRoute is required")
	}
	var spec forwardSpec
	switch strings.ToUpper(strings.TrimSpace(in.ForwardType)) {
	case "", "IMMEDIATE":
		spec.kinds = []provisioning.RouteKind{provisioning.RouteForwardAlways}
	case forwardBusy:
		spec.kinds = []provisioning.RouteKind{provisioning.RouteForwardBusy}
	case forwardNoAnswer:
		spec.kinds = []provisioning.RouteKind{provisioning.RouteForwardNoAnswer}
	case forwardBusyNoAnswer, "BUSY_OR_NO_ANSWER":
		spec.kinds = []provisioning.RouteKind{provisioning.RouteForwardBusy, provisioning.RouteForwardNoAnswer}
	default:
		return spec, routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, "", rcInvalidForward,
			"forwardType %q: want BUSY, NO_ANSWER, BUSY_NO_ANSWER or none (immediate)", in.ForwardType)
	}
	if len(in.Destinations) != 1 {
		return spec, routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, "", rcInvalidForward,
			"a forward route has exactly one destination, not %d", len(in.Destinations))
	}
	d := in.Destinations[0]
	switch t := strings.ToUpper(strings.TrimSpace(d.Type)); t {
	case destNumber:
		spec.number = strings.TrimSpace(d.Number)
		if spec.number == "" {
			return spec, routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, destNumber, rcNullOrEmpty,
				"a NUMBER destination needs a number")
		}
	case destVoicemail:
		return spec, routingErr(http.StatusBadRequest, typeNotSupported, rtInvalidOperation, destVoicemail, rcInvalidForward,
			"forwarding to voicemail is not supported: the user has no voicemail number; forward to a NUMBER")
	default:
		return spec, routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, destType(t), rcInvalidForward,
			"a forward destination is NUMBER or VOICEMAIL, not %q", d.Type)
	}
	return spec, nil
}

// isFalse reports whether a JSON value is false (or "false").
func isFalse(raw json.RawMessage) bool {
	v := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	return strings.EqualFold(v, "false")
}

// destType is a destination type as a routing error may name it.
func destType(t string) string {
	switch t {
	case "OFFICE", "MOBILE", destVoicemail, destNumber:
		return t
	}
	return "UNKNOWN"
}

// forwardChange is the core change that makes spec the only forward (nil
// spec: no forward), touching only the features the user holds.
func forwardChange(rt provisioning.Routing, spec *forwardSpec) (provisioning.RoutingChange, bool, error) {
	var ch provisioning.RoutingChange
	on, off := true, false
	want := map[provisioning.RouteKind]bool{}
	if spec != nil {
		for _, k := range spec.kinds {
			if !rt.Has(k) {
				return ch, false, routingErr(http.StatusForbidden, typeNotAllowed, rtUnauthorized, destNumber, rcInvalidForward,
					"the user has no %s service", k.Service())
			}
			want[k] = true
		}
	}
	touched := false
	for _, k := range []provisioning.RouteKind{provisioning.RouteForwardAlways, provisioning.RouteForwardBusy,
		provisioning.RouteForwardNoAnswer, provisioning.RouteForwardNotReachable} {
		if !rt.Has(k) {
			continue
		}
		fc := &provisioning.ForwardChange{Active: &off}
		if want[k] {
			fc = &provisioning.ForwardChange{Active: &on, Number: &spec.number}
		}
		switch k {
		case provisioning.RouteForwardAlways:
			ch.Always = fc
		case provisioning.RouteForwardBusy:
			ch.Busy = fc
		case provisioning.RouteForwardNoAnswer:
			ch.NoAnswer = fc
		case provisioning.RouteForwardNotReachable:
			ch.NotReachable = fc
		}
		touched = true
	}
	return ch, touched, nil
}

// applyForward makes spec (nil: none) the user's forward in one core
// call. The core's number refusal becomes a routing error.
func (s *Server) applyForward(r *http.Request, se *session, u *userRef, rt provisioning.Routing, spec *forwardSpec) error {
	ch, touched, err := forwardChange(rt, spec)
	if err != nil || !touched {
		return err
	}
	_, err = s.core.ModifyUserRouting(r.Context(), se.who.actor, u.id, ch)
	if e, ok := provisioning.AsError(err); ok && e.Kind == provisioning.KindInvalid && len(e.Args) > 0 && e.Args[0] == "forwardToPhoneNumber" {
		msg := strings.TrimPrefix(e.Error(), "provisioning: ")
		return routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, destNumber, rcBadNumber, "%s", msg)
	}
	return err
}

func (s *Server) handleSetForward(w http.ResponseWriter, r *http.Request, se *session) {
	var req struct {
		ForwardRoute *routeIn `json:"forwardRoute"`
	}
	if err := s.readJSON(r, &req, false); err != nil {
		s.fail(w, r, err)
		return
	}
	spec, err := parseForward(req.ForwardRoute)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, rt, err := s.routingOf(r, se)
	if err == nil {
		err = s.applyForward(r, se, u, rt, &spec)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	noContent(w)
}

func (s *Server) handleCancelForward(w http.ResponseWriter, r *http.Request, se *session) {
	u, rt, err := s.routingOf(r, se)
	if err == nil {
		err = s.applyForward(r, se, u, rt, nil)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	noContent(w)
}

func (s *Server) handleGetOverflow(w http.ResponseWriter, r *http.Request, se *session) {
	_, rt, err := s.routingOf(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if o := overflowOf(rt.UserRouting); o != nil {
		writeJSON(w, http.StatusOK, o)
		return
	}
	writeEmptyOK(w)
}

// parseOverflows reads overflowRoutes, one object or an array of one.
func parseOverflows(raw json.RawMessage) (store.Overflow, error) {
	raw = bytes.TrimSpace(raw)
	var routes []routeIn
	switch {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		return store.Overflow{}, routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, "", rcNull, "overflowRoutes is required")
	case raw[0] == '[':
		if err := json.Unmarshal(raw, &routes); err != nil {
			return store.Overflow{}, errBadParameter("overflowRoutes: %v", err)
		}
	default:
		var one routeIn
		if err := json.Unmarshal(raw, &one); err != nil {
			return store.Overflow{}, errBadParameter("overflowRoutes: %v", err)
		}
		routes = []routeIn{one}
	}
	if len(routes) != 1 {
		return store.Overflow{}, routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, "", rcInvalidOverflow,
			"overflowRoutes holds exactly one route, not %d", len(routes))
	}
	in := routes[0]
	var o store.Overflow
	switch t := strings.ToUpper(strings.TrimSpace(in.OverflowType)); t {
	case forwardBusy, forwardNoAnswer, forwardBusyNoAnswer:
		o.Type = t
	case "BUSY_OR_NO_ANSWER":
		o.Type = forwardBusyNoAnswer
	default:
		return o, routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, "", rcInvalidOverflow,
			"overflowType %q: want BUSY, NO_ANSWER or BUSY_NO_ANSWER", in.OverflowType)
	}
	if len(in.Destinations) != 1 {
		return o, routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, "", rcInvalidOverflow,
			"an overflow route has exactly one destination, not %d", len(in.Destinations))
	}
	switch t := strings.ToUpper(strings.TrimSpace(in.Destinations[0].Type)); t {
	case destVoicemail:
		o.Destination = provisioning.OverflowToVoicemail
	case destAssociate:
		o.Destination = provisioning.OverflowToAssociate
	default:
		return o, routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, destType(t), rcInvalidOverflow,
			"an overflow destination is VOICEMAIL or ASSOCIATE, not %q", in.Destinations[0].Type)
	}
	return o, nil
}

func (s *Server) handleSetOverflow(w http.ResponseWriter, r *http.Request, se *session) {
	var req struct {
		OverflowRoutes json.RawMessage `json:"overflowRoutes"`
	}
	if err := s.readJSON(r, &req, false); err != nil {
		s.fail(w, r, err)
		return
	}
	o, err := parseOverflows(req.OverflowRoutes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setOverflow(w, r, se, o)
}

func (s *Server) handleCancelOverflow(w http.ResponseWriter, r *http.Request, se *session) {
	s.setOverflow(w, r, se, store.Overflow{})
}

func (s *Server) setOverflow(w http.ResponseWriter, r *http.Request, se *session, o store.Overflow) {
	u, err := s.target(r, se)
	if err == nil {
		_, err = s.core.ModifyUserRouting(r.Context(), se.who.actor, u.id, provisioning.RoutingChange{Overflow: &o})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	noContent(w)
}

// handleSetRoutes is POST /routing: the forward part is served; the
// presentation routes (remote extension) and SIP nomadic mode have
// nothing behind them here and are refused unless they ask for the
// default (the office device alone).
func (s *Server) handleSetRoutes(w http.ResponseWriter, r *http.Request, se *session) {
	if v := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("sipNomadic"))); v != "" && v != "false" {
		s.fail(w, r, newError(http.StatusBadRequest, typeNotSupported, "SIP nomadic mode is not supported"))
		return
	}
	var req struct {
		PresentationRoutes []struct {
			Destinations []destinationIn `json:"destinations"`
		} `json:"presentationRoutes"`
		ForwardRoutes *[]routeIn `json:"forwardRoutes"`
	}
	if err := s.readJSON(r, &req, false); err != nil {
		s.fail(w, r, err)
		return
	}
	for _, p := range req.PresentationRoutes {
		for _, d := range p.Destinations {
			t := strings.ToUpper(strings.TrimSpace(d.Type))
			// The office device is always selected, and a remote
			// extension deselected is what the user has anyway.
			if t != "OFFICE" && !(t == "MOBILE" && isFalse(d.Selected)) {
				s.fail(w, r, routingErr(http.StatusBadRequest, typeNotSupported, rtInvalidOperation, destType(t), rcUnknown,
					"presentation routes other than the office device (remote extension) are not supported"))
				return
			}
		}
	}
	var spec *forwardSpec
	if req.ForwardRoutes != nil {
		switch fr := *req.ForwardRoutes; len(fr) {
		case 0: // no forward
		case 1:
			sp, err := parseForward(&fr[0])
			if err != nil {
				s.fail(w, r, err)
				return
			}
			spec = &sp
		default:
			s.fail(w, r, routingErr(http.StatusBadRequest, typeBadParameter, rtBadValue, "", rcInvalidForward,
				"forwardRoutes holds at most one route, not %d", len(fr)))
			return
		}
	}
	u, rt, err := s.routingOf(r, se)
	if err == nil && req.ForwardRoutes != nil {
		err = s.applyForward(r, se, u, rt, spec)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	noContent(w)
}

func (s *Server) handleRoutingState(w http.ResponseWriter, r *http.Request, se *session) {
	_, rt, err := s.routingOf(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, stateOf(rt.UserRouting))
}

// routingEvent builds OnRoutingStateChanged for u.
func routingEvent(u *userRef, rt store.UserRouting) (outEvent, error) {
	return userEventOf(routingPkg, routingChangedEvent, u,
		RoutingStateEvent{EventName: routingChangedEvent, LoginName: u.login, RoutingState: stateOf(rt)})
}

// handleRoutingSnapshot queues OnRoutingStateChanged for the asking
// session (see snapshot).
func (s *Server) handleRoutingSnapshot(w http.ResponseWriter, r *http.Request, se *session) {
	s.snapshot(w, r, se, func(ctx context.Context, u *userRef) (outEvent, error) {
		rt, err := s.core.UserRouting(ctx, se.who.actor, u.id)
		if err != nil {
			return outEvent{}, err
		}
		return routingEvent(u, rt.UserRouting)
	})
}

// translateRoutingChanged turns the core's RoutingChanged, whatever
// facade caused it, into OnRoutingStateChanged with the fresh state.
func (s *Server) translateRoutingChanged(ctx context.Context, ev events.Event) []outEvent {
	d, err := s.core.User(ctx, systemReader, ev.UserID)
	if err != nil {
		if e, ok := provisioning.AsError(err); !ok || e.Kind != provisioning.KindUserNotFound {
			s.log.Warn("o2g: routing event: reading the user", "user", ev.UserID, "err", err)
		}
		return nil
	}
	if d.User.Kind != store.KindUser {
		return nil
	}
	rt, err := s.core.UserRouting(ctx, systemReader, ev.UserID)
	if err != nil {
		if e, ok := provisioning.AsError(err); !ok || e.Kind != provisioning.KindUserNotFound {
			s.log.Warn("o2g: routing event: reading the routing", "user", ev.UserID, "err", err)
		}
		return nil
	}
	out, err := routingEvent(&userRef{id: d.User.ID, login: s.loginNameOf(d.User), d: d}, rt.UserRouting)
	if err != nil {
		s.log.Error("o2g: routing event: encoding", "user", ev.UserID, "err", err)
		return nil
	}
	return []outEvent{out}
}
