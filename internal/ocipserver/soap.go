package ocipserver

import (
	"bytes"
	"container/list"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/switchboard/switchboard/ocip/ocixml"
)

// SOAPPath is where BroadWorks serves OCI-P over SOAP (and the WSDL, with
// ?wsdl). Mount Server.SOAPHandler there.
const SOAPPath = "/webservice/services/ProvisioningService"

// SessionCookie is the HTTP session cookie: the service is a Tomcat/Axis
// application on real systems, and clients keep this cookie.
const SessionCookie = "JSESSIONID"

// soapContentType is what Axis sends for every SOAP answer, faults included.
const soapContentType = "text/xml;charset=utf-8"

// maxStatesPerSession bounds the OCI session ids one HTTP session keeps a
// login for; clients use one or a handful.
const maxStatesPerSession = 64

// notLoggedInFault is the fault a real server answers a request refused
// for lack of a login with (captured; see the protocol notes, 1.5).
var notLoggedInFault = ocixml.SOAPFault{
	Code:   "soapenv:Server.generalException",
	String: "INVALID_REQUEST",
	Actor:  "ProvisioningService",
	Detail: "Cannot process any request before user is logged in.",
}

// SOAPHandler returns the handler for SOAPPath: POST carries
// processOCIMessage calls, GET ?wsdl (any case) returns the WSDL. The first
// call starts the goroutine that expires idle HTTP sessions; Shutdown stops
// it.
func (s *Server) SOAPHandler() http.Handler {
	s.startJanitor()
	return &soapHandler{s: s}
}

type soapHandler struct{ s *Server }

func (h *soapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		h.s.serveSOAP(w, r)
	case http.MethodGet, http.MethodHead:
		if wantsWSDL(r.URL) {
			h.s.serveWSDL(w, r)
			return
		}
		// Axis answers a plain GET with a short page; monitoring probes
		// use it.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ProvisioningService: OCI-P over SOAP. POST processOCIMessage here; the WSDL is at ?wsdl.\n")
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// wantsWSDL reports a query with a "wsdl" key in any letter case.
func wantsWSDL(u *url.URL) bool {
	if u.RawQuery == "" {
		return false
	}
	for k := range u.Query() {
		if strings.EqualFold(k, "wsdl") {
			return true
		}
	}
	return false
}

var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// serveSOAP answers one processOCIMessage call. OCI-P outcomes, errors
// included, are HTTP 200; only transport and session problems are SOAP
// Faults (HTTP 500), as on real servers.
func (s *Server) serveSOAP(w http.ResponseWriter, r *http.Request) {
	if !s.beginWork() {
		s.writeFault(w, http.StatusServiceUnavailable, ocixml.SOAPFault{Code: "soapenv:Server", String: "SERVICE_UNAVAILABLE", Actor: "ProvisioningService", Detail: "The server is shutting down."})
		return
	}
	defer s.workWG.Done()
	s.stats.soapRequests.Add(1)

	buf := bodyPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 { // a huge body's buffer is not worth keeping
			bodyPool.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, s.cfg.SOAP.MaxBodySize)); err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			s.writeFault(w, http.StatusRequestEntityTooLarge, ocixml.SOAPFault{Code: "soapenv:Client", String: "INVALID_REQUEST", Actor: "ProvisioningService",
				Detail: "Request body exceeds " + strconv.FormatInt(s.cfg.SOAP.MaxBodySize, 10) + " bytes."})
			return
		}
		// The client went away mid-body; nobody is left to answer.
		s.log.Debug("ocipserver: reading SOAP body failed", "remote", r.RemoteAddr, "err", err)
		return
	}
	var charset string
	if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil {
		charset = params["charset"]
	}
	doc, err := ocixml.UnwrapSOAPRequestCharset(buf.Bytes(), charset)
	if err != nil {
		s.log.Info("ocipserver: invalid SOAP request", "remote", r.RemoteAddr, "err", err)
		s.writeFault(w, http.StatusInternalServerError, ocixml.SOAPFault{Code: "soapenv:Client", String: "INVALID_REQUEST", Actor: "ProvisioningService", Detail: err.Error()})
		return
	}
	https := s.isHTTPS(r)
	if len(doc) > s.cfg.MaxDocumentSize {
		// The same answer as on TCP, where the framer enforces the limit.
		detail := "document of " + strconv.Itoa(len(doc)) + " bytes exceeds the limit of " + strconv.Itoa(s.cfg.MaxDocumentSize) + " (" + ocixml.RuleSize + ")"
		s.writeSOAPResponse(w, appendErrorDocument(nil, "", codeValidation, "OCI XML Request validation error", detail))
		return
	}

	b := s.newSOAPBinder(r, https)
	// As on TCP, a client that goes away does not abort a command half-way:
	// only a forced shutdown cancels Process.
	resp, notLoggedIn, _ := s.process(s.baseCtx, b, []byte(doc), true)
	if id := b.finish(); id != "" {
		http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: https})
	}
	if notLoggedIn {
		s.writeFault(w, http.StatusInternalServerError, notLoggedInFault)
		return
	}
	s.writeSOAPResponse(w, resp)
}

