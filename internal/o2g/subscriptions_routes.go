package o2g

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Subscriptions (notes §2.1, §3.6). A session has at most one
// subscription; its events reach the client through the chunked stream
// of stream.go, at the polling URL the subscription answer hands out.
//
// Compatibility choices:
//   - A request the server understands but will not serve gets 200 with
//     status REFUSED and a message, as real servers answer (unknown
//     package, an administrator without ids, a user asking for an
//     administrator's package, a timeout out of range, webhook mode).
//     A body that is not a SubscriptionRequest at all (malformed JSON,
//     wrong types) gets 400 BAD_PARAMETER. Neither changes anything: the
//     session's previous subscription stays.
//   - Package and event names match case-insensitively.
//   - A selector may name several packages; each obeys its own id rule.
//   - OnUserInfoChanged belongs to two packages: it selects "user" when
//     the session is a user's or the selector has ids, "userManagement"
//     otherwise.
//   - Webhook delivery is not implemented: webHookUrl is REFUSED.

// Subscription is the answer of POST /subscriptions.
type Subscription struct {
	SubscriptionID    string `json:"subscriptionId,omitempty"`
	Status            string `json:"status"`
	Message           string `json:"message,omitempty"`
	PrivatePollingURL string `json:"privatePollingUrl,omitempty"`
	PublicPollingURL  string `json:"publicPollingUrl,omitempty"`
}

// SubscriptionRequest is the body of POST /subscriptions. Timeout is kept
// raw so that a number and a numeric string are both accepted.
type SubscriptionRequest struct {
	Filter     *Filter         `json:"filter"`
	Version    string          `json:"version"`
	Timeout    json.RawMessage `json:"timeout"`
	WebHookURL string          `json:"webHookUrl"`
	SessionID  string          `json:"sessionId"` // reserved; ignored
}

// Filter is what a subscription selects.
type Filter struct {
	Selectors []Selector `json:"selectors"`
}

// Selector names packages or events, and the ids they are selected for.
type Selector struct {
	IDs   []string `json:"ids"`
	Names []string `json:"names"`
}

// Subscription timeouts, in minutes of inactivity.
const (
	defaultTimeoutMinutes = 10
	minTimeoutMinutes     = 2
	maxTimeoutMinutes     = 60
)

// timeoutUnit is one minute of subscription timeout; tests shrink it to
// exercise the inactivity timeout without waiting minutes.
var timeoutUnit = time.Minute

// Bounds on a filter, so that one request cannot make the server resolve
// an unbounded number of users.
const (
	maxSelectors = 100
	maxFilterIDs = 2000
)

// pkgKind says which ids a package takes.
type pkgKind int

const (
	// pkgUser: per-user events; a user session's ids are ignored, an
	// administrator names login names or "*".
	pkgUser pkgKind = iota
	// pkgAdmin: administrators only, ids must be absent or empty.
	pkgAdmin
	// pkgKeyed: administrators only, ids are numbers of other objects
	// (pilots, RSI points); required.
	pkgKeyed
	// pkgKeyedAll: administrators only, ids optional ("*" or none: all).
	pkgKeyedAll
)

// packages are the subscription packages with their event names.
var packages = map[string]struct {
	kind   pkgKind
	events []string
}{
	"telephony": {pkgUser, []string{"OnCallCreated", "OnCallModified", "OnCallRemoved", "OnUserStateModified",
		"OnDeviceStateModified", "OnTelephonyState", "OnDynamicStateChanged"}},
	"eventSummary": {pkgUser, []string{"OnEventSummaryUpdated"}},
	"unifiedComLog": {pkgUser, []string{"OnComRecordCreated", "OnComRecordModified", "OnComRecordsDeleted",
		"OnComRecordsAck", "OnComRecordsUnAck"}},
	"user":              {pkgUser, []string{"OnUserInfoChanged"}},
	"userManagement":    {pkgAdmin, []string{"OnUserCreated", "OnUserDeleted", "OnUserInfoChanged"}},
	"routingManagement": {pkgUser, []string{"OnRoutingStateChanged"}},
	"agent": {pkgUser, []string{"OnAgentStateChanged", "OnAgentSkillChanged", "OnSupervisorHelpRequested",
		"OnSupervisorHelpCancelled"}},
	"pilot": {pkgKeyed, []string{"OnPilotCallCreated", "OnPilotCallQueued", "OnPilotCallRemoved"}},
	"rsi":   {pkgKeyed, []string{"OnRouteRequest", "OnRouteEnd", "OnToneGeneratedStart", "OnToneGeneratedStop", "OnDigitCollected"}},
	"system": {pkgAdmin, []string{"OnLicenseExpiration", "OnPbxLoaded", "OnCtiLinkDown", "OnCtiLinkUp", "OnServerStart",
		"OnPbxLinkUp", "OnPbxLinkDown", "OnRemoteServerLinkUp", "OnRemoteServerLinkDown"}},
	"pbxManagement": {pkgAdmin, []string{"OnPbxObjectInstanceCreated", "OnPbxObjectInstanceModified", "OnPbxObjectInstanceDeleted"}},
	"rti": {pkgKeyedAll, []string{"OnAgentRtiChanged", "OnPilotRtiChanged", "OnQueueRtiChanged", "OnPGAgentRtiChanged",
		"OnPGOtherRtiChanged"}},
	"acdstats": {pkgKeyedAll, []string{"OnAcdStatsProgress"}},
}

