package ocip

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/login"
)

// maxResponseSize bounds one response document. Responses are far larger
// than requests: a system-wide user list runs to tens of megabytes.
const maxResponseSize = 512 << 20

// wire is the transport of one logged-in session: a TCP or TLS socket, or
// a SOAP session. OCI-P has no request ids, so a reply is paired with its
// request only by order; every implementation must be closed after any
// failure so that nothing received later is ever paired with a new request.
type wire interface {
	// exchange sends one encoded document and returns the decoded reply.
	// It is called by one goroutine at a time; close may run concurrently
	// and makes it return.
	exchange(out []byte) (*Document, error)
	// usable reports whether the wire can carry a new document.
	usable() bool
	// close is safe from any goroutine, any number of times.
	close()
}

// link is one logged-in session and what the client knows about it.
type link struct {
	w       wire
	id      int64
	session string
	born    time.Time
}

// call is one queued unit of work: a single command from Send, or a Batch
// chunk that must travel whole. The worker that takes it sends exactly one
// value on done, and touches the call no more after that, which is what
// lets the caller recycle it once it has received.
type call struct {
	ctx  context.Context
	cmds []ocixml.Command
	one  [1]ocixml.Command // backing array for a single command
	rs   []ocixml.Command
	err  error
	done chan struct{}
}

var callPool = sync.Pool{New: func() any { return &call{done: make(chan struct{}, 1)} }}

func getCall(ctx context.Context) *call {
	cl := callPool.Get().(*call)
	cl.ctx = ctx
	return cl
}

// putCall recycles a call that no worker holds: never taken, or answered
// and received.
func putCall(cl *call) {
	*cl = call{done: cl.done}
	callPool.Put(cl)
}

