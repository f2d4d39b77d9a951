package ocip

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/switchboard/switchboard/ocip/ocixml"
)

// soapSessionCookie is the HTTP session cookie of the BroadWorks web
// service (Tomcat). The server keeps logins under the pair (cookie, OCI
// sessionId), so each SOAP session keeps its own.
const soapSessionCookie = "JSESSIONID"

// setupSOAP validates Config.URL and builds the one HTTP client all SOAP
// sessions share, its idle pool sized so every session keeps a connection.
func (c *Client) setupSOAP() error {
	u, err := url.Parse(c.cfg.URL)
	if err != nil {
		return fmt.Errorf("ocip: invalid Config.URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("ocip: invalid Config.URL %q: want http:// or https:// and a host", c.cfg.URL)
	}
	if u.Scheme == "http" && c.cfg.TLS != nil {
		return fmt.Errorf("ocip: invalid Config: TLS set for the plain http URL %q", c.cfg.URL)
	}
	c.secure = u.Scheme == "https"
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if c.cfg.TLS != nil {
		tr.TLSClientConfig = c.cfg.TLS.Clone()
	}
	tr.MaxIdleConns = c.cfg.Conns
	tr.MaxIdleConnsPerHost = c.cfg.Conns
	// Responses are bounded by maxResponseSize; compression would only
	// hide the size until decompressed.
	tr.DisableCompression = true
	c.http = &http.Client{
		Transport: tr,
		// A redirect would replay the POST elsewhere; report it instead.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return nil
}

// soapWire is one SOAP session: an OCI sessionId (held by the link) and
// the JSESSIONID the server gave it. HTTP pairs each reply with its
// request, but the wire is still closed after any failure, which makes the
// next use log in afresh rather than guess what the server kept.
type soapWire struct {
	c      *Client
	id     int64
	ctx    context.Context // cancelled by close, which aborts a request
	cancel context.CancelFunc
	cookie string // owned by the goroutine calling exchange
	env    []byte
	body   bytes.Buffer

	mu     sync.Mutex
	closed bool
}

func (c *Client) newSOAPWire(id int64) *soapWire {
	ctx, cancel := context.WithCancel(c.ctx)
	return &soapWire{c: c, id: id, ctx: ctx, cancel: cancel}
}

func (w *soapWire) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.cancel()
}

func (w *soapWire) usable() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return !w.closed
}

func (w *soapWire) exchange(out []byte) (*Document, error) {
	w.env = ocixml.AppendSOAPRequest(w.env[:0], out)
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, w.c.cfg.URL, bytes.NewReader(w.env))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `""`)
	if w.cookie != "" {
		req.AddCookie(&http.Cookie{Name: soapSessionCookie, Value: w.cookie})
	}
	resp, err := w.c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == soapSessionCookie {
			w.cookie = ck.Value
		}
	}
	w.body.Reset()
	if _, err := w.body.ReadFrom(io.LimitReader(resp.Body, maxResponseSize+1)); err != nil {
		return nil, fmt.Errorf("reading the SOAP response: %w", err)
	}
	if w.body.Len() > maxResponseSize {
		return nil, fmt.Errorf("SOAP response exceeds %d bytes", maxResponseSize)
	}
	if w.body.Cap() > 1<<20 {
		defer func() { w.body = bytes.Buffer{} }() // do not keep a huge buffer
	}
	text, err := ocixml.UnwrapSOAPResponse(w.body.Bytes())
	switch {
	case err != nil && resp.StatusCode == http.StatusOK:
		return nil, &answerError{fmt.Errorf("invalid SOAP response: %w", err)}
	case err != nil:
		if f := (*ocixml.SOAPFault)(nil); errors.As(err, &f) {
			return nil, &answerError{fmt.Errorf("SOAP fault (HTTP %s): %w", resp.Status, err)}
		}
		return nil, &answerError{fmt.Errorf("HTTP %s from %s", resp.Status, w.c.cfg.URL)}
	case resp.StatusCode != http.StatusOK:
		return nil, &answerError{fmt.Errorf("HTTP %s from %s", resp.Status, w.c.cfg.URL)}
	}
	if w.c.cfg.Trace != nil {
		w.c.traceDoc(TraceReceived, w.id, []byte(text))
	}
	doc, err := DecodeString(text, DecodeOptions{SkipUnknown: true, MaxSize: maxResponseSize})
	if err != nil {
		return nil, &answerError{fmt.Errorf("invalid response document: %w", err)}
	}
	return doc, nil
}

// answerError is a reply that arrived but is no OCI-P answer (a SOAP
// Fault, an HTTP error, a malformed document): not a lost connection,
// though the session is still dropped.
type answerError struct{ err error }

func (e *answerError) Error() string { return e.err.Error() }
func (e *answerError) Unwrap() error { return e.err }