// nameIndex maps a lower-cased package or event name to its canonical
// package and, for an event, its canonical event name. An event of two
// packages (OnUserInfoChanged) keeps both.
var nameIndex = func() map[string][]struct{ pkg, event string } {
	idx := map[string][]struct{ pkg, event string }{}
	for pkg, p := range packages {
		idx[strings.ToLower(pkg)] = append(idx[strings.ToLower(pkg)], struct{ pkg, event string }{pkg, ""})
		for _, ev := range p.events {
			k := strings.ToLower(ev)
			idx[k] = append(idx[k], struct{ pkg, event string }{pkg, ev})
		}
	}
	return idx
}()

// channelInfo is the event every stream carries whatever the filter; a
// selector naming it selects nothing more.
const channelInfo = "OnChannelInformation"

// refusal is a filter the server understands but will not serve.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

func refuse(format string, args ...any) error { return &refusal{fmt.Sprintf(format, args...)} }

func (s *Server) subscriptionRoutes() {
	s.route("POST /subscriptions", s.withSession(s.handleSubscribe))
	s.route("PUT /subscriptions", s.withSession(s.handleUpdateSubscription))
	s.route("DELETE /subscriptions/{subscriptionId}", s.withSession(s.handleDeleteSubscription))
	s.mux.HandleFunc(Base+"/subscriptions", s.methodNotAllowed)
	s.mux.HandleFunc(Base+"/subscriptions/{subscriptionId}", s.methodNotAllowed)
	s.streamRoutes()
}

