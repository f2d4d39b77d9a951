package ocipserver

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard/switchboard/ocip/ocixml"
)

// Defaults for the zero values of Config. Negative values switch a limit or
// timeout off where the field says so.
const (
	// DefaultMaxDocumentSize bounds one request document (TCP/TLS frame or
	// unwrapped SOAP text).
	DefaultMaxDocumentSize = ocixml.DefaultMaxDocumentSize
	// DefaultIdleTimeout closes a TCP/TLS connection that sends nothing
	// between documents for this long. Clients keep pooled sockets idle for
	// minutes, so it must stay long (notes: at least 30 minutes).
	DefaultIdleTimeout = 30 * time.Minute
	// DefaultReadTimeout bounds the time from the first byte of a document
	// to its end.
	DefaultReadTimeout = time.Minute
	// DefaultWriteTimeout bounds writing one response.
	DefaultWriteTimeout = time.Minute
	// DefaultHandshakeTimeout bounds the TLS handshake.
	DefaultHandshakeTimeout = 10 * time.Second
	// DefaultMaxConnsPerIP leaves room for pooling clients (mercury-fast
	// opens up to 50 sockets from one address) several times over.
	DefaultMaxConnsPerIP = 200
	// DefaultMaxConns bounds TCP and TLS connections together.
	DefaultMaxConns = 5000
	// DefaultSessionIdleTimeout expires an HTTP session, as Tomcat does.
	DefaultSessionIdleTimeout = 30 * time.Minute
	// DefaultMaxSessions bounds the HTTP session table.
	DefaultMaxSessions = 100_000
)

// ErrServerClosed is returned by the Serve methods after Shutdown or Close.
var ErrServerClosed = errors.New("ocipserver: server closed")

// Config configures a Server. Zero values mean the defaults above.
type Config struct {
	// TCPAddr and TLSAddr are the addresses Start listens on for plain
	// OCI-P (conventionally :2208) and implicit TLS (:2209); "" skips that
	// listener. ServeTCP and ServeTLS take listeners instead.
	TCPAddr string
	TLSAddr string
	// TLSConfig is the configuration of the TLS listener, typically
	// certs.Material.ServerConfig(). Required for TLSAddr and ServeTLS.
	TLSConfig *tls.Config

	// MaxDocumentSize is the largest request document in bytes.
	MaxDocumentSize int
	// IdleTimeout closes a connection that has not started a new document
	// this long after the previous reply; negative: never.
	IdleTimeout time.Duration
	// ReadTimeout bounds the reading of one document once its first byte
	// has arrived; negative: no limit.
	ReadTimeout time.Duration
	// WriteTimeout bounds the writing of one response; negative: no limit.
	WriteTimeout time.Duration
	// HandshakeTimeout bounds the TLS handshake; negative: no limit.
	HandshakeTimeout time.Duration
	// MaxConnsPerIP and MaxConns limit open TCP and TLS connections per
	// client address and in total; negative: unlimited. A connection over a
	// limit is closed right after accept.
	MaxConnsPerIP int
	MaxConns      int

	// SOAP configures the SOAP over HTTP(S) handler.
	SOAP SOAPConfig

	// Logger receives the server's structured logs; nil discards them.
	// Document bodies are never logged (they carry passwords).
	Logger *slog.Logger
}

