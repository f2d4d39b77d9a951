package o2g

import (
	"context"
	"net/http"
	"strings"
)

// Telephony (/telephony): the state reads, served truthfully from a
// system that has no call engine yet (no SIP, no calls).
//
//   - Every user is FREE and has no calls.
//   - A user's devices are those the Users service shows (users.go): the
//     access device endpoint, if any, whose id is the user's company
//     phone. A provisioned device has no registration to track here, so
//     it is IN_SERVICE; its capabilities are all false, since no call can
//     be made, picked up or unparked without the call engine.
//   - TelephonicState carries calls, deviceCapabilities and userState as
//     the specification has them, plus deviceStates as the object
//     {deviceStates: [...]} the Node SDK reads.
//   - POST state/snapshot answers 204 and queues OnTelephonyState for the
//     asking session's subscriptions only: its user's, the named user's,
//     or for an administrator without loginName every user it covers
//     (bounded like the routing snapshot).
//   - GET devices/{deviceId}: a user names only its own device (403
//     otherwise); an administrator with loginName names one of that
//     user's devices, without loginName any device of a user it covers
//     (404 otherwise, so numbers out of scope cannot be probed); an
//     extension-only device id needs loginName but for group
//     administrators, an extension being unique only in its group.
//   - Every other operation of the service (call control, hunting groups,
//     desk sharing, callbacks, mini messages, pilots) answers 400
//     NOT_SUPPORTED naming the operation: it needs the call engine. A
//     known path with another method answers 405, an unknown path 404.
//   - Path literals match case-insensitively.

// Call is one call of a user. There are never any without a call engine;
// the engine will add callData, legs and participants.
type Call struct {
	CallRef string `json:"callRef"`
}

// Calls is the answer of GET /telephony/calls.
type Calls struct {
	Calls []Call `json:"calls"`
}

// DeviceState is the state of one device.
type DeviceState struct {
	DeviceID string `json:"deviceId"`
	State    string `json:"state"`
}

// DeviceStates lists device states (GET /telephony/devices, and nested in
// TelephonicState for the Node SDK).
type DeviceStates struct {
	DeviceStates []DeviceState `json:"deviceStates"`
}

// DeviceCapabilities says what a device may do outside any call.
type DeviceCapabilities struct {
	DeviceID         string `json:"deviceId"`
	MakeCall         bool   `json:"makeCall"`
	MakeBusinessCall bool   `json:"makeBusinessCall"`
	MakePrivateCall  bool   `json:"makePrivateCall"`
	UnParkCall       bool   `json:"unParkCall"`
}

// TelephonicState is a user's whole telephony state.
type TelephonicState struct {
	Calls              []Call               `json:"calls"`
	DeviceCapabilities []DeviceCapabilities `json:"deviceCapabilities"`
	UserState          string               `json:"userState"`
	DeviceStates       DeviceStates         `json:"deviceStates"`
}

// TelephonyStateEvent is OnTelephonyState.
type TelephonyStateEvent struct {
	EventName string          `json:"eventName"`
	LoginName string          `json:"loginName"`
	State     TelephonicState `json:"state"`
}

const (
	telephonyPkg        = "telephony"
	telephonyStateEvent = "OnTelephonyState"
	userStateFree       = "FREE"
	deviceInService     = "IN_SERVICE"
)

// telOp is one operation of the service. Path segments are matched
// case-insensitively; "*" stands for any one segment.
type telOp struct {
	method string
	path   string
	// name says what the operation does, for the NOT_SUPPORTED answer;
	// h serves it instead when set.
	name string
	h    func(*Server, http.ResponseWriter, *http.Request, *session)
}