// submit hands cl to a free connection. The queue is unbuffered, so a call
// whose caller gave up before a connection took it is never sent.
func (c *Client) submit(ctx context.Context, cl *call) error {
	select {
	case <-c.done:
		return ErrClosed
	default:
	}
	select {
	case c.queue <- cl:
		return nil
	case <-c.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// wait returns cl's answers. On a context or Close error the caller must
// not recycle cl: the worker still holds it.
func (c *Client) wait(ctx context.Context, cl *call) ([]ocixml.Command, error) {
	select {
	case <-cl.done:
		return cl.rs, cl.err
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.done:
		return nil, ErrClosed
	}
}

// worker owns one place in the pool: its link, redialled when it breaks,
// and the goroutine that feeds it documents from the queue.
type worker struct {
	c  *Client
	ln *link // replaced under Client.mu, so Close can reach it

	buf   []byte
	batch []*call
	cmds  []ocixml.Command
	stops []func() bool
	// carry is a call taken from the queue that did not fit in the
	// previous document; it goes first in the next one.
	carry *call
}

func (w *worker) run() {
	c := w.c
	var (
		tick  *time.Timer
		tickC <-chan time.Time
	)
	if c.cfg.KeepAlive > 0 {
		tick = time.NewTimer(c.cfg.KeepAlive)
		defer tick.Stop()
		tickC = tick.C
	}
	for {
		first := w.carry
		w.carry = nil
		if first == nil {
			select {
			case first = <-c.queue:
			case <-c.done:
				return
			case <-tickC:
				w.keepAlive()
				tick.Reset(c.cfg.KeepAlive)
				continue
			}
		}
		// Coalesce: whatever else is queued right now rides along, up to
		// MaxBatch commands. Nothing waits for more to arrive, so a lone
		// call pays no latency for the chance of company.
		w.batch = append(w.batch[:0], first)
		n := len(first.cmds)
	fill:
		for n < c.cfg.MaxBatch {
			select {
			case cl := <-c.queue:
				if n+len(cl.cmds) > c.cfg.MaxBatch {
					w.carry = cl
					break fill
				}
				w.batch = append(w.batch, cl)
				n += len(cl.cmds)
			default:
				break fill
			}
		}
		w.serve()
		clear(w.batch)
		if tick != nil {
			tick.Reset(c.cfg.KeepAlive)
		}
	}
}

// serve sends the calls in w.batch as one document and hands each caller
// its slice of the reply.
func (w *worker) serve() {
	c := w.c
	live := w.batch[:0]
	for _, cl := range w.batch {
		if cl.ctx.Err() == nil {
			live = append(live, cl)
		}
		// A caller that already left is dropped unanswered: it never
		// reads done, and nobody recycles the call.
	}
	if len(live) == 0 {
		return
	}
	ln, err := w.ready()
	if err != nil {
		deliver(live, nil, err)
		return
	}
	w.cmds = w.cmds[:0]
	for _, cl := range live {
		w.cmds = append(w.cmds, cl.cmds...)
	}
	w.watch(live, ln)
	rs, err := c.roundTrip(ln, w.cmds, &w.buf)
	for i, stop := range w.stops {
		stop()
		w.stops[i] = nil
	}
	w.stops = w.stops[:0]
	clear(w.cmds)
	if err != nil && c.isClosed() {
		err = ErrClosed
	}
	deliver(live, rs, err)
}

func deliver(calls []*call, rs []ocixml.Command, err error) {
	off := 0
	for _, cl := range calls {
		n := len(cl.cmds)
		if err == nil {
			cl.rs = rs[off : off+n : off+n]
		} else {
			cl.err = err
		}
		off += n
		cl.done <- struct{}{}
	}
}

// abandon closes a wire once every caller of its document has given up.
type abandon struct {
	left atomic.Int32
	w    wire
}

func (a *abandon) drop() {
	if a.left.Add(-1) == 0 {
		a.w.close()
	}
}

// watch arranges for ln to be closed if every caller in calls gives up
// while the document is in flight. As long as one caller still waits, the
// connection stays: the others' replies are simply discarded.
func (w *worker) watch(calls []*call, ln *link) {
	for _, cl := range calls {
		if cl.ctx.Done() == nil {
			return // this caller never gives up
		}
	}
	a := &abandon{w: ln.w}
	a.left.Store(int32(len(calls)))
	for _, cl := range calls {
		w.stops = append(w.stops, context.AfterFunc(cl.ctx, a.drop))
	}
}

// ready returns a live link, recycling an old one and redialling a broken
// one.
func (w *worker) ready() (*link, error) {
	c := w.c
	if ln := w.ln; ln != nil {
		switch {
		case !ln.w.usable():
			c.log.Info("ocip: connection lost, reconnecting", "addr", c.endpoint(), "conn", ln.id)
		case c.cfg.MaxConnAge > 0 && time.Since(ln.born) >= c.cfg.MaxConnAge:
			c.log.Debug("ocip: recycling connection", "addr", c.endpoint(), "conn", ln.id, "age", time.Since(ln.born))
			ln.w.close()
		default:
			return ln, nil
		}
		c.setLink(w, nil)
	}
	ln, err := c.connect(c.ctx)
	if err != nil {
		if c.isClosed() {
			return nil, ErrClosed
		}
		return nil, err
	}
	if !c.setLink(w, ln) {
		ln.w.close()
		return nil, ErrClosed
	}
	return ln, nil
}

// keepAlive runs on an idle worker. A link that is broken or due for
// recycling is left for the next use to replace; a failed check closes the
// link so that use redials.
func (w *worker) keepAlive() {
	c := w.c
	ln := w.ln
	if ln == nil || !ln.w.usable() || (c.cfg.MaxConnAge > 0 && time.Since(ln.born) >= c.cfg.MaxConnAge) {
		return
	}
	t := time.AfterFunc(c.cfg.DialTimeout, ln.w.close)
	defer t.Stop()
	rs, err := c.roundTrip(ln, []ocixml.Command{&login.VerifySessionIsValidRequest{}}, &w.buf)
	if err == nil {
		if e, ok := rs[0].(*core.ErrorResponse); ok {
			err = newErrorResponse(e, "VerifySessionIsValidRequest")
		}
	}
	if err != nil {
		ln.w.close()
		if !c.isClosed() {
			c.log.Info("ocip: keep-alive failed; reconnecting on next use", "addr", c.endpoint(), "conn", ln.id, "err", err)
		}
	}
}

// setLink publishes a worker's link so Close can reach it; it reports
// false (and leaves the worker without a link) once the client is closed.
func (c *Client) setLink(w *worker, ln *link) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed && ln != nil {
		return false
	}
	w.ln = ln
	return true
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func (c *Client) endpoint() string {
	if c.cfg.URL != "" {
		return c.cfg.URL
	}
	return c.cfg.Addr
}

// roundTrip sends cmds as one document over ln and returns the answers in
// order. On any failure the wire is closed: after a broken exchange there
// is no way to know which reply would come next.
func (c *Client) roundTrip(ln *link, cmds []ocixml.Command, buf *[]byte) ([]ocixml.Command, error) {
	start := time.Now()
	doc := Document{SessionID: ln.session, Commands: cmds}
	*buf = doc.AppendXML((*buf)[:0])
	c.traceDoc(TraceSent, ln.id, *buf)
	r, err := ln.w.exchange(*buf)
	if err != nil {
		ln.w.close()
		if ae := (*answerError)(nil); errors.As(err, &ae) {
			err = fmt.Errorf("ocip: %w", ae.err)
		} else {
			err = fmt.Errorf("ocip: connection lost: %w", err)
		}
	} else if r.SessionID != ln.session || len(r.Commands) != len(cmds) {
		ln.w.close()
		err = fmt.Errorf("ocip: protocol error: reply with session %q and %d commands to a document with session %q and %d commands",
			r.SessionID, len(r.Commands), ln.session, len(cmds))
	}
	if c.log.Enabled(context.Background(), slogDebug) {
		c.logExchange(ln, cmds, r, err, time.Since(start))
	}
	if err != nil {
		return nil, err
	}
	return r.Commands, nil
}

// one sends a single command on ln outside the queue (login) and turns an
// ErrorResponse into an error.
func (c *Client) one(ln *link, req ocixml.Command) (ocixml.Command, error) {
	var buf []byte
	rs, err := c.roundTrip(ln, []ocixml.Command{req}, &buf)
	if err != nil {
		return nil, err
	}
	if e, ok := rs[0].(*core.ErrorResponse); ok {
		return nil, newErrorResponse(e, req.XSIType())
	}
	return rs[0], nil
}

// connect opens and logs in one new link within DialTimeout.
func (c *Client) connect(ctx context.Context) (*link, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()
	ln := &link{id: c.nextID.Add(1), session: rand.Text(), born: time.Now()}
	if c.cfg.URL != "" {
		ln.w = c.newSOAPWire(ln.id)
	} else {
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
		ln.w = newTCPWire(c, ln.id, nc)
	}
	// Ending the context closes the wire, which unblocks the exchange.
	stop := context.AfterFunc(ctx, ln.w.close)
	err := c.login(ln)
	stop()
	if err != nil {
		ln.w.close()
		if ctx.Err() != nil && !errors.As(err, new(*ErrorResponse)) {
			err = fmt.Errorf("ocip: connect %s: %w", c.endpoint(), ctx.Err())
		}
		return nil, fmt.Errorf("%w (logging in as %s)", err, c.cfg.User)
	}
	c.log.Debug("ocip: connected", "addr", c.endpoint(), "conn", ln.id, "tls", c.secure, "user", c.cfg.User, "login", c.loginMode().String())
	return ln, nil
}

func (c *Client) loginMode() LoginMode {
	if c.cfg.Login != LoginAuto {
		return c.cfg.Login
	}
	// Without encryption the password must not cross the wire in clear, so
	// use the nonce flow; over TLS the one-step login saves a round trip.
	if !c.secure {
		return LoginSigned
	}
	return LoginPlain
}

func (c *Client) login(ln *link) error {
	user := datatypes.UserId(c.cfg.User)
	if c.loginMode() == LoginPlain {
		pw := datatypes.Password(c.cfg.Password)
		_, err := c.one(ln, &login.LoginRequest22V5{UserID: user, Password: &pw})
		return err
	}
	r, err := c.one(ln, &deprecated.AuthenticationRequest{UserID: user})
	if err != nil {
		return err
	}
	auth, ok := r.(*deprecated.AuthenticationResponse)
	if !ok {
		return fmt.Errorf("ocip: AuthenticationRequest answered with %s", r.XSIType())
	}
	signed := datatypes.SignedPassword(SignedPassword(auth.Nonce, c.cfg.Password))
	_, err = c.one(ln, &deprecated.LoginRequest14sp4{UserID: user, SignedPassword: &signed})
	return err
}

// tcpWire is one logged-in TCP or TLS socket.
type tcpWire struct {
	c  *Client
	id int64
	nc net.Conn
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

func newTCPWire(c *Client, id int64, nc net.Conn) *tcpWire {
	w := &tcpWire{c: c, id: id, nc: nc, replies: make(chan reply, 1), quit: make(chan struct{})}
	go w.readLoop(ocixml.NewFrameReader(nc, ocixml.FrameOptions{MaxSize: maxResponseSize}))
	return w
}

// readLoop decodes here rather than in the caller because the frame
// aliases the reader's buffer, which the next Next overwrites.
func (w *tcpWire) readLoop(fr *ocixml.FrameReader) {
	for {
		var r reply
		raw, err := fr.Next()
		if err != nil {
			r.err = err
		} else {
			w.c.traceDoc(TraceReceived, w.id, raw)
			r.doc, r.err = Decode(raw, DecodeOptions{SkipUnknown: true, MaxSize: maxResponseSize})
		}
		select {
		case w.replies <- r:
		case <-w.quit:
			return
		}
		if r.err != nil {
			return
		}
	}
}

func (w *tcpWire) close() {
	w.closeOnce.Do(func() {
		close(w.quit)
		w.nc.Close()
	})
}

// usable reports whether the socket can carry a new request: not closed,
// and with nothing received since the last reply. A pending read error
// means the server hung up; a pending document was never asked for, and
// pairing it with the next request would shift every later answer.
func (w *tcpWire) usable() bool {
	select {
	case <-w.quit:
		return false
	case <-w.replies:
		w.close()
		return false
	default:
		return true
	}
}

func (w *tcpWire) exchange(out []byte) (*Document, error) {
	if _, err := w.nc.Write(out); err != nil {
		return nil, err
	}
	select {
	case r := <-w.replies:
		return r.doc, r.err
	case <-w.quit:
		return nil, net.ErrClosed
	}
}

// commandNames lists cmds' types for a log record, "A,B,B".
func commandNames(cmds []ocixml.Command) string {
	var b strings.Builder
	for i, cmd := range cmds {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(cmd.XSIType())
	}
	return b.String()
}

// errorCodes lists the ErrorResponse codes among rs, "4008,4008", or "".
func errorCodes(rs []ocixml.Command) string {
	var b []byte
	for _, r := range rs {
		if e, ok := r.(*core.ErrorResponse); ok {
			if len(b) > 0 {
				b = append(b, ',')
			}
			code := 0
			if e.ErrorCode != nil {
				code = int(*e.ErrorCode)
			}
			b = strconv.AppendInt(b, int64(code), 10)
		}
	}
	return string(b)
}