// SOAPConfig configures the handler returned by Server.SOAPHandler.
type SOAPConfig struct {
	// ResponseForm is the shape of processOCIMessageResponse: qualified
	// (the default, what the WSDL and .NET expect) or the legacy Axis form
	// captured from real servers.
	ResponseForm ocixml.SOAPResponseForm
	// PublicURL, when set, is the endpoint address written into the WSDL's
	// soap:address (clients such as zeep post to that address, not to the
	// URL they fetched the WSDL from). A URL without a path gets SOAPPath
	// appended. When empty, the address is built from the request's scheme
	// and Host header.
	PublicURL string
	// TrustForwardedProto takes the scheme from X-Forwarded-Proto, for a
	// server behind a TLS-terminating proxy. Only set it when such a proxy
	// always sets or strips the header.
	TrustForwardedProto bool
	// MaxBodySize bounds the HTTP request body in bytes; zero means four
	// times MaxDocumentSize (escaping inflates the document) plus 64 KiB.
	MaxBodySize int64
	// SessionIdleTimeout expires an HTTP session (JSESSIONID) unused for
	// this long, resetting its logins.
	SessionIdleTimeout time.Duration
	// MaxSessions bounds the number of HTTP sessions kept.
	MaxSessions int
	// StrictSessions turns off the lenient rule by which a request without
	// a cookie uses the HTTP session where its OCI sessionId is logged in
	// (or has a login pending); every such request then starts a new
	// session.
	StrictSessions bool
}

// WithDefaults returns c with zero values replaced by the defaults.
func (c Config) WithDefaults() Config {
	if c.MaxDocumentSize == 0 {
		c.MaxDocumentSize = DefaultMaxDocumentSize
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.IdleTimeout, DefaultIdleTimeout)
	def(&c.ReadTimeout, DefaultReadTimeout)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	def(&c.HandshakeTimeout, DefaultHandshakeTimeout)
	def(&c.SOAP.SessionIdleTimeout, DefaultSessionIdleTimeout)
	if c.MaxConnsPerIP == 0 {
		c.MaxConnsPerIP = DefaultMaxConnsPerIP
	}
	if c.MaxConns == 0 {
		c.MaxConns = DefaultMaxConns
	}
	if c.SOAP.MaxBodySize == 0 && c.MaxDocumentSize > 0 {
		c.SOAP.MaxBodySize = 4*int64(c.MaxDocumentSize) + 64<<10
	}
	if c.SOAP.MaxSessions == 0 {
		c.SOAP.MaxSessions = DefaultMaxSessions
	}
	return c
}