func (s *Server) handleSubscribe(w http.ResponseWriter, r *http.Request, se *session) {
	var req SubscriptionRequest
	if err := s.readJSON(r, &req, false); err != nil {
		s.fail(w, r, err)
		return
	}
	timeout, err := parseTimeout(req.Timeout)
	if err == nil {
		err = s.checkRequest(req)
	}
	var pkgs map[string][]*selection
	if err == nil {
		pkgs, err = s.compileFilter(r, se, req.Filter)
	}
	var rf *refusal
	if errors.As(err, &rf) {
		s.log.Info("o2g: subscription refused", "session", se.id, "login", se.login(), "reason", rf.msg)
		writeJSON(w, http.StatusOK, Subscription{Status: "REFUSED", Message: rf.msg})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sub := newSubscription(newToken(), se, timeout, pkgs)
	if old := s.addSubscription(sub); old != nil {
		s.endSubscription(old, "replaced by a new subscription")
	}
	go s.watchSubscription(sub)
	pub, priv := s.urls(r)
	const polling = Root + "/OTEvents?subscriptionId="
	s.log.Info("o2g: subscription accepted", "session", se.id, "login", se.login(), "timeout", timeout)
	writeJSON(w, http.StatusOK, Subscription{SubscriptionID: sub.id, Status: "ACCEPTED",
		PrivatePollingURL: priv + polling + sub.id, PublicPollingURL: pub + polling + sub.id})
}

// handleUpdateSubscription replaces the filter of the session's
// subscription. The body is a Filter; a whole SubscriptionRequest (its
// filter member) is accepted too.
func (s *Server) handleUpdateSubscription(w http.ResponseWriter, r *http.Request, se *session) {
	var body struct {
		Filter
		Wrapped *Filter `json:"filter"`
	}
	if err := s.readJSON(r, &body, false); err != nil {
		s.fail(w, r, err)
		return
	}
	f := &body.Filter
	if body.Wrapped != nil {
		f = body.Wrapped
	}
	sub := s.subscriptionOf(se)
	if sub == nil {
		s.fail(w, r, errNotFound("the session has no subscription"))
		return
	}
	pkgs, err := s.compileFilter(r, se, f)
	var rf *refusal
	if errors.As(err, &rf) {
		s.fail(w, r, errBadParameter("%s", rf.msg))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.hub.setFilter(sub, pkgs)
	noContent(w)
}

func (s *Server) handleDeleteSubscription(w http.ResponseWriter, r *http.Request, se *session) {
	id := r.PathValue("subscriptionId")
	s.hub.mu.RLock()
	sub := s.hub.subs[id]
	s.hub.mu.RUnlock()
	switch {
	case sub == nil:
		s.fail(w, r, errNotFound("no subscription %s", id))
	case sub.session != se:
		s.fail(w, r, errNotAllowed("subscription %s belongs to another session", id))
	default:
		s.endSubscription(sub, "deleted")
		noContent(w)
	}
}

// parseTimeout reads the timeout member: absent or null is the default,
// 0 none, else 2..60 minutes (a number or a numeric string).
func parseTimeout(raw json.RawMessage) (time.Duration, error) {
	v := strings.TrimSpace(string(raw))
	if v == "" || v == "null" {
		return defaultTimeoutMinutes * timeoutUnit, nil
	}
	if strings.HasPrefix(v, `"`) {
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return 0, errBadParameter("timeout: %v", err)
		}
		v = strings.TrimSpace(str)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errBadParameter("timeout %s is not a whole number of minutes", v)
	}
	if n == 0 {
		return 0, nil
	}
	if n < minTimeoutMinutes || n > maxTimeoutMinutes {
		return 0, refuse("timeout %d is outside %d..%d minutes (0: no timeout)", n, minTimeoutMinutes, maxTimeoutMinutes)
	}
	return time.Duration(n) * timeoutUnit, nil
}

// checkRequest refuses what the server does not serve besides the filter.
func (s *Server) checkRequest(req SubscriptionRequest) error {
	if req.WebHookURL != "" {
		return refuse("webhook delivery is not supported by this server: omit webHookUrl and read the events from the polling URL")
	}
	if req.Version != "" && req.Version != "1.0" {
		return refuse("event version %q is not served; use 1.0", req.Version)
	}
	return nil
}

// compileFilter validates a filter for session se and turns it into the
// subscription's selections. A refusal is a *refusal; any other error
// is the core's.
func (s *Server) compileFilter(r *http.Request, se *session, f *Filter) (map[string][]*selection, error) {
	if f == nil || len(f.Selectors) == 0 {
		return nil, refuse("the filter must have at least one selector")
	}
	if len(f.Selectors) > maxSelectors {
		return nil, refuse("the filter has %d selectors; at most %d are allowed", len(f.Selectors), maxSelectors)
	}
	nids := 0
	for _, sel := range f.Selectors {
		nids += len(sel.IDs)
	}
	if nids > maxFilterIDs {
		return nil, refuse("the filter names %d ids; at most %d are allowed (use \"*\" for all users)", nids, maxFilterIDs)
	}
	// Login names resolved once per filter, whatever the selectors
	// repeating them.
	resolved := map[string]string{}
	out := map[string][]*selection{}
	for i, sel := range f.Selectors {
		if len(sel.Names) == 0 {
			return nil, refuse("selector %d names no package or event", i+1)
		}
		// The packages this selector names, with the events it restricts
		// each to (nil: the whole package).
		chosen := map[string]map[string]bool{}
		var order []string
		for _, name := range sel.Names {
			cands := nameIndex[strings.ToLower(strings.TrimSpace(name))]
			if len(cands) == 0 {
				if strings.EqualFold(strings.TrimSpace(name), channelInfo) {
					continue
				}
				return nil, refuse("unknown package or event %q", name)
			}
			c := cands[0]
			if len(cands) > 1 {
				// OnUserInfoChanged: "user" for a user or with ids, else
				// "userManagement".
				for _, x := range cands {
					if (x.pkg == "user") == (!se.admin() || len(sel.IDs) > 0) {
						c = x
					}
				}
			}
			evs, seen := chosen[c.pkg]
			if !seen {
				order = append(order, c.pkg)
				evs = map[string]bool{}
				chosen[c.pkg] = evs
			}
			switch {
			case c.event == "":
				chosen[c.pkg] = nil // the whole package
			case evs != nil:
				evs[c.event] = true
			}
		}
		for _, pkg := range order {
			x, err := s.selectionOf(r, se, pkg, sel.IDs, resolved)
			if err != nil {
				return nil, err
			}
			x.names = chosen[pkg]
			out[pkg] = append(out[pkg], x)
		}
	}
	return out, nil
}

// selectionOf applies package pkg's id rule to ids.
func (s *Server) selectionOf(r *http.Request, se *session, pkg string, ids []string, resolved map[string]string) (*selection, error) {
	kind := packages[pkg].kind
	if !se.admin() {
		if kind != pkgUser {
			return nil, refuse("package %s is for administrator sessions", pkg)
		}
		// A user's ids are ignored: it hears about itself only.
		return &selection{users: map[string]bool{se.user.id: true}}, nil
	}
	var clean []string
	all := false
	for _, id := range ids {
		id = strings.TrimSpace(id)
		switch {
		case id == "":
			return nil, refuse("package %s: an id is empty", pkg)
		case id == "*":
			all = true
		default:
			clean = append(clean, id)
		}
	}
	switch kind {
	case pkgAdmin:
		if len(ids) > 0 {
			return nil, refuse("package %s takes no ids", pkg)
		}
		return &selection{allUsers: true}, nil
	case pkgKeyed, pkgKeyedAll:
		if len(ids) == 0 {
			if kind == pkgKeyed {
				return nil, refuse("package %s needs ids (numbers, or \"*\")", pkg)
			}
			all = true
		}
		keys := map[string]bool{}
		for _, id := range clean {
			keys[id] = true
		}
		return &selection{allUsers: all, keys: keys}, nil
	}
	if len(ids) == 0 {
		return nil, refuse("package %s needs ids for an administrator session: login names, or \"*\" for every user", pkg)
	}
	if all {
		return &selection{allUsers: true}, nil
	}
	users := map[string]bool{}
	for _, login := range clean {
		id, ok := resolved[login]
		if !ok {
			uid, err := s.userIDOfLogin(r, login)
			if err == nil {
				var ref *userRef
				if ref, err = s.userRef(r, se.who.actor, uid); err == nil {
					uid = ref.id
				}
			}
			var ae *apiError
			if errors.As(err, &ae) && ae.status == http.StatusNotFound {
				return nil, refuse("package %s: no user %s within your scope", pkg, login)
			}
			if err != nil {
				return nil, err
			}
			id = uid
			resolved[login] = id
		}
		users[id] = true
	}
	return &selection{users: users}, nil
}

// addSubscription registers sub as its session's subscription and
// returns the one it replaces.
func (s *Server) addSubscription(sub *subscription) (old *subscription) {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	for _, o := range s.hub.subs {
		if o.session == sub.session {
			old = o
		}
	}
	if old != nil {
		s.hub.remove(old)
	}
	s.hub.add(sub)
	return old
}

// subscriptionOf is the session's subscription, nil if none.
func (s *Server) subscriptionOf(se *session) *subscription {
	s.hub.mu.RLock()
	defer s.hub.mu.RUnlock()
	for _, o := range s.hub.subs {
		if o.session == se {
			return o
		}
	}
	return nil
}

// endSubscription removes sub and ends it with its stream and queue.
func (s *Server) endSubscription(sub *subscription, why string) {
	s.hub.mu.Lock()
	s.hub.remove(sub)
	s.hub.mu.Unlock()
	if sub.end() {
		s.log.Info("o2g: subscription ended", "session", sub.session.id, "login", sub.session.login(), "reason", why)
	}
}

// watchSubscription ends sub when its grace period or inactivity timeout
// runs out, when its session ends or when the server closes.
func (s *Server) watchSubscription(sub *subscription) {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		at, why := sub.deadline(s.cfg.StreamGrace)
		var tc <-chan time.Time
		if !at.IsZero() {
			d := time.Until(at)
			if d <= 0 {
				s.endSubscription(sub, why)
				return
			}
			t.Reset(d)
			tc = t.C
		}
		select {
		case <-tc:
		case <-sub.wake:
		case <-sub.done:
			return
		case <-sub.session.ended:
			s.endSubscription(sub, "session ended")
			return
		case <-s.stop:
			s.endSubscription(sub, "server closed")
			return
		}
	}
}
