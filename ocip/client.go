package ocip

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema"
	"github.com/switchboard/switchboard/ocip/schema/core"
)

// LoginMode selects how each connection logs in.
type LoginMode int

const (
	// LoginAuto signs the password (LoginSigned) on plain TCP and sends it
	// (LoginPlain) over TLS.
	LoginAuto LoginMode = iota
	// LoginSigned is the two-step flow: AuthenticationRequest for a nonce,
	// then LoginRequest14sp4 with the signed password. Every server accepts it.
	LoginSigned
	// LoginPlain is LoginRequest22V5 carrying the password itself, which
	// servers in AS mode require for that request. Use it over TLS only.
	LoginPlain
)

func (m LoginMode) String() string {
	switch m {
	case LoginAuto:
		return "auto"
	case LoginSigned:
		return "signed"
	case LoginPlain:
		return "plain"
	}
	return "LoginMode(" + strconv.Itoa(int(m)) + ")"
}

// Config configures a Client. Zero values mean the documented defaults.
type Config struct {
	// Addr is host:port, conventionally port 2208 for TCP and 2209 for TLS.
	Addr string
	// URL, when set, selects the SOAP transport instead: it is the
	// endpoint, such as https://host/webservice/services/ProvisioningService,
	// and Addr is ignored. TLS then configures HTTPS. Each pool connection
	// is a SOAP session of its own (its own OCI sessionId and JSESSIONID
	// cookie) over one shared HTTP client.
	URL string
	// TLS, when not nil, makes every connection open with a TLS handshake
	// (OCI-P's TLS is implicit). nil means plain TCP, or for an https URL
	// the system's default TLS settings.
	TLS *tls.Config
	// User and Password are the administrator (or user) credentials.
	User, Password string
	// Login selects the login flow; the default is LoginAuto.
	Login LoginMode
	// Conns is the pool size: the number of connections, each logged in
	// separately and each carrying one document at a time. Default 1.
	Conns int
	// MaxBatch is the most commands one document carries, whether they
	// come from one Batch or from concurrent calls sharing a document;
	// default and maximum MaxCommands (15), the schema's limit.
	MaxBatch int
	// DialTimeout bounds connecting and logging in one connection,
	// including the TLS handshake. It also bounds a keep-alive exchange.
	// Default 10 s.
	DialTimeout time.Duration
	// MaxConnAge, when positive, recycles a connection older than this
	// before its next use: it is closed and a new one logged in. Servers
	// and load balancers that cap session lifetimes need it.
	MaxConnAge time.Duration
	// KeepAlive, when positive, makes a connection that stayed idle this
	// long send VerifySessionIsValidRequest, so that server and firewall
	// idle timeouts never fire. A failed keep-alive only marks the
	// connection for a redial on its next use.
	KeepAlive time.Duration
	// Logger receives connection events and, at debug level, one record
	// per document exchanged (connection, commands, duration, error
	// codes); never passwords or payloads. nil discards them.
	Logger *slog.Logger
	// Trace, when not nil, is called with every document sent and
	// received, login included, with secrets masked by Redact. It runs on
	// the connection's goroutine, possibly concurrently for different
	// connections, so it must be safe for concurrent use and quick.
	Trace func(TraceEvent)
}

// Client is an OCI-P client over a pool of logged-in connections (TCP,
// TLS or SOAP sessions). It is safe for concurrent use.
//
// Calls are queued and each connection, when free, takes queued calls and
// sends them together as one document of up to MaxBatch commands: under
// concurrency, Send, Do and Raw calls share documents, each caller getting
// its own reply, and a Batch chunk always travels whole, in order, in one
// document. Replies are paired with requests by position within their
// document; a connection that fails in any way is closed and redialled
// for the next document, so a late reply can never answer another request.
type Client struct {
	cfg     Config
	log     *slog.Logger
	queue   chan *call
	workers []*worker
	done    chan struct{}
	// ctx bounds dials made after Dial returned; Close cancels it.
	ctx    context.Context
	cancel context.CancelFunc
	// secure tells whether the transport encrypts (TLS or https), which
	// LoginAuto uses to choose the flow.
	secure bool
	http   *http.Client // SOAP transport only
	nextID atomic.Int64 // connection ids for tracing and logs

	mu     sync.Mutex
	closed bool
}

