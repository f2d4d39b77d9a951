package ocipserver

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard/switchboard/ocip/ocixml"
)

// Transport names, as Binder.Transport reports them.
const (
	TransportTCP   = "tcp"
	TransportTLS   = "tls"
	TransportSOAP  = "soap"
	TransportSOAPS = "soaps"
)

// After a fatal framing error the server replies, stops writing and reads
// (discarding) for a moment before closing: closing a socket with unread
// input makes the kernel send a reset, which can destroy the reply before
// the client has read it.
const (
	lingerTimeout = 2 * time.Second
	lingerMax     = 8 << 20
)

// Connection states, for Shutdown. A connection is idle while nothing of a
// next document has been received; Shutdown closes idle connections and
// leaves the others to finish the document they are reading or answering.
const (
	connIdle    int32 = iota // between documents (or in the TLS handshake)
	connActive               // a document is being read, processed or answered
	connClosing              // Shutdown or Close claimed the connection
)

// conn is one TCP or TLS connection. Its goroutine (serve) owns everything
// but state, which Shutdown also changes, and the login state's fields,
// which are guarded by their mutex.
type conn struct {
	s         *Server
	raw       net.Conn // the accepted socket
	nc        net.Conn // raw, or the tls.Conn over it
	transport string
	ip        netip.Addr
	remote    string

	state atomic.Int32
	// pending counts significant bytes received but not yet handed out as
	// part of a document: more than zero means the framer holds (part of)
	// another document. Only the connection goroutine touches it.
	pending int64

	login   LoginState
	sidMu   sync.Mutex
	lastSID string
}

// serve runs the accept loop for one listener.
func (s *Server) serve(l net.Listener, transport string) error {
	if !s.trackListener(l, transport) {
		l.Close()
		return ErrServerClosed
	}
	defer s.untrackListener(l)
	defer l.Close()
	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if s.inShutdown.Load() {
				return ErrServerClosed
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			// Out of file descriptors and the like: wait and retry rather
			// than spin or give up on the listener.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.log.Warn("ocipserver: accept failed; retrying", "transport", transport, "err", err, "retry_in", backoff)
			select {
			case <-time.After(backoff):
			case <-s.done:
				return ErrServerClosed
			}
			continue
		}
		backoff = 0
		s.stats.connsAccepted.Add(1)
		ip := remoteIP(nc.RemoteAddr())
		if reason := s.limiter.acquire(ip); reason != "" {
			s.stats.connsRejected.Add(1)
			s.warnRejected(reason, nc.RemoteAddr())
			nc.Close()
			continue
		}
		c := &conn{s: s, raw: nc, nc: nc, transport: transport, ip: ip, remote: nc.RemoteAddr().String()}
		if !s.trackConn(c) {
			s.limiter.release(ip)
			s.stats.connsRejected.Add(1)
			nc.Close()
			return ErrServerClosed
		}
		go c.serve()
	}
}

// trackConn registers c for Shutdown, or refuses when shutting down.
func (s *Server) trackConn(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inShutdown.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	s.workWG.Add(1)
	s.stats.connsOpen.Add(1)
	return true
}

// Binder implementation: one login state per connection, whatever the
// session id, because a BroadWorks login belongs to the socket.

func (c *conn) State(sessionID string) *LoginState {
	c.sidMu.Lock()
	c.lastSID = sessionID
	c.sidMu.Unlock()
	return &c.login
}

func (c *conn) Transport() string  { return c.transport }
func (c *conn) RemoteAddr() string { return c.remote }

func (c *conn) lastSessionID() string {
	c.sidMu.Lock()
	defer c.sidMu.Unlock()
	return c.lastSID
}

// Read is what the FrameReader reads through: it marks the connection
// active as soon as a byte of a document arrives, so that Shutdown leaves
// it alone. If Shutdown claimed the connection first, the bytes are
// dropped: the client sent them as the server was closing.
func (c *conn) Read(p []byte) (int, error) {
	n, err := c.nc.Read(p)
	if n > 0 {
		sig := significant(p[:n])
		c.pending += sig
		if sig > 0 && !c.markActive() {
			return 0, net.ErrClosed
		}
	}
	return n, err
}

// SetReadDeadline lets the FrameReader enforce its timeouts on the socket.
func (c *conn) SetReadDeadline(t time.Time) error { return c.nc.SetReadDeadline(t) }

func (c *conn) markActive() bool {
	for {
		switch st := c.state.Load(); st {
		case connActive:
			return true
		case connClosing:
			return false
		default:
			if c.state.CompareAndSwap(st, connActive) {
				return true
			}
		}
	}
}

// markIdle records that the connection owes nothing. It reports false when
// the connection must close instead: Shutdown claimed it, or is running
// and this goroutine claims it itself.
func (c *conn) markIdle() bool {
	if !c.state.CompareAndSwap(connActive, connIdle) && c.state.Load() != connIdle {
		return false
	}
	// Shutdown sets inShutdown before it scans the connections, and this
	// goroutine stores connIdle before it reads inShutdown, so at least one
	// of the two sees the other and the connection cannot be left open.
	if c.s.inShutdown.Load() && c.state.CompareAndSwap(connIdle, connClosing) {
		return false
	}
	return true
}

// closeIfIdle is Shutdown's part: claim an idle connection and close its
// socket, which ends the goroutine's blocked read. Called under Server.mu.
func (c *conn) closeIfIdle() {
	if c.state.CompareAndSwap(connIdle, connClosing) {
		c.raw.Close()
	}
}

