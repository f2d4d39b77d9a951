package o2g

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard/switchboard/internal/provisioning"
)

// CookieName is the authentication cookie: the SDKs keep it in a cookie
// jar and replay it on every call, and the session is found by its value.
const CookieName = "AlcUserId"

// credential is what a successful authenticate grants: an identity,
// reachable through the cookie token, from which one session may be
// opened.
type credential struct {
	token   string
	who     identity
	expires time.Time
}

// identity is who authenticated.
type identity struct {
	admin bool
	// actor is the core identity every core call is made with.
	actor *provisioning.Actor
	// login is the login name the API reports: the administrator's id, or
	// the user's login name.
	login string
	// userID is the user's id (user logins only).
	userID string
}

// session is one open session. Its identity never changes; a supervised
// session acts as its user with the administrator's actor.
type session struct {
	token   string // the cookie value
	id      string // the id other sessions see in otherSessions
	who     identity
	user    *userRef // the user a user or supervised session acts as; nil for admin sessions
	app     string
	ttl     time.Duration
	created time.Time
	// expires is the Unix nanosecond deadline, pushed back by every request.
	expires atomic.Int64
	// ended is closed when the session ends (delete, expiry, shutdown), so
	// streams and subscriptions tied to it stop.
	ended   chan struct{}
	endOnce sync.Once
}

func (se *session) touch(now time.Time) { se.expires.Store(now.Add(se.ttl).UnixNano()) }

func (se *session) expired(now time.Time) bool { return now.UnixNano() >= se.expires.Load() }

// admin reports whether the session acts as an administrator (a supervised
// session acts as its user).
func (se *session) admin() bool { return se.user == nil }

// sessionTable holds credentials and sessions. One mutex guards both maps;
// no other lock is taken while it is held (see doc.go for the lock order).
type sessionTable struct {
	now func() time.Time
	max int

	mu       sync.Mutex
	creds    map[string]*credential
	sessions map[string]*session // by cookie token
}

func newSessionTable(now func() time.Time, max int) *sessionTable {
	return &sessionTable{now: now, max: max, creds: map[string]*credential{}, sessions: map[string]*session{}}
}

// newToken is an unguessable URL-safe token.
func newToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// grant records a credential for who. A credential not turned into a
// session lapses after ttl like a session would.
//
// Credentials are bounded like sessions: a client that authenticates in a
// loop without opening sessions (an SDK stuck in recovery, or abuse with
// valid credentials) must not grow the table without limit. Lapsed ones
// are dropped first; then, when it is still full, grant refuses.
func (t *sessionTable) grant(who identity, ttl time.Duration) (*credential, *apiError) {
	now := t.now()
	c := &credential{token: newToken(), who: who, expires: now.Add(ttl)}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.creds) >= t.maxCreds() {
		for tok, old := range t.creds {
			if _, open := t.sessions[tok]; !open && !now.Before(old.expires) {
				delete(t.creds, tok)
			}
		}
		if len(t.creds) >= t.maxCreds() {
			return nil, newError(http.StatusServiceUnavailable, typeNotReady, "too many authentications are pending; open sessions with those already granted, or try again later")
		}
	}
	t.creds[c.token] = c
	return c, nil
}

// maxCreds bounds credentials: every open session holds one, and as many
// again may wait to become sessions.
func (t *sessionTable) maxCreds() int { return 2 * t.max }

// credential returns the live credential of a token.
func (t *sessionTable) credential(token string) (*credential, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, ok := t.creds[token]
	if ok && !t.now().Before(c.expires) {
		delete(t.creds, token)
		return nil, false
	}
	return c, ok
}

// open adds se unless the token already has a session or the table is
// full.
func (t *sessionTable) open(se *session) *apiError {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, dup := t.sessions[se.token]; dup {
		return newError(http.StatusForbidden, typeNotAllowed, "a session is already open with this authentication; close it or authenticate again")
	}
	if len(t.sessions) >= t.max {
		return newError(http.StatusServiceUnavailable, typeNotReady, "too many sessions are open; try again later")
	}
	t.sessions[se.token] = se
	return nil
}