// Result is the outcome of one command of a Batch: exactly one of Response
// and Err is set. Err is an *ErrorResponse when the server refused the
// command, or the transport error that lost the whole document.
type Result struct {
	Response ocixml.Command
	Err      error
}

// Dial opens Config.Conns connections to the server and logs each in. It
// fails, closing whatever it opened, if any of them fails; a login refused
// by the server is reported as a wrapped *ErrorResponse.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.Conns < 0 || cfg.MaxBatch < 0 || cfg.MaxBatch > MaxCommands {
		return nil, fmt.Errorf("ocip: invalid Config: Conns %d, MaxBatch %d (at most %d)", cfg.Conns, cfg.MaxBatch, MaxCommands)
	}
	if cfg.Login < LoginAuto || cfg.Login > LoginPlain {
		return nil, fmt.Errorf("ocip: invalid Config: unknown %v", cfg.Login)
	}
	if cfg.MaxConnAge < 0 || cfg.KeepAlive < 0 {
		return nil, fmt.Errorf("ocip: invalid Config: negative MaxConnAge %v or KeepAlive %v", cfg.MaxConnAge, cfg.KeepAlive)
	}
	if cfg.Conns == 0 {
		cfg.Conns = 1
	}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = MaxCommands
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	c := &Client{cfg: cfg, log: cfg.Logger, queue: make(chan *call), done: make(chan struct{}), secure: cfg.TLS != nil}
	if cfg.URL != "" {
		if err := c.setupSOAP(); err != nil {
			return nil, err
		}
	} else if cfg.Addr == "" {
		return nil, errors.New("ocip: invalid Config: neither Addr nor URL is set")
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.workers = make([]*worker, cfg.Conns)
	errs := make([]error, cfg.Conns)
	var wg sync.WaitGroup
	for i := range c.workers {
		w := &worker{c: c}
		c.workers[i] = w
		wg.Go(func() {
			ln, err := c.connect(ctx)
			if err != nil {
				errs[i] = err
				return
			}
			c.setLink(w, ln)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		c.Close()
		return nil, err
	}
	for _, w := range c.workers {
		go w.run()
	}
	return c, nil
}

// Close closes every connection. Calls in flight fail with ErrClosed.
// It sends no LogoutRequest: closing the socket ends an OCI-P session, and
// a SOAP session ends with the server's idle timeout.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	close(c.done)
	if c.cancel != nil {
		c.cancel()
	}
	for _, w := range c.workers {
		if w.ln != nil {
			w.ln.w.close()
		}
	}
	if c.http != nil {
		c.http.CloseIdleConnections()
	}
	return nil
}

// Send sends one request and returns the response. An ErrorResponse comes
// back as an *ErrorResponse error. Concurrent calls may share a document.
//
// A call whose context ends stops waiting at once. If its command was
// still queued it is dropped unsent. If it is already on the
// wire it may still run: its reply is then discarded, and the connection
// is kept as long as other callers wait on the same document (replies are
// paired by position, so the pairing stays right); when every caller of a
// document has given up, the connection is closed, since the server may
// be stuck, and redialled on next use. A request whose connection broke
// may or may not have been executed; it is not retried.
func (c *Client) Send(ctx context.Context, req ocixml.Command) (ocixml.Command, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cl := getCall(ctx)
	cl.one[0] = req
	cl.cmds = cl.one[:]
	if err := c.submit(ctx, cl); err != nil {
		putCall(cl)
		return nil, err
	}
	rs, err := c.wait(ctx, cl)
	if err != nil {
		return nil, err
	}
	r := rs[0]
	putCall(cl)
	if e, ok := r.(*core.ErrorResponse); ok {
		return nil, newErrorResponse(e, req.XSIType())
	}
	return r, nil
}

// Do is Send with the response's type checked: Resp is the expected
// response type, such as *user.UserGetResponse23V2 or *core.SuccessResponse.
func Do[Resp ocixml.Command](ctx context.Context, c *Client, req ocixml.Command) (Resp, error) {
	var zero Resp
	r, err := c.Send(ctx, req)
	if err != nil {
		return zero, err
	}
	typed, ok := r.(Resp)
	if !ok {
		return zero, fmt.Errorf("ocip: %s answered with %s, not the expected %T", req.XSIType(), r.XSIType(), zero)
	}
	return typed, nil
}

// Batch sends reqs in documents of at most Config.MaxBatch commands, the
// documents running concurrently over the pool, and returns one Result
// per request in order. The server runs the commands of one document in
// order, but documents run in parallel, so commands that depend on each
// other belong in one Batch only if they fit in one document. Each chunk
// travels whole in one document; a short last chunk may share its
// document with concurrent Send calls.
//
// The error is nil when every document was answered, even if some
// commands were refused (see each Result's Err); otherwise it joins the
// transport errors, which are also set on the Results they cost.
func (c *Client) Batch(ctx context.Context, reqs ...ocixml.Command) ([]Result, error) {
	results := make([]Result, len(reqs))
	// Chunks are queued one after the other: submit returns as soon as a
	// connection takes a chunk, so the pool fills without a goroutine per
	// chunk, and a chunk is never split across documents.
	calls := make([]*call, 0, (len(reqs)+c.cfg.MaxBatch-1)/c.cfg.MaxBatch)
	var errs []error
	for start := 0; start < len(reqs); start += c.cfg.MaxBatch {
		chunk := reqs[start:min(start+c.cfg.MaxBatch, len(reqs))]
		err := ctx.Err()
		var cl *call
		if err == nil {
			cl = getCall(ctx)
			cl.cmds = chunk
			if err = c.submit(ctx, cl); err != nil {
				putCall(cl)
			}
		}
		if err != nil {
			for i := start; i < len(reqs); i++ {
				results[i].Err = err
			}
			errs = append(errs, err)
			break
		}
		calls = append(calls, cl)
	}
	for k, cl := range calls {
		start := k * c.cfg.MaxBatch
		out := results[start : start+len(cl.cmds)]
		rs, err := c.wait(ctx, cl)
		for i, req := range cl.cmds {
			switch {
			case err != nil:
				out[i].Err = err
			case isError(rs[i]):
				out[i].Err = newErrorResponse(rs[i].(*core.ErrorResponse), req.XSIType())
			default:
				out[i].Response = rs[i]
			}
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		putCall(cl)
	}
	return results, errors.Join(errs...)
}

func isError(r ocixml.Command) bool {
	_, ok := r.(*core.ErrorResponse)
	return ok
}

// Raw sends a request built by name from a map, for tools and scripts that
// do not know the command at compile time. Each key is a child element;
// values may be strings, bools, integers, floats, nil (written
// xsi:nil="true"), nested map[string]any for complex elements, and []any
// or []string for repeated elements. A key starting with "@" is an
// attribute instead (for example "@xsi:type" on a nested element of an
// abstract type). Elements are written in sorted key order, which the
// decoders accept since they match children by name. The command is
// decoded and validated against the schema before anything is sent.
func (c *Client) Raw(ctx context.Context, name string, fields map[string]any) (ocixml.Command, error) {
	req, err := BuildRequest(name, fields)
	if err != nil {
		return nil, err
	}
	return c.Send(ctx, req)
}

// BuildRequest is Raw without sending: it returns the typed request built
// from fields (see Raw for their form), validated against the schema, or
// an error naming the first field that does not fit. Tools use it to
// check input before connecting, as bulk --dry-run does.
func BuildRequest(name string, fields map[string]any) (ocixml.Command, error) {
	if sc, ok := schema.Lookup(name); !ok || sc.Kind != schema.KindRequest {
		return nil, fmt.Errorf("ocip: %q is not a request in the schema", name)
	}
	b := []byte(Declaration + `<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">raw</sessionId><command xmlns=""`)
	b = ocixml.AppendAttr(b, "xsi:type", name)
	b, err := appendFields(b, fields, "command")
	if err != nil {
		return nil, fmt.Errorf("ocip: %s: %w", name, err)
	}
	b = append(b, "</command></BroadsoftDocument>"...)
	doc, err := Decode(b, DecodeOptions{Validate: true})
	if err != nil {
		return nil, fmt.Errorf("ocip: %s: %w", name, err)
	}
	return doc.Commands[0], nil
}

// appendFields writes the attributes of fields, closes the start tag of
// the element being written, then its children and text.
func appendFields(b []byte, fields map[string]any, path string) ([]byte, error) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if name, ok := strings.CutPrefix(k, "@"); ok {
			s, ok := scalarText(fields[k])
			if !ok {
				return nil, fmt.Errorf("%s/%s: attribute value of type %T", path, k, fields[k])
			}
			b = ocixml.AppendAttr(b, name, s)
		}
	}
	b = append(b, '>')
	for _, k := range keys {
		if strings.HasPrefix(k, "@") {
			continue
		}
		var err error
		if b, err = appendElement(b, k, fields[k], path+"/"+k); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func appendElement(b []byte, name string, v any, path string) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(append(append(b, '<'), name...), ` xsi:nil="true"/>`...), nil
	case map[string]any:
		b = append(append(b, '<'), name...)
		b, err := appendFields(b, v, path)
		if err != nil {
			return nil, err
		}
		return append(append(append(b, "</"...), name...), '>'), nil
	case []any:
		for i, e := range v {
			var err error
			if b, err = appendElement(b, name, e, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return nil, err
			}
		}
		return b, nil
	case []string:
		for _, e := range v {
			b = ocixml.AppendString(b, name, e)
		}
		return b, nil
	}
	s, ok := scalarText(v)
	if !ok {
		return nil, fmt.Errorf("%s: unsupported value of type %T", path, v)
	}
	return ocixml.AppendString(b, name, s), nil
}

