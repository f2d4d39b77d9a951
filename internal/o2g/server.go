package o2g

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/provisioning"
)

// Root is where the API lives; Base is the versioned root every service
// URL hangs from.
const (
	Root = "/api/rest"
	Base = Root + "/1.0"
)

// User login modes (Config.UserLogin).
const (
	// LoginOXE: users log in as oxe<number>, the national digits of their
	// phone number, with their portal passcode as the secret code.
	LoginOXE = "oxe"
	// LoginUserID: users log in with their user id and web password.
	LoginUserID = "userid"
)

// Config configures the O2G facade. Zero values mean the defaults.
type Config struct {
	Core *provisioning.Core
	// Bus carries the domain events the event streams deliver.
	Bus    events.Bus
	Logger *slog.Logger
	// PublicAddr and PrivateAddr are the host[:port] written into the URLs
	// the API hands out (descriptor, sessions, polling); empty takes the
	// request's Host. Clients pick one of each pair by their access mode,
	// so both are always filled.
	PublicAddr, PrivateAddr string
	// SessionTTL is a session's time to live without requests; default
	// 1800 s, as real servers.
	SessionTTL time.Duration
	// UserLogin is LoginOXE (default) or LoginUserID.
	UserLogin string
	// MaxSessions bounds live sessions (default 10,000).
	MaxSessions int
	// MaxBody bounds a request body (default 1 MiB).
	MaxBody int64
	// StreamKeepAlive is the idle time after which an event stream gets an
	// OnChannelInformation keepalive line (default 60 s).
	StreamKeepAlive time.Duration
	// StreamGrace is how long a subscription outlives its stream's
	// disconnection, queueing events for the client's reconnection
	// (default 1 minute, as real servers).
	StreamGrace time.Duration
	// Simulation enables the /_sim endpoints that inject what a call engine
	// would produce (communication log records...). Tests and demos only.
	Simulation bool
	// Now is the clock (tests pin it).
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.SessionTTL <= 0 {
		c.SessionTTL = 1800 * time.Second
	}
	if c.UserLogin == "" {
		c.UserLogin = LoginOXE
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = 10_000
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 1 << 20
	}
	if c.StreamKeepAlive <= 0 {
		c.StreamKeepAlive = 60 * time.Second
	}
	if c.StreamGrace <= 0 {
		c.StreamGrace = time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Bus == nil {
		c.Bus = events.NewMemory()
	}
	return c
}

// Validate checks a configuration.
func (c Config) Validate() error {
	if c.Core == nil {
		return errors.New("o2g: Config.Core is required")
	}
	switch c.UserLogin {
	case "", LoginOXE, LoginUserID:
	default:
		return fmt.Errorf("o2g: user login mode %q: want %s or %s", c.UserLogin, LoginOXE, LoginUserID)
	}
	return nil
}

// Server is the O2G REST facade. Mount Handler on an HTTPS listener (the
// SDKs only speak HTTPS) at Root.
type Server struct {
	cfg      Config
	log      *slog.Logger
	core     *provisioning.Core
	mux      *http.ServeMux
	sessions *sessionTable
	hub      *hub

	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// New builds the facade and starts its session purge.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, log: cfg.Logger, core: cfg.Core, mux: http.NewServeMux(), stop: make(chan struct{})}
	s.sessions = newSessionTable(cfg.Now, cfg.MaxSessions)
	s.hub = newHub()
	s.routes()
	// Subscribed before New returns, so no event published after it is
	// missed; the buffer absorbs bursts of core writes (bulk loads).
	feed := cfg.Bus.Subscribe(1 << 16)
	s.wg.Go(func() { s.dispatch(feed) })
	s.wg.Go(s.purgeLoop)
	return s, nil
}

// Handler serves every path under Root.
func (s *Server) Handler() http.Handler { return s.mux }

// Close stops the purge loop and ends every session (and with them their
// subscriptions and streams).
func (s *Server) Close() {
	s.stopOnce.Do(func() { close(s.stop) })
	s.wg.Wait()
	for _, se := range s.sessions.all() {
		s.endSession(se)
	}
}

// purgeLoop ends expired sessions. Real servers check every 5 minutes; a
// minute keeps dead sessions' streams from lingering as long.
func (s *Server) purgeLoop() {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.purge()
		}
	}
}