var envelopePool = sync.Pool{New: func() any { return new([]byte) }}

func (s *Server) writeSOAPResponse(w http.ResponseWriter, doc []byte) {
	p := envelopePool.Get().(*[]byte)
	out := ocixml.AppendSOAPResponse((*p)[:0], doc, s.cfg.SOAP.ResponseForm)
	writeXML(w, http.StatusOK, out)
	if cap(out) <= 1<<20 {
		*p = out
		envelopePool.Put(p)
	}
}

func (s *Server) writeFault(w http.ResponseWriter, status int, f ocixml.SOAPFault) {
	s.stats.soapFaults.Add(1)
	writeXML(w, status, ocixml.AppendSOAPFault(nil, f))
}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", soapContentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// isHTTPS tells whether the client reached the service over TLS.
func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.cfg.SOAP.TrustForwardedProto {
		return false
	}
	proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// HTTP sessions.

// httpSession is one JSESSIONID. Every field is guarded by the table's
// mutex; the LoginStates have their own.
type httpSession struct {
	id     string
	states map[string]*LoginState // by OCI session id
	// live records the session ids whose state held a login (true) or a
	// pending nonce (false) when a request last finished with them.
	live     map[string]bool
	logins   int // entries of live that are true
	lastUsed time.Time
	inflight int // requests using the session now; it cannot expire meanwhile
	elem     *list.Element
	on       *list.List // the table list holding elem
}

// sessionTable holds the HTTP sessions. Sessions without a login and
// sessions with one are kept in separate lists, each least recently used
// at the back, so that the janitor stops at the first session still fresh
// and a full table can drop a session nobody logged in on in O(1).
type sessionTable struct {
	idle time.Duration
	max  int
	st   *counters

	mu     sync.Mutex
	byID   map[string]*httpSession
	bySID  map[string]*httpSession // lenient lookup: where an OCI session id is live
	anon   list.List
	authed list.List
}

func newSessionTable(idle time.Duration, max int, st *counters) *sessionTable {
	return &sessionTable{idle: idle, max: max, st: st, byID: make(map[string]*httpSession), bySID: make(map[string]*httpSession)}
}

func (t *sessionTable) expired(sess *httpSession, now time.Time) bool {
	return sess.inflight == 0 && now.Sub(sess.lastUsed) >= t.idle
}

// use marks sess as used by one more request.
func (t *sessionTable) use(sess *httpSession, now time.Time) {
	sess.inflight++
	sess.lastUsed = now
	sess.on.MoveToFront(sess.elem)
}

// acquireCookie returns the live session with id and marks it in use. An
// expired one is removed and its states returned for resetting.
func (t *sessionTable) acquireCookie(id string, now time.Time) (*httpSession, []*LoginState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	sess := t.byID[id]
	if sess == nil {
		return nil, nil
	}
	if t.expired(sess, now) {
		t.st.sessionsExpired.Add(1)
		return nil, t.remove(sess)
	}
	t.use(sess, now)
	return sess, nil
}

// acquireSID returns the session where sid was last live, for a request
// without a cookie (lenient mode), and marks it in use.
func (t *sessionTable) acquireSID(sid string, now time.Time) *httpSession {
	t.mu.Lock()
	defer t.mu.Unlock()
	sess := t.bySID[sid]
	if sess == nil || t.expired(sess, now) {
		return nil // the janitor reclaims an expired one
	}
	t.use(sess, now)
	return sess
}

