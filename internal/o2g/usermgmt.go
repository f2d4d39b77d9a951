package o2g

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
)

// User management (administrators only): list, read, create for a phone
// number, delete. Creation and deletion go through the core, whose
// domain events the translators below turn into userManagement events;
// changes made through OCI-P are therefore evented the same way, and
// nothing here emits an event itself (which would send it twice).
//
// Creating a user for a device number (see provisioning.AddNumberUsers):
// the number must be assigned to a group the administrator covers and be
// free; the user gets the id oxe<digits>@<the group's default domain>,
// last name <digits>, first name "O2G", a random password nobody is told
// and no passcode. It cannot log in to O2G until a secret code is set,
// through OCI-P (the portal passcode) or by an administrator's
// PUT /users/{loginName}/password. One request is one core transaction:
// every user is created or none.

// UserCreateRequest asks for users for device numbers. nodeId and the
// numbers are accepted as JSON numbers or strings, as clients send
// either.
type UserCreateRequest struct {
	NodeID        json.RawMessage   `json:"nodeId"`
	DeviceNumbers []json.RawMessage `json:"deviceNumbers"`
	All           *bool             `json:"all"`
}

// maxCreate bounds the numbers of one creation request.
const maxCreate = 1000

// scalarString reads a JSON string or number as text.
func scalarString(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.TrimSpace(s), true
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&n); err == nil {
		return n.String(), true
	}
	return "", false
}