// get returns the live session of a token.
func (t *sessionTable) get(token string) (*session, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	se, ok := t.sessions[token]
	if ok && se.expired(t.now()) {
		return nil, false // the purge ends it
	}
	return se, ok
}

// remove drops a session and its credential; it reports false if the
// session was already gone.
func (t *sessionTable) remove(se *session) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sessions[se.token] != se {
		return false
	}
	delete(t.sessions, se.token)
	delete(t.creds, se.token)
	return true
}

// expired lists the sessions past their deadline, and drops lapsed
// credentials.
func (t *sessionTable) expired() []*session {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []*session
	for _, se := range t.sessions {
		if se.expired(now) {
			out = append(out, se)
		}
	}
	for tok, c := range t.creds {
		if _, open := t.sessions[tok]; !open && !now.Before(c.expires) {
			delete(t.creds, tok)
		}
	}
	return out
}

// all lists every session.
func (t *sessionTable) all() []*session {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]*session, 0, len(t.sessions))
	for _, se := range t.sessions {
		out = append(out, se)
	}
	return out
}

// others lists the other live sessions of the same login.
func (t *sessionTable) others(se *session) []*session {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []*session
	for _, o := range t.sessions {
		if o != se && o.who.login == se.who.login && !o.expired(now) {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].created.Before(out[j].created) })
	return out
}

// count is the number of open sessions.
func (t *sessionTable) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.sessions)
}

// endSession ends se: it leaves the table, and everything waiting on
// se.ended (subscriptions, streams) stops.
func (s *Server) endSession(se *session) {
	s.sessions.remove(se)
	se.endOnce.Do(func() { close(se.ended) })
}

// sessionOf returns the session of the request's cookie and refreshes its
// time to live; a request without one gets INVALID_SESSION.
func (s *Server) sessionOf(r *http.Request) (*session, error) {
	ck, err := r.Cookie(CookieName)
	if err != nil || ck.Value == "" {
		return nil, errInvalidSession
	}
	se, ok := s.sessions.get(ck.Value)
	if !ok {
		return nil, errInvalidSession
	}
	se.touch(s.cfg.Now())
	return se, nil
}

// withSession wraps a handler that needs a session.
func (s *Server) withSession(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		se, err := s.sessionOf(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r, se)
	}
}

// adminOnly wraps a handler that only administrators may call.
func (s *Server) adminOnly(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return s.withSession(func(w http.ResponseWriter, r *http.Request, se *session) {
		if !se.admin() {
			s.fail(w, r, errNotAllowed("%s %s is for administrators", r.Method, r.URL.Path))
			return
		}
		h(w, r, se)
	})
}

// Descriptor is the answer of GET /api/rest.
type Descriptor struct {
	ServerInfo    ServerInfo       `json:"serverInfo"`
	Versions      []APIVersion     `json:"versions"`
	CustoFeatures []map[string]any `json:"custoFeatures"`
}

// ServerInfo names the product.
type ServerInfo struct {
	ProductName    string         `json:"productName"`
	ProductType    string         `json:"productType"`
	ProductVersion ProductVersion `json:"productVersion"`
	HAMode         bool           `json:"haMode"`
}

// ProductVersion is the O2G version the API is compatible with.
type ProductVersion struct {
	Major string `json:"major"`
	Minor string `json:"minor"`
}

// APIVersion is one API version and where to authenticate for it.
type APIVersion struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	PublicURL   string `json:"publicUrl"`
	InternalURL string `json:"internalUrl"`
}

func (s *Server) handleDescriptor(w http.ResponseWriter, r *http.Request) {
	pub, priv := s.urls(r)
	const auth = Root + "/authenticate?version=1.0"
	writeJSON(w, http.StatusOK, Descriptor{
		ServerInfo: ServerInfo{ProductName: "O2G Solution", ProductType: "O2G",
			ProductVersion: ProductVersion{Major: "2.7", Minor: "000.000"}},
		Versions:      []APIVersion{{ID: "1.0", Status: "CURRENT", PublicURL: pub + auth, InternalURL: priv + auth}},
		CustoFeatures: []map[string]any{},
	})
}