// create starts a new session in use by one request. A full table first
// drops the least recently used idle session without a login, then an
// expired one with a login; with neither, it refuses (ok false) rather than
// log someone out early.
func (t *sessionTable) create(now time.Time) (sess *httpSession, stale []*LoginState, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.max > 0 && len(t.byID) >= t.max {
		victim := t.victim(&t.anon, func(*httpSession) bool { return true })
		if victim == nil {
			victim = t.victim(&t.authed, func(s *httpSession) bool { return t.expired(s, now) })
		}
		if victim == nil {
			return nil, nil, false
		}
		if victim.on == &t.anon && !t.expired(victim, now) {
			t.st.sessionsEvicted.Add(1)
		} else {
			t.st.sessionsExpired.Add(1)
		}
		stale = t.remove(victim)
	}
	sess = &httpSession{id: newSessionID(), states: make(map[string]*LoginState, 1), live: make(map[string]bool, 1), on: &t.anon}
	sess.elem = t.anon.PushFront(sess)
	t.byID[sess.id] = sess
	t.st.sessions.Add(1)
	t.use(sess, now)
	return sess, stale, true
}

// victim looks at a few sessions from the back of l for one that is not in
// use and passes ok. The walk is bounded: sessions in use are rare at the
// back, and the caller must not scan a table of 100,000 under the lock.
func (t *sessionTable) victim(l *list.List, ok func(*httpSession) bool) *httpSession {
	e := l.Back()
	for i := 0; e != nil && i < 16; i, e = i+1, e.Prev() {
		if s := e.Value.(*httpSession); s.inflight == 0 && ok(s) {
			return s
		}
	}
	return nil
}

// state returns sess's state for sid, creating it; nil when the session
// has too many already.
func (t *sessionTable) state(sess *httpSession, sid string) *LoginState {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := sess.states[sid]
	if st == nil && len(sess.states) < maxStatesPerSession {
		st = new(LoginState)
		sess.states[sid] = st
	}
	return st
}

// observed is what a request left in one login state.
type observed struct {
	st       *LoginState
	loggedIn bool
	live     bool // logged in or a nonce pending
}

// release ends a request's use of sess and records what it left in the
// states it used, for the lenient index and the eviction lists.
func (t *sessionTable) release(sess *httpSession, obs map[string]observed, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	sess.inflight--
	sess.lastUsed = now
	for sid, o := range obs {
		if sess.states[sid] != o.st {
			continue // a throwaway state, not kept in the session
		}
		if was, ok := sess.live[sid]; ok && was {
			sess.logins--
		}
		if o.live {
			sess.live[sid] = o.loggedIn
			if o.loggedIn {
				sess.logins++
			}
			t.bySID[sid] = sess
		} else {
			delete(sess.live, sid)
			if t.bySID[sid] == sess {
				delete(t.bySID, sid)
			}
		}
	}
	want := &t.anon
	if sess.logins > 0 {
		want = &t.authed
	}
	if sess.on != want {
		sess.on.Remove(sess.elem)
		sess.on = want
		sess.elem = want.PushFront(sess)
	} else {
		want.MoveToFront(sess.elem)
	}
}

// expire removes the sessions idle for the timeout and returns their
// states for resetting outside the lock.
func (t *sessionTable) expire(now time.Time) []*LoginState {
	t.mu.Lock()
	defer t.mu.Unlock()
	var stale []*LoginState
	for _, l := range []*list.List{&t.anon, &t.authed} {
		for e := l.Back(); e != nil; {
			sess := e.Value.(*httpSession)
			e = e.Prev()
			if sess.inflight > 0 {
				continue // a long request; it moves to the front when done
			}
			if now.Sub(sess.lastUsed) < t.idle {
				break // every session in front of it was used later
			}
			t.st.sessionsExpired.Add(1)
			stale = append(stale, t.remove(sess)...)
		}
	}
	return stale
}

// remove drops sess from the table and returns its states.
func (t *sessionTable) remove(sess *httpSession) []*LoginState {
	delete(t.byID, sess.id)
	for sid := range sess.live {
		if t.bySID[sid] == sess {
			delete(t.bySID, sid)
		}
	}
	sess.on.Remove(sess.elem)
	t.st.sessions.Add(-1)
	stale := make([]*LoginState, 0, len(sess.states))
	for _, st := range sess.states {
		stale = append(stale, st)
	}
	return stale
}