// purge ends the sessions that have expired.
func (s *Server) purge() {
	for _, se := range s.sessions.expired() {
		s.log.Info("o2g: session expired", "session", se.id, "login", se.login())
		s.endSession(se)
	}
}

// route registers h for a method and a path under Base ("GET /users/{loginName}").
func (s *Server) route(pattern string, h http.HandlerFunc) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		panic("o2g: route needs a method: " + pattern)
	}
	s.mux.HandleFunc(method+" "+Base+path, h)
}

// routes registers every handler. Each family adds its own in its file.
func (s *Server) routes() {
	s.mux.HandleFunc("GET "+Root, s.handleDescriptor)
	s.mux.HandleFunc("GET "+Root+"/{$}", s.handleDescriptor)
	s.mux.HandleFunc(Root, s.methodNotAllowed)
	s.mux.HandleFunc("GET "+Root+"/authenticate", s.handleAuthenticate)
	s.sessionRoutes()
	// One registration function per family, each in its own file.
	s.subscriptionRoutes()
	s.userRoutes()
	s.routingRoutes()
	s.comlogRoutes()
	s.messagingRoutes()
	s.phoneSetRoutes()
	s.telephonyRoutes()
	// Services the session lists (the SDKs need every entry) but this
	// server does not serve yet: a clear NOT_SUPPORTED, not a bare 404.
	for prefix, name := range unservedServices {
		h := func(w http.ResponseWriter, r *http.Request) {
			s.fail(w, r, newError(http.StatusBadRequest, typeNotSupported, "the %s service is not available on this server", name))
		}
		s.mux.HandleFunc(Base+prefix, h)
		s.mux.HandleFunc(Base+prefix+"/", h)
	}
	s.mux.HandleFunc(Root+"/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errNotFound("no resource at %s", r.URL.Path))
	})
}

// unservedServices maps the URL prefix of each listed but unserved
// service to its name.
var unservedServices = map[string]string{
	"/pbxs":   "PbxManagement",
	"/acd":    "call center (Acd*)",
	"/usages": "Analytics",
	"/rsi":    "AcdRsi",
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, newError(http.StatusMethodNotAllowed, typeNotSupported, "%s is not allowed on %s", r.Method, r.URL.Path))
}

// urls are the public and private https://host[:port] prefixes for r.
func (s *Server) urls(r *http.Request) (public, private string) {
	pub, priv := s.cfg.PublicAddr, s.cfg.PrivateAddr
	if pub == "" {
		pub = r.Host
	}
	if priv == "" {
		priv = r.Host
	}
	return "https://" + pub, "https://" + priv
}

// writeJSON writes v with status. Encoding a value of our own types cannot
// fail but for a broken connection, which nobody can be told about.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// noContent answers 204.
func noContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// readJSON decodes the request body into v: at most MaxBody bytes, one
// JSON value, JSON content type when one is given. An empty body leaves v
// as it is when optional is true.
func (s *Server) readJSON(r *http.Request, v any, optional bool) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return newError(http.StatusUnsupportedMediaType, typeBadParameter, "the body must be JSON, not %q", ct)
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBody+1))
	if err != nil {
		return errBadParameter("reading the body: %v", err)
	}
	if int64(len(body)) > s.cfg.MaxBody {
		return newError(http.StatusRequestEntityTooLarge, typeBadParameter, "the body exceeds %d bytes", s.cfg.MaxBody)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		if optional {
			return nil
		}
		return errBadParameter("a JSON body is required")
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(v); err != nil {
		return errBadParameter("invalid JSON body: %v", err)
	}
	if dec.More() {
		return errBadParameter("invalid JSON body: more than one value")
	}
	return nil
}
