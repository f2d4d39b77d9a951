package o2g

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/provisioning"
)

// The hub routes O2G events to subscriptions. Events come from two
// sources: domain events on the bus (a user changed through OCI-P, a
// forward set through O2G, a call logged), which the dispatch loop turns
// into O2G events with the translators each feature registers; and events
// only O2G knows (a snapshot asked for), which features emit directly.

// outEvent is one O2G event ready to send.
type outEvent struct {
	// pkg is the subscription package it belongs to ("routingManagement",
	// "telephony", "userManagement"...); name is its eventName.
	pkg, name string
	// userID is the user it concerns ("" for events of no user, such as
	// system events); only subscriptions covering that user receive it.
	// target places the user for administrators' "*" subscriptions, which
	// receive only the users their scope covers.
	userID string
	target provisioning.Target
	// key, for packages whose subscribers name other things than users
	// (pilot and RSI numbers), is what their ids are matched against.
	key string
	// session, when set, restricts delivery to that session's
	// subscriptions (snapshots answer the session that asked).
	session *session
	// line is the event as one JSON line, without the newline.
	line []byte
}

// userEventOf encodes an event object about user u; name is its
// eventName field, which the object must carry.
func userEventOf(pkg, name string, u *userRef, obj any) (outEvent, error) {
	line, err := json.Marshal(obj)
	if err != nil {
		return outEvent{}, err
	}
	ev := outEvent{pkg: pkg, name: name, line: line}
	if u != nil {
		ev.userID = u.id
		ev.target = provisioning.Target{SPID: u.d.User.SPID, GroupID: u.d.User.GroupID, UserID: u.id,
			Department: u.d.User.Department, DeptEnt: u.d.User.DepartmentEnt, ResellerID: u.d.ResellerID}
	}
	return ev, nil
}

// systemReader is the identity the facade reads the core with when no
// session drives the read: translating a domain event (the hub then
// filters by each subscriber's scope) and naming the parties of a
// communication log record (the user's own history). System level and
// read-only: it never writes.
var systemReader = &provisioning.Actor{ID: "o2g-system-reader", Level: provisioning.LevelSystem, ReadOnly: true}

// translator turns one domain event into the O2G events it means.
type translator func(ctx context.Context, ev events.Event) []outEvent

// hub holds the subscriptions and the translators. Its mutex is taken
// before a subscription's (emit locks each candidate while holding the
// hub's read lock) and never together with sessionTable.mu.
//
// The subscriptions are indexed so that an event about a user reaches
// only the subscriptions that may select it: those naming the user
// (user sessions, administrators' id lists) and the "wide" ones
// (administrators' "*" or packages without ids). Scanning every
// subscription per event made fan-out cost grow with sessions × events.
type hub struct {
	mu     sync.RWMutex
	subs   map[string]*subscription // by subscription id
	byUser map[string]map[*subscription]struct{}
	wide   map[*subscription]struct{}
	// pkgs counts the subscriptions selecting each package, so that a
	// domain event nobody can receive is not even translated: a bulk load
	// over OCI-P with no O2G client costs no O2G work.
	pkgs        map[string]int
	translators map[events.Kind][]registered
}

// registered is a translator with the packages its events belong to.
type registered struct {
	t    translator
	pkgs []string
}

func newHub() *hub {
	return &hub{subs: map[string]*subscription{}, byUser: map[string]map[*subscription]struct{}{},
		wide: map[*subscription]struct{}{}, pkgs: map[string]int{}, translators: map[events.Kind][]registered{}}
}

// add registers sub; the caller holds h.mu for writing.
func (h *hub) add(sub *subscription) {
	h.subs[sub.id] = sub
	h.index(sub)
}

// remove unregisters sub if registered; the caller holds h.mu for writing.
func (h *hub) remove(sub *subscription) {
	if h.subs[sub.id] != sub {
		return
	}
	delete(h.subs, sub.id)
	h.unindex(sub)
}

// index files sub under the users its selections name, or as wide, and
// counts its packages.
func (h *hub) index(sub *subscription) {
	for _, p := range sub.packages() {
		h.pkgs[p]++
	}
	users, wide := sub.audience()
	if wide {
		h.wide[sub] = struct{}{}
	}
	for u := range users {
		m := h.byUser[u]
		if m == nil {
			m = map[*subscription]struct{}{}
			h.byUser[u] = m
		}
		m[sub] = struct{}{}
	}
}

func (h *hub) unindex(sub *subscription) {
	for _, p := range sub.packages() {
		if h.pkgs[p]--; h.pkgs[p] <= 0 {
			delete(h.pkgs, p)
		}
	}
	users, _ := sub.audience()
	delete(h.wide, sub)
	for u := range users {
		if m := h.byUser[u]; m != nil {
			delete(m, sub)
			if len(m) == 0 {
				delete(h.byUser, u)
			}
		}
	}
}