// resetStates logs the states out. A request may still hold one of them
// (a client keeping a state it was handed concurrently), hence the lock.
func resetStates(states []*LoginState) {
	for _, st := range states {
		st.Mu.Lock()
		st.Reset()
		st.Mu.Unlock()
	}
}

// newSessionID returns 128 random bits in upper-case hex, as Tomcat writes
// its session ids.
func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

func (s *Server) startJanitor() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.janitorOn || s.inShutdown.Load() {
		return
	}
	s.janitorOn = true
	s.bgWG.Add(1)
	go s.janitor()
}

// janitor expires idle HTTP sessions until shutdown.
func (s *Server) janitor() {
	defer s.bgWG.Done()
	every := min(max(s.cfg.SOAP.SessionIdleTimeout/4, 10*time.Millisecond), time.Minute)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-s.done:
			return
		case now := <-tick.C:
			if stale := s.sessions.expire(now); len(stale) > 0 {
				resetStates(stale)
				s.log.Debug("ocipserver: HTTP sessions expired", "states", len(stale))
			}
		}
	}
}

// soapBinder binds one SOAP request to an HTTP session. The session is
// found from the cookie before Process runs, or chosen (lenient reuse or a
// new session) on the first State call, so that a request that never needs
// a login state creates no session.
type soapBinder struct {
	s         *Server
	transport string
	remote    string
	hadCookie bool

	mu      sync.Mutex // per request; taken before the table's mutex
	sess    *httpSession
	issue   bool // the response must carry Set-Cookie
	refused bool // the table was full
	used    map[string]*LoginState
	lastSID string
	stale   []*LoginState
}

func (s *Server) newSOAPBinder(r *http.Request, https bool) *soapBinder {
	b := &soapBinder{s: s, transport: TransportSOAP, remote: r.RemoteAddr, used: make(map[string]*LoginState, 1)}
	if https {
		b.transport = TransportSOAPS
	}
	now := time.Now()
	for _, c := range r.CookiesNamed(SessionCookie) {
		b.hadCookie = true
		sess, stale := s.sessions.acquireCookie(c.Value, now)
		b.stale = append(b.stale, stale...)
		if sess != nil {
			b.sess = sess
			break
		}
	}
	return b
}

func (b *soapBinder) State(sessionID string) *LoginState {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lastSID = sessionID
	if st := b.used[sessionID]; st != nil {
		return st
	}
	t := b.s.sessions
	now := time.Now()
	if b.sess == nil && !b.hadCookie && !b.s.cfg.SOAP.StrictSessions {
		if b.sess = t.acquireSID(sessionID, now); b.sess != nil {
			// Hand the client the cookie of the session it is using.
			b.issue = true
		}
	}
	if b.sess == nil && !b.refused {
		sess, stale, ok := t.create(now)
		b.stale = append(b.stale, stale...)
		if ok {
			b.sess, b.issue = sess, true
		} else {
			b.refused = true
			b.s.stats.sessionsRefused.Add(1)
			b.s.log.Warn("ocipserver: HTTP session table full; serving a request without a session", "remote", b.remote, "max_sessions", b.s.cfg.SOAP.MaxSessions)
		}
	}
	var st *LoginState
	if b.sess != nil {
		st = t.state(b.sess, sessionID)
	}
	if st == nil {
		// No room: the request works, but what it logs in is not kept.
		st = new(LoginState)
	}
	b.used[sessionID] = st
	return st
}

func (b *soapBinder) Transport() string  { return b.transport }
func (b *soapBinder) RemoteAddr() string { return b.remote }

func (b *soapBinder) lastSessionID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lastSID
}

// finish releases the session after Process and returns the cookie value
// to set, or "".
func (b *soapBinder) finish() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.sess != nil {
		obs := make(map[string]observed, len(b.used))
		for sid, st := range b.used {
			st.Mu.Lock()
			in := st.LoggedIn()
			obs[sid] = observed{st: st, loggedIn: in, live: in || st.Nonce != ""}
			st.Mu.Unlock()
		}
		b.s.sessions.release(b.sess, obs, time.Now())
	}
	resetStates(b.stale)
	b.stale = nil
	if b.issue && b.sess != nil {
		return b.sess.id
	}
	return ""
}