// handleManagedLogins: GET /usermanagement?nodeIds=&deviceNumber=. With
// deviceNumber, the login of the user holding that number (none when
// nobody in the administrator's scope does).
func (s *Server) handleManagedLogins(w http.ResponseWriter, r *http.Request, se *session) {
	q := lenientQuery(r)
	ours, err := ourNode(q.Get("nodeIds"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ours {
		writeJSON(w, http.StatusOK, LoginsResponse{LoginNames: []string{}})
		return
	}
	if _, given := q["deviceNumber"]; given {
		num := strings.TrimSpace(q.Get("deviceNumber"))
		if num == "" {
			s.fail(w, r, errBadParameter("deviceNumber is empty"))
			return
		}
		id, err := s.userIDOfPhone(r, num)
		if err == nil {
			var ref *userRef
			if ref, err = s.userRef(r, se.who.actor, id); err == nil {
				writeJSON(w, http.StatusOK, LoginsResponse{LoginNames: []string{ref.login}})
				return
			}
		}
		if ae := (*apiError)(nil); errors.As(err, &ae) && ae.typ == typeNotFound {
			writeJSON(w, http.StatusOK, LoginsResponse{LoginNames: []string{}})
			return
		}
		s.fail(w, r, err)
		return
	}
	names, err := s.adminLogins(r, se.who.actor, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, LoginsResponse{LoginNames: names})
}

// managedUser resolves the {loginName} of an administrator's request; out
// of scope and absent are both NOT_FOUND.
func (s *Server) managedUser(r *http.Request, se *session) (*userRef, error) {
	name := trimLogin(r.PathValue("loginName"))
	if name == "" {
		return nil, errBadParameter("a login name is required")
	}
	id, err := s.userIDOfLogin(r, name)
	if err != nil {
		return nil, err
	}
	return s.userRef(r, se.who.actor, id)
}

// handleManagedUser: GET /usermanagement/{loginName}.
func (s *Server) handleManagedUser(w http.ResponseWriter, r *http.Request, se *session) {
	ref, err := s.managedUser(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.userView(r.Context(), ref, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// handleDeleteUser: DELETE /usermanagement/{loginName}.
func (s *Server) handleDeleteUser(w http.ResponseWriter, r *http.Request, se *session) {
	ref, err := s.managedUser(r, se)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.core.DeleteUser(r.Context(), se.who.actor, ref.id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("o2g: user deleted", "session", se.id, "user", ref.id)
	noContent(w)
}

// handleCreateUsers: POST /usermanagement. The answer is always the Users
// wrapper (the Node SDK reads users[]); with all it is empty, as real
// servers answer.
func (s *Server) handleCreateUsers(w http.ResponseWriter, r *http.Request, se *session) {
	var req UserCreateRequest
	if err := s.readJSON(r, &req, false); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(req.NodeID) == 0 || string(bytes.TrimSpace(req.NodeID)) == "null" {
		s.fail(w, r, errBadParameter("nodeId is required"))
		return
	}
	node, ok := scalarString(req.NodeID)
	if !ok {
		s.fail(w, r, errBadParameter("nodeId must be a node number"))
		return
	}
	if n, err := strconv.ParseUint(node, 10, 32); err != nil {
		s.fail(w, r, errBadParameter("nodeId %q is not a node number", node))
		return
	} else if n != 1 {
		s.fail(w, r, errNotFound("no node %s: Switchboard is node 1", node))
		return
	}
	all := req.All != nil && *req.All
	switch {
	case all && len(req.DeviceNumbers) > 0:
		s.fail(w, r, errBadParameter("give deviceNumbers or all, not both"))
		return
	case !all && len(req.DeviceNumbers) == 0:
		s.fail(w, r, errBadParameter("give deviceNumbers or all:true"))
		return
	case len(req.DeviceNumbers) > maxCreate:
		s.fail(w, r, errBadParameter("at most %d device numbers at once", maxCreate))
		return
	}
	nums := make([]string, 0, len(req.DeviceNumbers))
	for _, raw := range req.DeviceNumbers {
		n, ok := scalarString(raw)
		if !ok || n == "" || strings.Trim(n, "+0123456789- ") != "" {
			s.fail(w, r, errBadParameter("deviceNumbers: %s is not a phone number", string(raw)))
			return
		}
		nums = append(nums, n)
	}
	ids, err := s.core.AddNumberUsers(r.Context(), se.who.actor, nums, all)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("o2g: users created", "session", se.id, "count", len(ids), "all", all)
	out := Users{Users: []User{}}
	if all {
		writeJSON(w, http.StatusOK, out)
		return
	}
	for _, id := range ids {
		ref, err := s.userRef(r, se.who.actor, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v, err := s.userView(r.Context(), ref, true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out.Users = append(out.Users, v)
	}
	writeJSON(w, http.StatusOK, out)
}

// Events of the user family.

// OnUserCreated: package userManagement.
type onUserCreated struct {
	EventName string `json:"eventName"`
	User      User   `json:"user"`
}

// OnUserDeleted: package userManagement.
type onUserDeleted struct {
	EventName string `json:"eventName"`
	LoginName string `json:"loginName"`
}

// OnUserInfoChanged: packages user and userManagement.
type onUserInfoChanged struct {
	EventName string `json:"eventName"`
	LoginName string `json:"loginName"`
	User      User   `json:"user"`
}

// registerUserEvents installs the translators of the core's user events.
func (s *Server) registerUserEvents() {
	s.onDomainEvent(events.UserCreated, s.translateUserCreated, "userManagement")
	s.onDomainEvent(events.UserDeleted, s.translateUserDeleted, "userManagement")
	s.onDomainEvent(events.UserChanged, s.translateUserChanged, "user", "userManagement")
}

// eventUser reads the user an event names as it is now; false when it
// is gone (deleted since) or not a user.
func (s *Server) eventUser(ctx context.Context, id string) (*userRef, User, bool) {
	d, err := s.core.User(ctx, systemReader, id)
	if err != nil || d.User.Kind != store.KindUser {
		if err != nil {
			if _, refusal := provisioning.AsError(err); !refusal {
				s.log.Error("o2g: reading a user for an event", "user", id, "err", err)
			}
		}
		return nil, User{}, false
	}
	ref := &userRef{id: d.User.ID, login: s.loginNameOf(d.User), d: d}
	v, err := s.userView(ctx, ref, true)
	if err != nil {
		s.log.Error("o2g: reading a user's device for an event", "user", id, "err", err)
		return nil, User{}, false
	}
	return ref, v, true
}

func (s *Server) translateUserCreated(ctx context.Context, ev events.Event) []outEvent {
	ref, v, ok := s.eventUser(ctx, ev.UserID)
	if !ok {
		return nil
	}
	return s.userEvents(ref, []string{"userManagement"}, "OnUserCreated", onUserCreated{EventName: "OnUserCreated", User: v})
}

func (s *Server) translateUserChanged(ctx context.Context, ev events.Event) []outEvent {
	ref, v, ok := s.eventUser(ctx, ev.UserID)
	if !ok {
		return nil
	}
	// The event belongs to two packages; a subscription selecting both
	// gets it once.
	s.emitOnce(s.userEvents(ref, []string{"user", "userManagement"}, "OnUserInfoChanged",
		onUserInfoChanged{EventName: "OnUserInfoChanged", LoginName: ref.login, User: v})...)
	return nil
}

// emitOnce delivers alternatives of one event: each subscription gets the
// first of evs it selects, and only that one.
func (s *Server) emitOnce(evs ...outEvent) {
	s.hub.mu.RLock()
	defer s.hub.mu.RUnlock()
	if len(evs) == 0 {
		return
	}
	// The alternatives are about one user, so the first one's candidates
	// are every alternative's.
	s.hub.candidates(evs[0], func(sub *subscription) {
		for _, ev := range evs {
			if ev.session != nil && sub.session != ev.session {
				continue
			}
			if sub.selects(ev) {
				sub.push(ev)
				return
			}
		}
	})
}

// translateUserDeleted names the deleted user from what the event kept:
// its record is gone. Administrators' scope is matched on the service
// provider, reseller, group and department the event carries.
func (s *Server) translateUserDeleted(ctx context.Context, ev events.Event) []outEvent {
	if k := ev.Data["kind"]; k != "" && k != string(store.KindUser) {
		return nil
	}
	u := store.User{ID: ev.UserID, SPID: ev.SPID, GroupID: ev.GroupID, PhoneNumber: ev.Data["phoneNumber"],
		Department: ev.Data["department"], DepartmentEnt: ev.Data["departmentEnt"] == "true"}
	ref := &userRef{id: u.ID, login: s.loginNameOf(u), d: provisioning.UserDetail{User: u, ResellerID: ev.Data["resellerId"]}}
	return s.userEvents(ref, []string{"userManagement"}, "OnUserDeleted", onUserDeleted{EventName: "OnUserDeleted", LoginName: ref.login})
}

// userEvents encodes one event object about ref for each package.
func (s *Server) userEvents(ref *userRef, pkgs []string, name string, obj any) []outEvent {
	var out []outEvent
	for _, pkg := range pkgs {
		ev, err := userEventOf(pkg, name, ref, obj)
		if err != nil {
			s.log.Error("o2g: encoding an event", "event", name, "err", err)
			return nil
		}
		out = append(out, ev)
	}
	return out
}