// telOps are all the operations of the service, as the specification and
// the SDKs have them.
var telOps = []telOp{
	{method: "GET", path: "state", h: (*Server).handleTelState},
	{method: "POST", path: "state/snapshot", h: (*Server).handleTelSnapshot},
	{method: "GET", path: "calls", h: (*Server).handleTelCalls},
	{method: "GET", path: "devices", h: (*Server).handleTelDevices},
	{method: "GET", path: "devices/*", h: (*Server).handleTelDevice},

	{method: "POST", path: "basicCall", name: "make a basic call"},
	{method: "POST", path: "basicCall/answer", name: "answer a call"},
	{method: "POST", path: "basicCall/dropme", name: "leave a call"},
	{method: "POST", path: "calls", name: "make a call"},
	{method: "GET", path: "calls/*", name: "read a call"},
	{method: "DELETE", path: "calls/*", name: "release a call"},
	{method: "POST", path: "calls/*/alternate", name: "alternate between calls"},
	{method: "POST", path: "calls/*/answer", name: "answer a call"},
	{method: "POST", path: "calls/*/attachdata", name: "attach data to a call"},
	{method: "POST", path: "calls/*/blindtransfer", name: "blind transfer"},
	{method: "POST", path: "calls/*/callback", name: "request a callback"},
	{method: "GET", path: "calls/*/deviceLegs", name: "read a call's legs"},
	{method: "GET", path: "calls/*/deviceLegs/*", name: "read a call's leg"},
	{method: "POST", path: "calls/*/deviceLegs/*", name: "move a call to another device"},
	{method: "POST", path: "calls/*/dropme", name: "leave a call"},
	{method: "POST", path: "calls/*/hold", name: "hold a call"},
	{method: "POST", path: "calls/*/merge", name: "merge calls into a conference"},
	{method: "POST", path: "calls/*/overflowToVoiceMail", name: "overflow a call to voice mail"},
	{method: "POST", path: "calls/*/park", name: "park a call"},
	{method: "GET", path: "calls/*/participants", name: "read a call's participants"},
	{method: "GET", path: "calls/*/participants/*", name: "read a call's participant"},
	{method: "DELETE", path: "calls/*/participants/*", name: "drop a participant"},
	{method: "POST", path: "calls/*/reconnect", name: "reconnect a held call"},
	{method: "POST", path: "calls/*/recording", name: "record a call"},
	{method: "POST", path: "calls/*/redirect", name: "redirect a call"},
	{method: "POST", path: "calls/*/retrieve", name: "retrieve a held call"},
	{method: "POST", path: "calls/*/sendDtmf", name: "send DTMF"},
	{method: "POST", path: "calls/*/sendaccountinfo", name: "send account information"},
	{method: "POST", path: "calls/*/transfer", name: "transfer a call"},
	{method: "POST", path: "deskSharing", name: "desk sharing log on"},
	{method: "DELETE", path: "deskSharing", name: "desk sharing log off"},
	{method: "POST", path: "devices/*/intrusion", name: "intrude into a call"},
	{method: "PUT", path: "devices/*/ithmicro", name: "toggle the interphony micro"},
	{method: "POST", path: "devices/*/pickup", name: "pick up a call"},
	{method: "POST", path: "devices/*/unpark", name: "unpark a call"},
	{method: "GET", path: "huntingGroupLogOn", name: "read the hunting group log on state"},
	{method: "POST", path: "huntingGroupLogOn", name: "hunting group log on"},
	{method: "DELETE", path: "huntingGroupLogOn", name: "hunting group log off"},
	{method: "POST", path: "huntingGroupMember/*", name: "join a hunting group"},
	{method: "DELETE", path: "huntingGroupMember/*", name: "leave a hunting group"},
	{method: "GET", path: "huntingGroups", name: "list hunting groups"},
	{method: "GET", path: "incomingCallbacks", name: "list callback requests"},
	{method: "DELETE", path: "incomingCallbacks", name: "delete callback requests"},
	{method: "DELETE", path: "incomingCallbacks/*", name: "delete a callback request"},
	{method: "GET", path: "miniMessages", name: "read a mini message"},
	{method: "POST", path: "miniMessages", name: "send a mini message"},
	{method: "POST", path: "outgoingCallbacks", name: "request a callback"},
	{method: "POST", path: "pilots/*/*/transferInfo", name: "query a pilot's transfer capabilities"},
}

// matches reports whether the segments of a path under /telephony fit
// op's path.
func (op *telOp) matches(segs []string) bool {
	want := strings.Split(op.path, "/")
	if len(want) != len(segs) {
		return false
	}
	for i, w := range want {
		if segs[i] == "" || (w != "*" && !strings.EqualFold(w, segs[i])) {
			return false
		}
	}
	return true
}

func (s *Server) telephonyRoutes() {
	// The canonical spellings of the reads; the catch-all serves the rest
	// of the service, other spellings of these included.
	for _, op := range telOps {
		if op.h != nil {
			h := op.h
			s.route(op.method+" /telephony/"+strings.ReplaceAll(op.path, "*", "{deviceId}"),
				s.withSession(func(w http.ResponseWriter, r *http.Request, se *session) { h(s, w, r, se) }))
		}
	}
	s.mux.HandleFunc(Base+"/telephony", s.withSession(s.handleTelOther))
	s.mux.HandleFunc(Base+"/telephony/", s.withSession(s.handleTelOther))
}