// Validate reports the first setting that cannot work. It checks c as
// given; New applies WithDefaults first.
func (c Config) Validate() error {
	switch {
	case c.MaxDocumentSize < 0:
		return fmt.Errorf("ocipserver: MaxDocumentSize %d is negative", c.MaxDocumentSize)
	case c.MaxDocumentSize > 0 && c.MaxDocumentSize < 1024:
		return fmt.Errorf("ocipserver: MaxDocumentSize %d is below 1024 bytes, too small for a login", c.MaxDocumentSize)
	case c.SOAP.MaxBodySize < 0:
		return fmt.Errorf("ocipserver: SOAP.MaxBodySize %d is negative", c.SOAP.MaxBodySize)
	case c.SOAP.SessionIdleTimeout < 0:
		return fmt.Errorf("ocipserver: SOAP.SessionIdleTimeout %v is negative", c.SOAP.SessionIdleTimeout)
	case c.SOAP.MaxSessions < 0:
		return fmt.Errorf("ocipserver: SOAP.MaxSessions %d is negative", c.SOAP.MaxSessions)
	case c.SOAP.ResponseForm != ocixml.SOAPQualified && c.SOAP.ResponseForm != ocixml.SOAPLegacyAxis:
		return fmt.Errorf("ocipserver: unknown SOAP.ResponseForm %d", c.SOAP.ResponseForm)
	case c.TLSAddr != "" && c.TLSConfig == nil:
		return errors.New("ocipserver: TLSAddr is set but TLSConfig is nil")
	}
	if t := c.TLSConfig; t != nil && len(t.Certificates) == 0 && t.GetCertificate == nil && t.GetConfigForClient == nil {
		return errors.New("ocipserver: TLSConfig has no certificate")
	}
	if c.SOAP.PublicURL != "" {
		u, err := url.Parse(c.SOAP.PublicURL)
		if err != nil {
			return fmt.Errorf("ocipserver: SOAP.PublicURL: %w", err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("ocipserver: SOAP.PublicURL %q is not an absolute http or https URL", c.SOAP.PublicURL)
		}
	}
	return nil
}

// Stats are cumulative counters (and a few gauges) for metrics.
type Stats struct {
	ConnsAccepted      uint64 // TCP and TLS connections accepted, refused ones included
	ConnsRejected      uint64 // closed right after accept: over a limit, or shutting down
	ConnsOpen          int64  // TCP and TLS connections being served
	TLSHandshakeErrors uint64
	Documents          uint64 // request documents processed over TCP and TLS
	FramingErrors      uint64 // streams given up: oversized, unframeable or incomplete document
	IdleTimeouts       uint64 // connections closed by IdleTimeout
	WriteErrors        uint64 // responses that could not be written
	ProcessPanics      uint64 // Processor panics (answered with [Error 9999])

	SOAPRequests        uint64 // SOAP POSTs processed (faults included)
	SOAPFaults          uint64 // SOAP Fault responses sent
	SOAPSessions        int64  // HTTP sessions alive
	SOAPSessionsExpired uint64 // HTTP sessions ended by SessionIdleTimeout
	SOAPSessionsEvicted uint64 // sessions without a login dropped to make room
	SOAPSessionsRefused uint64 // requests served without a session: table full
}

type counters struct {
	connsAccepted, connsRejected, tlsHandshakeErrors, documents, framingErrors  atomic.Uint64
	idleTimeouts, writeErrors, processPanics                                    atomic.Uint64
	soapRequests, soapFaults, sessionsExpired, sessionsEvicted, sessionsRefused atomic.Uint64
	connsOpen, sessions                                                         atomic.Int64
}

// Server serves OCI-P over TCP, implicit TLS and SOAP. Create it with New.
type Server struct {
	cfg  Config
	proc Processor
	log  *slog.Logger

	// baseCtx is the context of every Process call, on all transports; it
	// is cancelled only when a Shutdown runs out of time, or by Close.
	baseCtx context.Context
	cancel  context.CancelFunc

	limiter  *connLimiter
	sessions *sessionTable
	stats    counters

	// inShutdown is written under mu and read without it by connection
	// goroutines deciding whether to close when they go idle.
	inShutdown atomic.Bool
	lastReject atomic.Int64 // unix nanos of the last rate-limited warning

	mu          sync.Mutex
	listeners   map[net.Listener]string // listener -> transport
	conns       map[*conn]struct{}
	janitorOn   bool
	done        chan struct{} // closed when shutdown begins
	listenersWG sync.WaitGroup
	workWG      sync.WaitGroup // connection goroutines and SOAP requests in flight
	bgWG        sync.WaitGroup // accept loops started by Start, the janitor
}

// New checks cfg (after WithDefaults) and returns a server that hands every
// document to p. Nothing runs until Start, a Serve method or SOAPHandler.
func New(cfg Config, p Processor) (*Server, error) {
	if p == nil {
		return nil, errors.New("ocipserver: nil Processor")
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg:       cfg,
		proc:      p,
		log:       log,
		baseCtx:   ctx,
		cancel:    cancel,
		limiter:   newConnLimiter(cfg.MaxConnsPerIP, cfg.MaxConns),
		listeners: make(map[net.Listener]string),
		conns:     make(map[*conn]struct{}),
		done:      make(chan struct{}),
	}
	s.sessions = newSessionTable(cfg.SOAP.SessionIdleTimeout, cfg.SOAP.MaxSessions, &s.stats)
	return s, nil
}

// Config returns the configuration in effect, defaults applied.
func (s *Server) Config() Config { return s.cfg }

// Start listens on Config.TCPAddr and Config.TLSAddr (those that are set)
// and serves them in the background until Shutdown. It returns once the
// listeners are bound, or the first error (closing what it opened).
func (s *Server) Start() error {
	type bound struct {
		l         net.Listener
		transport string
	}
	var ls []bound
	for _, a := range []struct{ addr, transport string }{{s.cfg.TCPAddr, TransportTCP}, {s.cfg.TLSAddr, TransportTLS}} {
		if a.addr == "" {
			continue
		}
		l, err := net.Listen("tcp", a.addr)
		if err != nil {
			for _, b := range ls {
				b.l.Close()
			}
			return fmt.Errorf("ocipserver: %s listener: %w", a.transport, err)
		}
		ls = append(ls, bound{l, a.transport})
	}
	s.mu.Lock()
	if s.inShutdown.Load() {
		s.mu.Unlock()
		for _, b := range ls {
			b.l.Close()
		}
		return ErrServerClosed
	}
	s.bgWG.Add(len(ls))
	s.mu.Unlock()
	for _, b := range ls {
		s.log.Info("ocipserver: listening", "transport", b.transport, "addr", b.l.Addr().String())
		go func() {
			defer s.bgWG.Done()
			if err := s.serve(b.l, b.transport); err != nil && !errors.Is(err, ErrServerClosed) {
				s.log.Error("ocipserver: listener failed", "transport", b.transport, "addr", b.l.Addr().String(), "err", err)
			}
		}()
	}
	return nil
}

// ServeTCP accepts plain OCI-P connections on l until Shutdown or Close,
// then returns ErrServerClosed. It closes l.
func (s *Server) ServeTCP(l net.Listener) error { return s.serve(l, TransportTCP) }

// ServeTLS accepts connections on l and runs an implicit TLS handshake on
// each with Config.TLSConfig, as ServeTCP otherwise.
func (s *Server) ServeTLS(l net.Listener) error {
	if s.cfg.TLSConfig == nil {
		l.Close()
		return errors.New("ocipserver: ServeTLS without Config.TLSConfig")
	}
	return s.serve(l, TransportTLS)
}

// TCPAddr and TLSAddr return the address of a listener being served for
// that transport, or nil.
func (s *Server) TCPAddr() net.Addr { return s.listenerAddr(TransportTCP) }

// TLSAddr: see TCPAddr.
func (s *Server) TLSAddr() net.Addr { return s.listenerAddr(TransportTLS) }

func (s *Server) listenerAddr(transport string) net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	for l, t := range s.listeners {
		if t == transport {
			return l.Addr()
		}
	}
	return nil
}