func (c *conn) forceClose() {
	c.state.Store(connClosing)
	c.raw.Close()
}

func (c *conn) closing() bool { return c.state.Load() == connClosing }

// serve reads documents one at a time and answers each before reading the
// next: clients never pipeline, and answers must come back in order.
func (c *conn) serve() {
	s := c.s
	defer c.finish()
	log := s.log.With("transport", c.transport, "remote", c.remote)
	log.Debug("ocipserver: connection opened")
	if c.transport == TransportTLS {
		if !c.handshake(log) {
			return
		}
	}
	fr := ocixml.NewFrameReader(c, ocixml.FrameOptions{
		MaxSize:     s.cfg.MaxDocumentSize,
		IdleTimeout: positive(s.cfg.IdleTimeout),
		ReadTimeout: positive(s.cfg.ReadTimeout),
	})
	for {
		doc, err := fr.Next()
		if err != nil {
			c.readFailed(log, err)
			return
		}
		c.pending -= significant(doc)
		s.stats.documents.Add(1)
		resp, _, failed := s.process(s.baseCtx, c, doc, false)
		if !c.write(log, resp) {
			return
		}
		if failed {
			c.closeGently()
			return
		}
		if c.pending <= 0 && !c.markIdle() {
			return
		}
	}
}

func (c *conn) handshake(log *slog.Logger) bool {
	tc := tls.Server(c.raw, c.s.cfg.TLSConfig)
	c.nc = tc
	ctx := c.s.baseCtx
	if d := c.s.cfg.HandshakeTimeout; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	if err := tc.HandshakeContext(ctx); err != nil {
		if !c.closing() {
			c.s.stats.tlsHandshakeErrors.Add(1)
			log.Debug("ocipserver: TLS handshake failed", "err", err)
		}
		return false
	}
	return true
}

// write sends one response in one Write call, so that it leaves as one
// piece (clients read until "</BroadsoftDocument>\n").
func (c *conn) write(log *slog.Logger, resp []byte) bool {
	if resp[len(resp)-1] != '\n' {
		// The contract asks for the newline; one C# client hangs without it.
		resp = append(resp[:len(resp):len(resp)], '\n')
	}
	if d := c.s.cfg.WriteTimeout; d > 0 {
		_ = c.nc.SetWriteDeadline(time.Now().Add(d))
	}
	if _, err := c.nc.Write(resp); err != nil {
		if !c.closing() {
			// Usually a peer that closed right after sending (nigelm's
			// logout); nothing is lost but the reply it did not want.
			c.s.stats.writeErrors.Add(1)
			log.Debug("ocipserver: writing response failed", "err", err)
		}
		return false
	}
	return true
}

// readFailed ends the connection after FrameReader.Next failed. The framer
// cannot resynchronise a stream, so every error ends it; when the client
// may still be waiting for an answer to what it sent (an oversized or
// unframeable document, or one that stalled), it gets an [Error 6004]
// first, echoing the session id of its previous document.
func (c *conn) readFailed(log *slog.Logger, err error) {
	s := c.s
	switch {
	case c.closing():
		// Closed by Shutdown or Close.
	case errors.Is(err, io.EOF):
		log.Debug("ocipserver: connection closed by peer")
	case errors.Is(err, ocixml.ErrFrameTimeout) && c.pending <= 0:
		s.stats.idleTimeouts.Add(1)
		log.Debug("ocipserver: idle timeout", "idle_timeout", s.cfg.IdleTimeout)
	case errors.Is(err, ocixml.ErrFrameTooLarge), errors.Is(err, ocixml.ErrFrameSyntax), errors.Is(err, ocixml.ErrFrameTimeout):
		s.stats.framingErrors.Add(1)
		log.Info("ocipserver: cannot read request document; closing after an error reply", "err", err)
		text := "OCI XML Request validation error"
		if c.write(log, appendErrorDocument(nil, c.lastSessionID(), codeValidation, text, err.Error())) {
			c.closeGently()
		}
	case errors.Is(err, io.ErrUnexpectedEOF):
		s.stats.framingErrors.Add(1)
		log.Debug("ocipserver: peer closed inside a document")
	case errors.Is(err, net.ErrClosed), errors.Is(err, os.ErrDeadlineExceeded):
		log.Debug("ocipserver: connection closed", "err", err)
	default:
		log.Debug("ocipserver: read failed", "err", err)
	}
}

// closeGently half-closes and drains for a moment, so that the reply just
// written reaches the client before the socket is torn down.
func (c *conn) closeGently() {
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	_ = c.nc.SetReadDeadline(time.Now().Add(lingerTimeout))
	_, _ = io.CopyN(io.Discard, c.nc, lingerMax)
}

// finish releases everything the connection held. The login ends with the
// socket.
func (c *conn) finish() {
	s := c.s
	c.state.Store(connClosing)
	c.nc.Close()
	c.login.Mu.Lock()
	c.login.Reset()
	c.login.Mu.Unlock()
	s.limiter.release(c.ip)
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.stats.connsOpen.Add(-1)
	s.log.Debug("ocipserver: connection closed", "transport", c.transport, "remote", c.remote)
	s.workWG.Done()
}

// positive maps the "negative means none" convention of Config onto the
// "zero means none" one of FrameOptions.
func positive(d time.Duration) time.Duration { return max(d, 0) }
