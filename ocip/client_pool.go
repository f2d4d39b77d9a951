package ocip

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"net"
	"sync"

	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/login"
)

// maxResponseSize bounds one response document. Responses are far larger
// than requests: a system-wide user list runs to tens of megabytes.
const maxResponseSize = 512 << 20

// slot is one place in the pool. It is owned by whoever took it from
// Client.idle; its cn is replaced (under Client.mu, so Close can see it)
// when the connection breaks.
type slot struct {
	cn *conn // nil: not connected, dial on next use
}

// conn is one logged-in socket. OCI-P has one document in flight per
// socket and no request ids, so a reply is paired with a request only by
// order; everything here exists to keep that order intact.
type conn struct {
	nc      net.Conn
	session string
	buf     []byte
	// replies carries each decoded document (or the read error that ends
	// the stream) from readLoop. A goroutine reads continuously so that a
	// socket the server closed while idle is noticed before it is reused.
	replies   chan reply
	quit      chan struct{}
	closeOnce sync.Once
}

type reply struct {
	doc *Document
	err error
}

func newConn(nc net.Conn) *conn {
	cn := &conn{nc: nc, session: rand.Text(), replies: make(chan reply, 1), quit: make(chan struct{})}
	go cn.readLoop(ocixml.NewFrameReader(nc, ocixml.FrameOptions{MaxSize: maxResponseSize}))
	return cn
}

// readLoop decodes here rather than in the caller because the frame
// aliases the reader's buffer, which the next Next overwrites.
func (cn *conn) readLoop(fr *ocixml.FrameReader) {
	for {
		var r reply
		raw, err := fr.Next()
		if err != nil {
			r.err = err
		} else {
			r.doc, r.err = Decode(raw, DecodeOptions{SkipUnknown: true, MaxSize: maxResponseSize})
		}
		select {
		case cn.replies <- r:
		case <-cn.quit:
			return
		}
		if r.err != nil {
			return
		}
	}
}

// close is safe to call from any goroutine, any number of times.
func (cn *conn) close() {
	cn.closeOnce.Do(func() {
		close(cn.quit)
		cn.nc.Close()
	})
}

// usable reports whether cn can carry a new request: not closed, and with
// nothing received since the last reply. A pending read error means the
// server hung up; a pending document was never asked for, and pairing it
// with the next request would shift every later answer.
func (cn *conn) usable() bool {
	select {
	case <-cn.quit:
		return false
	case <-cn.replies:
		cn.close()
		return false
	default:
		return true
	}
}

// roundTrip sends cmds as one document and returns the answers in order.
// On any failure the connection is closed: after an abandoned or broken
// exchange there is no way to know which reply would come next.
func (cn *conn) roundTrip(ctx context.Context, cmds []ocixml.Command) ([]ocixml.Command, error) {
	// Cancellation closes the socket, which unblocks a pending write and
	// guarantees the late reply is never read by anyone.
	stop := context.AfterFunc(ctx, cn.close)
	defer stop()
	doc := Document{SessionID: cn.session, Commands: cmds}
	cn.buf = doc.AppendXML(cn.buf[:0])
	if _, err := cn.nc.Write(cn.buf); err != nil {
		cn.close()
		return nil, cn.failure(ctx, err)
	}
	var r reply
	select {
	case r = <-cn.replies:
	case <-cn.quit:
		return nil, cn.failure(ctx, net.ErrClosed)
	}
	if r.err != nil {
		cn.close()
		return nil, cn.failure(ctx, r.err)
	}
	if r.doc.SessionID != cn.session || len(r.doc.Commands) != len(cmds) {
		cn.close()
		return nil, fmt.Errorf("ocip: protocol error: reply with session %q and %d commands to a document with session %q and %d commands",
			r.doc.SessionID, len(r.doc.Commands), cn.session, len(cmds))
	}
	return r.doc.Commands, nil
}

// failure prefers the context's error: when the call was cancelled, the
// socket error is only a consequence.
func (cn *conn) failure(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("ocip: connection lost: %w", err)
}