// Shutdown stops the server gracefully: it closes the listeners, closes
// connections that are idle between documents, lets every document already
// read finish and its reply be written (a connection closes once it has
// answered everything it received), lets SOAP requests in flight finish,
// and stops the session janitor. HTTP listeners belong to the caller, who
// should shut down its http.Server first or concurrently; SOAP requests
// arriving after Shutdown began get a 503 fault.
//
// If ctx ends first, Shutdown cancels the contexts of the Process calls
// still running, closes every connection and returns ctx.Err(); the
// remaining goroutines end as soon as their Process calls return.
func (s *Server) Shutdown(ctx context.Context) error {
	s.beginShutdown()
	done := make(chan struct{})
	go func() {
		s.listenersWG.Wait()
		s.workWG.Wait()
		s.bgWG.Wait()
		close(done)
	}()
	select {
	case <-done:
		s.cancel()
		s.log.Info("ocipserver: shut down")
		return nil
	case <-ctx.Done():
		s.forceClose()
		s.log.Warn("ocipserver: shutdown deadline passed; in-flight work cancelled", "err", ctx.Err())
		return ctx.Err()
	}
}

// Close stops the server at once: listeners and all connections are
// closed, Process contexts cancelled. It waits for the server's goroutines,
// so it returns only when every Process call has returned.
func (s *Server) Close() error {
	s.beginShutdown()
	s.forceClose()
	s.listenersWG.Wait()
	s.workWG.Wait()
	s.bgWG.Wait()
	return nil
}

// beginShutdown marks the server as shutting down, closes the listeners
// and the idle connections. It is idempotent.
func (s *Server) beginShutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inShutdown.Load() {
		return
	}
	s.inShutdown.Store(true)
	close(s.done)
	for l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		c.closeIfIdle()
	}
}

func (s *Server) forceClose() {
	s.cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	for l := range s.listeners {
		l.Close()
	}
	for c := range s.conns {
		c.forceClose()
	}
}