// setFilter replaces what sub selects, keeping the index true.
func (h *hub) setFilter(sub *subscription, pkgs map[string][]*selection) {
	h.mu.Lock()
	defer h.mu.Unlock()
	registered := h.subs[sub.id] == sub
	if registered {
		h.unindex(sub)
	}
	sub.setFilter(pkgs)
	if registered {
		h.index(sub)
	}
}

// candidates calls fn for each subscription that may select ev; the
// caller holds h.mu for reading. Events of no user (system events, pilot
// and RSI events) are rare and go through every subscription.
func (h *hub) candidates(ev outEvent, fn func(*subscription)) {
	if ev.userID == "" || ev.key != "" {
		for _, sub := range h.subs {
			fn(sub)
		}
		return
	}
	for sub := range h.byUser[ev.userID] {
		fn(sub)
	}
	for sub := range h.wide {
		if _, named := h.byUser[ev.userID][sub]; !named {
			fn(sub)
		}
	}
}

// onDomainEvent registers t for domain events of kind k; pkgs are the
// packages of the events t produces. Features call it while the server is
// being built, before the dispatch loop starts.
func (s *Server) onDomainEvent(k events.Kind, t translator, pkgs ...string) {
	s.hub.mu.Lock()
	s.hub.translators[k] = append(s.hub.translators[k], registered{t: t, pkgs: pkgs})
	s.hub.mu.Unlock()
}

// wanted reports whether any subscription selects one of pkgs.
func (h *hub) wanted(pkgs []string) bool {
	for _, p := range pkgs {
		if h.pkgs[p] > 0 {
			return true
		}
	}
	return false
}

// emit delivers O2G events to every subscription that selects them.
func (s *Server) emit(evs ...outEvent) {
	s.hub.mu.RLock()
	defer s.hub.mu.RUnlock()
	for _, ev := range evs {
		s.hub.candidates(ev, func(sub *subscription) {
			if ev.session != nil && sub.session != ev.session {
				return
			}
			if sub.selects(ev) {
				sub.push(ev)
			}
		})
	}
}

// dispatch consumes the bus until the server stops: each domain event is
// translated once, then fanned out, so the cost of reading state for an
// event does not grow with the number of subscribers.
func (s *Server) dispatch(feed events.Subscription) {
	defer feed.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for {
		select {
		case <-s.stop:
			return
		case ev, ok := <-feed.C():
			if !ok {
				return
			}
			s.hub.mu.RLock()
			var ts []translator
			for _, r := range s.hub.translators[ev.Kind] {
				if s.hub.wanted(r.pkgs) {
					ts = append(ts, r.t)
				}
			}
			s.hub.mu.RUnlock()
			for _, t := range ts {
				s.emit(t(ctx, ev)...)
			}
		}
	}
}

// snapshot answers a state snapshot request: 204 once the asking
// session's events are queued, built by event for one user, or for an
// administrator without loginName for every user it covers. Users deleted
// since the list was read are skipped.
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request, se *session, event func(context.Context, *userRef) (outEvent, error)) {
	var users []*userRef
	if se.user != nil || trimLogin(r.URL.Query().Get("loginName")) != "" {
		u, err := s.target(r, se)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		users = append(users, u)
	} else {
		var err error
		if users, err = s.coveredUsers(r.Context(), se.who.actor); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	evs := make([]outEvent, 0, len(users))
	for _, u := range users {
		ev, err := event(r.Context(), u)
		if err != nil {
			if e, ok := provisioning.AsError(err); ok && e.Kind == provisioning.KindUserNotFound {
				continue
			}
			s.fail(w, r, err)
			return
		}
		ev.session = se
		evs = append(evs, ev)
	}
	s.emit(evs...)
	noContent(w)
}

// coveredUsers lists the users an administrator's scope covers, at most
// maxSnapshotUsers of them.
func (s *Server) coveredUsers(ctx context.Context, a *provisioning.Actor) ([]*userRef, error) {
	var f provisioning.UserListFilter
	switch a.Level {
	case provisioning.LevelServiceProvider:
		f.SPID = a.SPID
	case provisioning.LevelGroup, provisioning.LevelDepartment:
		f.SPID, f.GroupID = a.SPID, a.GroupID
	}
	var out []*userRef
	err := s.core.ListUsers(ctx, a, f, func(row *provisioning.UserRow) bool {
		out = append(out, &userRef{id: row.User.ID, login: s.loginNameOf(row.User), d: provisioning.UserDetail{User: row.User, ResellerID: row.ResellerID}})
		return len(out) <= maxSnapshotUsers
	})
	if err != nil {
		return nil, err
	}
	if len(out) > maxSnapshotUsers {
		return nil, newError(http.StatusBadRequest, typeNotSupported,
			"more than %d users: name one in loginName, or take snapshots per user", maxSnapshotUsers)
	}
	return out, nil
}
