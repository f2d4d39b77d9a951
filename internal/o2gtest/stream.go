package o2gtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Subscription is the answer of POST /subscriptions.
type Subscription struct {
	SubscriptionID    string `json:"subscriptionId"`
	Status            string `json:"status"`
	Message           string `json:"message"`
	PrivatePollingURL string `json:"privatePollingUrl"`
	PublicPollingURL  string `json:"publicPollingUrl"`
}

// PollingURL is the polling URL for the client's access mode, taken
// verbatim as the SDK does.
func (c *Client) PollingURL(s Subscription) string {
	if c.Private {
		return s.PrivatePollingURL
	}
	return s.PublicPollingURL
}

// Subscribe posts a SubscriptionRequest (any JSON-encodable body) to the
// session's Subscriptions service. A REFUSED answer is not an error here:
// the caller checks Status, as the SDK does.
func (c *Client) Subscribe(ctx context.Context, body any) (Subscription, error) {
	var out Subscription
	u, ok := c.Service("subscriptions")
	if !ok {
		return out, errors.New("o2g: the session lists no subscriptions service")
	}
	err := c.Do(ctx, http.MethodPost, u, body, &out)
	return out, err
}

// ErrTimeout is what Next returns when no line came in time.
var ErrTimeout = errors.New("o2gtest: no event within the timeout")

// Stream is an open event stream, read line by line as the Node SDK does:
// split on "\n", trim, skip empty lines.
type Stream struct {
	resp   *http.Response
	cancel context.CancelFunc
	lines  chan []byte
	once   sync.Once

	mu  sync.Mutex
	err error // why the reader stopped (io.EOF: clean end of body)
}

// OpenStream opens the event stream at pollingURL the way the Node SDK
// does: POST, Accept: */*, no body, no content type and no cookie (the
// Stream client has no jar). A non-2xx answer is an *Error.
func (c *Client) OpenStream(ctx context.Context, pollingURL string) (*Stream, error) {
	return c.OpenStreamMethod(ctx, http.MethodPost, pollingURL)
}

// OpenStreamMethod is OpenStream with another method (GET, as some
// clients use).
func (c *Client) OpenStreamMethod(ctx context.Context, method, pollingURL string) (*Stream, error) {
	ctx, cancel := context.WithCancel(ctx)
	req, err := http.NewRequestWithContext(ctx, method, pollingURL, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	req.Header.Set("Accept", "*/*")
	req.Header.Set("User-Agent", "node")
	resp, err := c.Stream.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		e := &Error{Status: resp.StatusCode, Body: string(data)}
		_ = json.Unmarshal(data, &e.Info)
		return nil, e
	}
	st := &Stream{resp: resp, cancel: cancel, lines: make(chan []byte, 1024)}
	go st.read()
	return st, nil
}

// Header is the stream response's header.
func (st *Stream) Header() http.Header { return st.resp.Header }

// Response is the stream's HTTP response (status, protocol, transfer
// encoding); its body belongs to the stream.
func (st *Stream) Response() *http.Response { return st.resp }

func (st *Stream) read() {
	defer close(st.lines)
	br := bufio.NewReaderSize(st.resp.Body, 64<<10)
	for {
		line, err := br.ReadBytes('\n')
		if t := bytes.TrimSpace(line); len(t) > 0 {
			st.lines <- append([]byte(nil), t...)
		}
		if err != nil {
			st.mu.Lock()
			st.err = err
			st.mu.Unlock()
			return
		}
	}
}

// NextRaw returns the next non-empty line, trimmed. At the end of the
// stream it returns the reader's error (io.EOF for a clean end).
func (st *Stream) NextRaw(timeout time.Duration) ([]byte, error) {
	select {
	case l, ok := <-st.lines:
		if !ok {
			st.mu.Lock()
			defer st.mu.Unlock()
			if st.err == nil {
				return nil, io.EOF
			}
			return nil, st.err
		}
		return l, nil
	case <-time.After(timeout):
		return nil, ErrTimeout
	}
}

// Next returns the next event, decoded.
func (st *Stream) Next(timeout time.Duration) (map[string]any, error) {
	l, err := st.NextRaw(timeout)
	if err != nil {
		return nil, err
	}
	var ev map[string]any
	if err := json.Unmarshal(l, &ev); err != nil {
		return nil, fmt.Errorf("o2gtest: stream line %q: %w", l, err)
	}
	return ev, nil
}

// NextEvent returns the next event that is not an OnChannelInformation.
func (st *Stream) NextEvent(timeout time.Duration) (map[string]any, error) {
	deadline := time.Now().Add(timeout)
	for {
		ev, err := st.Next(time.Until(deadline))
		if err != nil || ev["eventName"] != "OnChannelInformation" {
			return ev, err
		}
	}
}

// Close aborts the stream, as the SDK does on shutdown.
func (st *Stream) Close() {
	st.once.Do(func() {
		st.cancel()
		st.resp.Body.Close()
	})
}