// one sends a single command and turns an ErrorResponse into an error.
func (cn *conn) one(ctx context.Context, req ocixml.Command) (ocixml.Command, error) {
	rs, err := cn.roundTrip(ctx, []ocixml.Command{req})
	if err != nil {
		return nil, err
	}
	if e, ok := rs[0].(*core.ErrorResponse); ok {
		return nil, newErrorResponse(e, req.XSIType())
	}
	return rs[0], nil
}

// connect dials and logs in one new connection within DialTimeout.
func (c *Client) connect(ctx context.Context) (*conn, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()
	var nc net.Conn
	var err error
	if c.cfg.TLS != nil {
		d := &tls.Dialer{Config: c.cfg.TLS}
		nc, err = d.DialContext(ctx, "tcp", c.cfg.Addr)
	} else {
		var d net.Dialer
		nc, err = d.DialContext(ctx, "tcp", c.cfg.Addr)
	}
	if err != nil {
		return nil, fmt.Errorf("ocip: dial %s: %w", c.cfg.Addr, err)
	}
	cn := newConn(nc)
	if err := c.login(ctx, cn); err != nil {
		cn.close()
		return nil, fmt.Errorf("%w (logging in as %s)", err, c.cfg.User)
	}
	c.log.Debug("ocip: connected", "addr", c.cfg.Addr, "tls", c.cfg.TLS != nil, "user", c.cfg.User, "login", c.loginMode().String())
	return cn, nil
}

func (c *Client) loginMode() LoginMode {
	if c.cfg.Login != LoginAuto {
		return c.cfg.Login
	}
	// Without TLS the password must not cross the wire in clear, so use the
	// nonce flow; over TLS the one-step login saves a round trip.
	if c.cfg.TLS == nil {
		return LoginSigned
	}
	return LoginPlain
}

func (c *Client) login(ctx context.Context, cn *conn) error {
	user := datatypes.UserId(c.cfg.User)
	if c.loginMode() == LoginPlain {
		pw := datatypes.Password(c.cfg.Password)
		_, err := cn.one(ctx, &login.LoginRequest22V5{UserID: user, Password: &pw})
		return err
	}
	r, err := cn.one(ctx, &deprecated.AuthenticationRequest{UserID: user})
	if err != nil {
		return err
	}
	auth, ok := r.(*deprecated.AuthenticationResponse)
	if !ok {
		return fmt.Errorf("ocip: AuthenticationRequest answered with %s", r.XSIType())
	}
	signed := datatypes.SignedPassword(SignedPassword(auth.Nonce, c.cfg.Password))
	_, err = cn.one(ctx, &deprecated.LoginRequest14sp4{UserID: user, SignedPassword: &signed})
	return err
}

// acquire takes a slot from the pool and makes sure it holds a live,
// logged-in connection, redialling if the previous one broke.
func (c *Client) acquire(ctx context.Context) (*slot, error) {
	var s *slot
	select {
	case s = <-c.idle:
	case <-c.done:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// select picks at random among ready cases, so a slot may win over a
	// closed done channel.
	if c.isClosed() {
		c.idle <- s
		return nil, ErrClosed
	}
	if s.cn != nil && s.cn.usable() {
		return s, nil
	}
	if s.cn != nil {
		c.log.Info("ocip: connection lost, reconnecting", "addr", c.cfg.Addr)
		c.setConn(s, nil)
	}
	cn, err := c.connect(ctx)
	if err != nil {
		c.idle <- s
		return nil, err
	}
	if !c.setConn(s, cn) {
		cn.close()
		c.idle <- s
		return nil, ErrClosed
	}
	return s, nil
}

func (c *Client) release(s *slot) { c.idle <- s }

// setConn publishes a slot's connection so Close can reach it; it reports
// false (and leaves the slot empty) once the client is closed.
func (c *Client) setConn(s *slot, cn *conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed && cn != nil {
		return false
	}
	s.cn = cn
	return true
}

// exchange runs one document over a pooled connection.
func (c *Client) exchange(ctx context.Context, cmds []ocixml.Command) ([]ocixml.Command, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := c.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer c.release(s)
	rs, err := s.cn.roundTrip(ctx, cmds)
	if err != nil && c.isClosed() {
		return nil, ErrClosed
	}
	return rs, err
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}