// AuthenticationResponse is the answer of a successful authenticate. The
// login appears under both names real servers and the specification use.
type AuthenticationResponse struct {
	Credential  string `json:"credential"`
	PublicURL   string `json:"publicUrl"`
	InternalURL string `json:"internalUrl"`
	LoginName   string `json:"loginName"`
	Login       string `json:"login"`
	Expired     bool   `json:"expired"`
}

func (s *Server) handleAuthenticate(w http.ResponseWriter, r *http.Request) {
	if v := r.URL.Query().Get("version"); v != "" && v != "1.0" {
		s.fail(w, r, errBadParameter("API version %q is not served; use 1.0", v))
		return
	}
	login, secret, ok := r.BasicAuth()
	if !ok || login == "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="O2G"`)
		s.fail(w, r, newError(http.StatusUnauthorized, typeNotAllowed, "HTTP Basic authentication is required"))
		return
	}
	who, err := s.authenticate(r, login, secret)
	if err != nil {
		s.log.Info("o2g: authentication refused", "login", login, "remote", r.RemoteAddr)
		w.Header().Set("WWW-Authenticate", `Basic realm="O2G"`)
		s.fail(w, r, err)
		return
	}
	c, gerr := s.sessions.grant(who, s.cfg.SessionTTL)
	if gerr != nil {
		s.log.Warn("o2g: authentication refused: credential table full", "login", who.login, "remote", r.RemoteAddr)
		s.fail(w, r, gerr)
		return
	}
	// Path=/ so that the cookie of a later authentication replaces this
	// one in the client's jar instead of sitting beside it.
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: c.token, Path: "/", HttpOnly: true, Secure: r.TLS != nil})
	pub, priv := s.urls(r)
	writeJSON(w, http.StatusOK, AuthenticationResponse{Credential: c.token, PublicURL: pub + Base + "/sessions",
		InternalURL: priv + Base + "/sessions", LoginName: who.login, Login: who.login})
}

// Service is one entry of SessionInfo.services.
type Service struct {
	ServiceName    string `json:"serviceName"`
	ServiceVersion string `json:"serviceVersion"`
	RelativeURL    string `json:"relativeUrl"`
}

// services is the list clients find their service URLs in. Names and
// URLs are exact: the Node SDK keys services by lower-cased name (note
// "Acd Statistics" with its space) and derives /logins from the Users URL.
var services = []Service{
	{"Users", "1.0", "/users"},
	{"UserManagement", "1.0", "/usermanagement"},
	{"Telephony", "1.0", "/telephony/calls"},
	{"Subscriptions", "1.0", "/subscriptions"},
	{"Routing", "1.0", "/routing"},
	{"EventSummary", "1.0", "/eventSummary"},
	{"Directory", "1.0", "/directory"},
	{"Comlog", "1.0", "/comlog/records"},
	{"Maintenance", "1.0", "/system"},
	{"System", "1.0", "/system"},
	{"Voicemail", "1.0", "/messaging/mailboxes"},
	{"PhoneSetProgramming", "1.0", "/users"},
	{"PbxManagement", "1.0", "/pbxs"},
	{"AcdAgent", "1.0", "/acd/agent"},
	{"AcdPilotMonitoring", "1.0", "/acd/pilotmonitoring"},
	{"AcdManagement", "1.0", "/acd"},
	{"AcdRealtime", "1.0", "/acd/rti"},
	{"Acd Statistics", "1.0", "/acd/stats"},
	{"AcdRsi", "1.0", "/rsi"},
	{"Analytics", "1.0", "/usages"},
	{"Logins", "1.0", "/logins"},
}

// SessionInfo describes an open session.
type SessionInfo struct {
	Admin          bool           `json:"admin"`
	Login          string         `json:"login"`
	TimeToLive     int            `json:"timeToLive"`
	PublicBaseURL  string         `json:"publicBaseUrl"`
	PrivateBaseURL string         `json:"privateBaseUrl"`
	Services       []Service      `json:"services"`
	CreationDate   string         `json:"creationDate"`
	OtherSessions  []OtherSession `json:"otherSessions"`
}

// OtherSession is another open session of the same login.
type OtherSession struct {
	SessionID    string `json:"sessionId"`
	CreationDate string `json:"creationDate"`
	TimeToLive   int    `json:"timeToLive"`
}