// trackListener registers l, or refuses when shutting down.
func (s *Server) trackListener(l net.Listener, transport string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inShutdown.Load() {
		return false
	}
	s.listeners[l] = transport
	s.listenersWG.Add(1)
	return true
}

func (s *Server) untrackListener(l net.Listener) {
	s.mu.Lock()
	delete(s.listeners, l)
	s.mu.Unlock()
	s.listenersWG.Done()
}

// beginWork registers a unit of work Shutdown waits for (a SOAP request),
// or refuses when shutting down.
func (s *Server) beginWork() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inShutdown.Load() {
		return false
	}
	s.workWG.Add(1)
	return true
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	c := &s.stats
	return Stats{
		ConnsAccepted:       c.connsAccepted.Load(),
		ConnsRejected:       c.connsRejected.Load(),
		ConnsOpen:           c.connsOpen.Load(),
		TLSHandshakeErrors:  c.tlsHandshakeErrors.Load(),
		Documents:           c.documents.Load(),
		FramingErrors:       c.framingErrors.Load(),
		IdleTimeouts:        c.idleTimeouts.Load(),
		WriteErrors:         c.writeErrors.Load(),
		ProcessPanics:       c.processPanics.Load(),
		SOAPRequests:        c.soapRequests.Load(),
		SOAPFaults:          c.soapFaults.Load(),
		SOAPSessions:        c.sessions.Load(),
		SOAPSessionsExpired: c.sessionsExpired.Load(),
		SOAPSessionsEvicted: c.sessionsEvicted.Load(),
		SOAPSessionsRefused: c.sessionsRefused.Load(),
	}
}

// sessionRecorder is implemented by the transports' binders: the last OCI
// session id the pipeline asked about, echoed in replies the transport
// writes itself.
type sessionRecorder interface{ lastSessionID() string }

// process calls the Processor, turning a panic or an empty answer into an
// [Error 9999] document so that a reply is always owed and always sent.
// failed reports that case; the TCP transport then closes the connection,
// since the login state may have been left half updated.
func (s *Server) process(ctx context.Context, b Binder, doc []byte, fromSOAP bool) (resp []byte, notLoggedIn, failed bool) {
	defer func() {
		if r := recover(); r != nil {
			s.stats.processPanics.Add(1)
			id := newIncidentID()
			s.log.Error("ocipserver: Process panicked", "transport", b.Transport(), "remote", b.RemoteAddr(),
				"incident", id, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			resp, notLoggedIn, failed = s.internalError(b, id), false, true
		}
	}()
	resp, notLoggedIn = s.proc.Process(ctx, b, doc, fromSOAP)
	if len(resp) == 0 {
		id := newIncidentID()
		s.log.Error("ocipserver: Process returned no response", "transport", b.Transport(), "remote", b.RemoteAddr(), "incident", id)
		return s.internalError(b, id), false, true
	}
	return resp, notLoggedIn, false
}

func (s *Server) internalError(b Binder, id string) []byte {
	var sid string
	if r, ok := b.(sessionRecorder); ok {
		sid = r.lastSessionID()
	}
	return appendErrorDocument(nil, sid, codeInternal, "Internal server error (id "+id+")", "")
}

// newIncidentID names a failure in both the reply and the log.
func newIncidentID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// warnRejected logs refused connections at Warn at most every 10 seconds
// (a flood must not flood the log too) and at Debug always.
func (s *Server) warnRejected(reason string, remote net.Addr) {
	s.log.Debug("ocipserver: connection refused", "reason", reason, "remote", remote.String())
	now := time.Now().UnixNano()
	last := s.lastReject.Load()
	if now-last < int64(10*time.Second) || !s.lastReject.CompareAndSwap(last, now) {
		return
	}
	s.log.Warn("ocipserver: refusing connections over a limit", "reason", reason, "remote", remote.String(),
		"refused_total", s.stats.connsRejected.Load(), "max_conns", s.cfg.MaxConns, "max_conns_per_ip", s.cfg.MaxConnsPerIP)
}
