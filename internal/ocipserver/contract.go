package ocipserver

import (
	"context"
	"sync"
	"time"
)

// Processor turns one request document into one response document. The
// pipeline (pipeline.go) implements it; the transports (tcp.go, soap.go)
// only move bytes and keep login state.
type Processor interface {
	// Process handles one complete request document (the bytes as cut by
	// the framer, or the text unwrapped from a SOAP body, already UTF-8
	// when fromSOAP). It always returns a complete response document,
	// declaration and trailing newline included. notLoggedIn reports that
	// every command was refused because the session is not logged in: the
	// SOAP transport answers that with a SOAP Fault, as BroadWorks does.
	Process(ctx context.Context, b Binder, doc []byte, fromSOAP bool) (resp []byte, notLoggedIn bool)
}

// Binder gives the pipeline the login state for the OCI session id a
// document carries. A TCP or TLS connection has exactly one state whatever
// the session id (a login belongs to the socket); an HTTP session
// (JSESSIONID) keeps one state per OCI session id.
type Binder interface {
	State(sessionID string) *LoginState
	// Transport names the transport for logs and metrics: "tcp", "tls",
	// "soap" or "soaps".
	Transport() string
	RemoteAddr() string
}

// LoginState is what a session knows about its login. Its mutex guards
// every field: SOAP requests of one HTTP session may run concurrently.
type LoginState struct {
	Mu sync.Mutex
	// Nonce is the outstanding AuthenticationRequest nonce ("" when
	// none), for NonceUser; it is consumed by the next login attempt.
	Nonce     string
	NonceUser string
	// Principal is the logged-in identity, nil before login and after
	// logout.
	Principal any
	LoginAt   time.Time
}

// LoggedIn reports whether the state holds an identity. The caller holds Mu.
func (s *LoginState) LoggedIn() bool { return s.Principal != nil }

// Reset forgets the login and any nonce (logout, socket close, HTTP
// session expiry). The caller holds Mu.
func (s *LoginState) Reset() {
	s.Nonce, s.NonceUser, s.Principal, s.LoginAt = "", "", nil, time.Time{}
}