// SessionRequest opens a session.
type SessionRequest struct {
	ApplicationName    string `json:"applicationName"`
	ApplicationAddress string `json:"applicationAddress,omitempty"`
	SupervisedAccount  *struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"supervisedAccount,omitempty"`
	TimeToLive int `json:"timeToLive,omitempty"`
}

func (s *Server) sessionRoutes() {
	s.route("POST /sessions", s.handleOpenSession)
	s.route("GET /sessions", s.withSession(func(w http.ResponseWriter, r *http.Request, se *session) {
		writeJSON(w, http.StatusOK, s.sessionInfo(r, se))
	}))
	s.route("DELETE /sessions", s.withSession(func(w http.ResponseWriter, r *http.Request, se *session) {
		s.log.Info("o2g: session closed", "session", se.id, "login", se.login())
		s.endSession(se)
		noContent(w)
	}))
	s.route("POST /sessions/keepalive", s.withSession(func(w http.ResponseWriter, r *http.Request, se *session) {
		noContent(w) // sessionOf already pushed the deadline back
	}))
}

func (s *Server) handleOpenSession(w http.ResponseWriter, r *http.Request) {
	ck, err := r.Cookie(CookieName)
	if err != nil || ck.Value == "" {
		s.fail(w, r, errInvalidSession)
		return
	}
	cred, ok := s.sessions.credential(ck.Value)
	if !ok {
		s.fail(w, r, errInvalidSession)
		return
	}
	var req SessionRequest
	if err := s.readJSON(r, &req, true); err != nil {
		s.fail(w, r, err)
		return
	}
	ttl := s.cfg.SessionTTL
	if req.TimeToLive != 0 {
		// Bounded so that a client's keepalive (at 90 % of the TTL) can
		// neither spin nor let the session lapse for hours.
		if req.TimeToLive < 10 || req.TimeToLive > 86400 {
			s.fail(w, r, errBadParameter("timeToLive %d is outside 10..86400 seconds", req.TimeToLive))
			return
		}
		ttl = time.Duration(req.TimeToLive) * time.Second
	}
	now := s.cfg.Now()
	se := &session{token: cred.token, id: newToken()[:16], who: cred.who, app: req.ApplicationName, ttl: ttl,
		created: now, ended: make(chan struct{})}
	se.touch(now)
	switch {
	case req.SupervisedAccount != nil:
		if !cred.who.admin {
			s.fail(w, r, errNotAllowed("only an administrator may open a supervised session"))
			return
		}
		ref, err := s.resolveAccount(r, cred.who.actor, req.SupervisedAccount.ID, req.SupervisedAccount.Type)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		se.user = ref
	case !cred.who.admin:
		ref, err := s.userRef(r, cred.who.actor, cred.who.userID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		se.user = ref
	}
	if err := s.sessions.open(se); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("o2g: session opened", "session", se.id, "login", se.login(), "admin", se.admin(), "application", se.app)
	writeJSON(w, http.StatusOK, s.sessionInfo(r, se))
}

// login is the login name the session acts as.
func (se *session) login() string {
	if se.user != nil {
		return se.user.login
	}
	return se.who.login
}

func (s *Server) sessionInfo(r *http.Request, se *session) SessionInfo {
	pub, priv := s.urls(r)
	info := SessionInfo{Admin: se.admin(), Login: se.login(), TimeToLive: int(se.ttl / time.Second),
		PublicBaseURL: pub + Base, PrivateBaseURL: priv + Base, Services: services,
		CreationDate: se.created.UTC().Format(time.RFC3339), OtherSessions: []OtherSession{}}
	now := s.cfg.Now()
	for _, o := range s.sessions.others(se) {
		left := time.Duration(o.expires.Load() - now.UnixNano())
		info.OtherSessions = append(info.OtherSessions, OtherSession{SessionID: o.id,
			CreationDate: o.created.UTC().Format(time.RFC3339), TimeToLive: int(max(left, 0) / time.Second)})
	}
	return info
}

// trimLogin is a login name as typed: surrounding space removed.
func trimLogin(s string) string { return strings.TrimSpace(s) }