// handleTelOther serves what the specific patterns did not: another
// spelling of a read, an operation that needs the call engine, a wrong
// method or an unknown path.
func (s *Server) handleTelOther(w http.ResponseWriter, r *http.Request, se *session) {
	rest := strings.TrimPrefix(r.URL.Path, Base+"/telephony")
	rest = strings.TrimPrefix(rest, "/")
	if rest == "" {
		s.fail(w, r, errNotFound("no resource at %s", r.URL.Path))
		return
	}
	segs := strings.Split(rest, "/")
	pathKnown := false
	for i := range telOps {
		op := &telOps[i]
		if !op.matches(segs) {
			continue
		}
		pathKnown = true
		if op.method != r.Method {
			continue
		}
		if op.h != nil {
			if strings.EqualFold(op.path, "devices/*") {
				r.SetPathValue("deviceId", segs[1])
			}
			op.h(s, w, r, se)
			return
		}
		s.fail(w, r, newError(http.StatusBadRequest, typeNotSupported,
			"%s /telephony/%s (%s) is not supported: call control needs the call engine, which this server does not have yet",
			r.Method, rest, op.name))
		return
	}
	if pathKnown {
		s.methodNotAllowed(w, r)
		return
	}
	s.fail(w, r, errNotFound("no resource at %s", r.URL.Path))
}

// telDevices are the ids of u's devices.
func (s *Server) telDevices(ctx context.Context, u *userRef) ([]string, error) {
	view, err := s.userView(ctx, u, true)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(view.Devices))
	for _, d := range view.Devices {
		ids = append(ids, d.ID)
	}
	return ids, nil
}

// telStateOf is u's telephonic state: free, no calls, devices in service.
func (s *Server) telStateOf(ctx context.Context, u *userRef) (TelephonicState, error) {
	ids, err := s.telDevices(ctx, u)
	if err != nil {
		return TelephonicState{}, err
	}
	st := TelephonicState{Calls: []Call{}, DeviceCapabilities: []DeviceCapabilities{}, UserState: userStateFree,
		DeviceStates: DeviceStates{DeviceStates: []DeviceState{}}}
	for _, id := range ids {
		st.DeviceCapabilities = append(st.DeviceCapabilities, DeviceCapabilities{DeviceID: id})
		st.DeviceStates.DeviceStates = append(st.DeviceStates.DeviceStates, DeviceState{DeviceID: id, State: deviceInService})
	}
	return st, nil
}

func (s *Server) handleTelState(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := s.target(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.telStateOf(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Server) handleTelCalls(w http.ResponseWriter, r *http.Request, se *session) {
	// The target is still resolved: an administrator must name a user it
	// covers, even though every answer is empty.
	if _, err := s.target(r, se); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Calls{Calls: []Call{}})
}

func (s *Server) handleTelDevices(w http.ResponseWriter, r *http.Request, se *session) {
	u, err := s.target(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.telStateOf(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, st.DeviceStates)
}

func (s *Server) handleTelDevice(w http.ResponseWriter, r *http.Request, se *session) {
	dev := strings.TrimSpace(r.PathValue("deviceId"))
	var u *userRef
	var err error
	switch {
	case se.user != nil || trimLogin(r.URL.Query().Get("loginName")) != "":
		u, err = s.target(r, se)
	default:
		// An administrator naming only the device: its owner, as the
		// device id is the owner's number, or the extension of a user
		// without one, which only a group's administrators can place.
		var id string
		id, err = s.userIDOfPhone(r, dev)
		if a := se.who.actor; err != nil && a.GroupID != "" {
			id, err = s.core.UserIDByExtension(r.Context(), a.SPID, a.GroupID, dev)
		}
		if err == nil {
			u, err = s.userRef(r, se.who.actor, id)
		}
		if err != nil {
			err = errNotFound("no device %s", dev)
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ids, err := s.telDevices(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, id := range ids {
		if id == dev {
			writeJSON(w, http.StatusOK, DeviceState{DeviceID: id, State: deviceInService})
			return
		}
	}
	if se.user != nil {
		s.fail(w, r, errNotAllowed("device %s is not one of your devices", dev))
		return
	}
	s.fail(w, r, errNotFound("no device %s of user %s", dev, u.login))
}

// handleTelSnapshot queues OnTelephonyState for the asking session (see
// snapshot).
func (s *Server) handleTelSnapshot(w http.ResponseWriter, r *http.Request, se *session) {
	s.snapshot(w, r, se, func(ctx context.Context, u *userRef) (outEvent, error) {
		st, err := s.telStateOf(ctx, u)
		if err != nil {
			return outEvent{}, err
		}
		return userEventOf(telephonyPkg, telephonyStateEvent, u,
			TelephonyStateEvent{EventName: telephonyStateEvent, LoginName: u.login, State: st})
	})
}