func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), true
	}
	return "", false
}

// ScanTable copies the rows of an OCITable into structs: each field tagged
// `ocip:"Column Heading"` takes that column's cell. Fields may be strings,
// integers or bools; an empty cell leaves the zero value. A tagged heading
// the table lacks is an error, since it is most likely a typo.
func ScanTable[T any](t ocixml.Table) ([]T, error) {
	rt := reflect.TypeFor[T]()
	if rt.Kind() != reflect.Struct {
		return nil, fmt.Errorf("ocip: ScanTable needs a struct type, not %v", rt)
	}
	type binding struct{ field, col int }
	var binds []binding
	for i := range rt.NumField() {
		f := rt.Field(i)
		h, ok := f.Tag.Lookup("ocip")
		if !ok || !f.IsExported() {
			continue
		}
		col := t.Column(h)
		if col < 0 {
			return nil, fmt.Errorf("ocip: ScanTable: the table has no column %q (field %s)", h, f.Name)
		}
		switch f.Type.Kind() {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		default:
			return nil, fmt.Errorf("ocip: ScanTable: field %s has unsupported type %v", f.Name, f.Type)
		}
		binds = append(binds, binding{i, col})
	}
	out := make([]T, t.Len())
	for r := range out {
		row := t.Row(r)
		v := reflect.ValueOf(&out[r]).Elem()
		for _, bd := range binds {
			cell := row[bd.col]
			if cell == "" {
				continue
			}
			fv := v.Field(bd.field)
			switch fv.Kind() {
			case reflect.String:
				fv.SetString(cell)
			case reflect.Bool:
				x, err := strconv.ParseBool(cell)
				if err != nil {
					return nil, fmt.Errorf("ocip: ScanTable: row %d, column %q: %w", r, t.Headings[bd.col], err)
				}
				fv.SetBool(x)
			default:
				x, err := strconv.ParseInt(cell, 10, fv.Type().Bits())
				if err != nil {
					return nil, fmt.Errorf("ocip: ScanTable: row %d, column %q: %w", r, t.Headings[bd.col], err)
				}
				fv.SetInt(x)
			}
		}
	}
	return out, nil
}
