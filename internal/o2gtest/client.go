// Package o2gtest is an O2G client that behaves on the wire like ALE's
// official SDKs (notes/o2g-api.md §1 and §5), for Switchboard's own tests
// and benchmarks: it bootstraps through the descriptor, authenticates with
// Basic auth, keeps cookies in a jar and replays them on every call, takes
// its service URLs from the session's service list, and opens event
// streams with a POST that carries no cookie.
package o2gtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"time"
)

// Client is one application's connection to an O2G server. Not safe for
// concurrent Login/Logout; Do may be called concurrently.
type Client struct {
	// HTTP carries every REST call, with the cookie jar.
	HTTP *http.Client
	// Stream carries event streams: same TLS trust, no cookie jar, no
	// timeout, as the Node SDK's global fetch.
	Stream *http.Client
	// Addr is host:port of the server.
	Addr string
	// Private selects the private URLs of each pair (the SDK's private
	// access mode); false uses the public ones.
	Private bool
	// TimeToLive, when set, is asked for in the session request (seconds).
	TimeToLive int

	// Session is the SessionInfo of the open session.
	Session SessionInfo
	base    string
	svc     map[string]string
}

// SessionInfo is what the client reads of a session.
type SessionInfo struct {
	Admin          bool   `json:"admin"`
	Login          string `json:"login"`
	TimeToLive     int    `json:"timeToLive"`
	PublicBaseURL  string `json:"publicBaseUrl"`
	PrivateBaseURL string `json:"privateBaseUrl"`
	Services       []struct {
		ServiceName string `json:"serviceName"`
		RelativeURL string `json:"relativeUrl"`
	} `json:"services"`
	OtherSessions []struct {
		SessionID string `json:"sessionId"`
	} `json:"otherSessions"`
}

// New returns a client of the server at addr trusting roots.
func New(addr string, roots *x509.CertPool) *Client {
	jar, _ := cookiejar.New(nil)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, MaxIdleConnsPerHost: 16}
	return &Client{
		HTTP:   &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second},
		Stream: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}},
		Addr:   addr,
	}
}

// Error is a non-2xx answer, with its RestErrorInfo when the body held one.
type Error struct {
	Status int
	Info   map[string]any
	Body   string
}

func (e *Error) Error() string {
	return fmt.Sprintf("o2g: HTTP %d: %s", e.Status, strings.TrimSpace(e.Body))
}

// Type is the RestErrorInfo type, "" without one.
func (e *Error) Type() string {
	t, _ := e.Info["type"].(string)
	return t
}

// Login runs the SDK's start sequence: descriptor, authenticate, session.
func (c *Client) Login(ctx context.Context, login, password, app string) error {
	var desc struct {
		Versions []struct {
			ID          string `json:"id"`
			Status      string `json:"status"`
			PublicURL   string `json:"publicUrl"`
			InternalURL string `json:"internalUrl"`
		} `json:"versions"`
	}
	if err := c.call(ctx, http.MethodGet, "https://"+c.Addr+"/api/rest", nil, &desc, nil); err != nil {
		return fmt.Errorf("descriptor: %w", err)
	}
	authURL := ""
	for _, v := range desc.Versions {
		if v.ID == "1.0" {
			authURL = v.PublicURL
			if c.Private {
				authURL = v.InternalURL
			}
		}
	}
	if authURL == "" {
		return errors.New("o2g: the descriptor has no version 1.0")
	}
	var auth struct {
		PublicURL   string `json:"publicUrl"`
		InternalURL string `json:"internalUrl"`
	}
	if err := c.call(ctx, http.MethodGet, authURL, nil, &auth, func(r *http.Request) { r.SetBasicAuth(login, password) }); err != nil {
		return fmt.Errorf("authenticate: %w", err)
	}
	sessURL := auth.PublicURL
	if c.Private {
		sessURL = auth.InternalURL
	}
	sreq := map[string]any{"applicationName": app}
	if c.TimeToLive > 0 {
		sreq["timeToLive"] = c.TimeToLive
	}
	if err := c.call(ctx, http.MethodPost, sessURL, sreq, &c.Session, nil); err != nil {
		return fmt.Errorf("session: %w", err)
	}
	c.base = c.Session.PublicBaseURL
	if c.Private {
		c.base = c.Session.PrivateBaseURL
	}
	c.svc = map[string]string{}
	for _, s := range c.Session.Services {
		key := strings.ToLower(s.ServiceName)
		if _, seen := c.svc[key]; !seen {
			c.svc[key] = c.base + s.RelativeURL
		}
	}
	return nil
}

// Service is the URL of a service by its lower-cased name, as the Node
// SDK keys them ("users", "routing", "acd statistics"...).
func (c *Client) Service(name string) (string, bool) {
	u, ok := c.svc[name]
	return u, ok
}

// URL is an absolute URL under the session's base.
func (c *Client) URL(path string) string { return c.base + path }

// Do calls method on url (absolute, or relative to the session base when
// it starts with "/") with a JSON body (nil: none) and decodes a JSON
// answer into out (nil: ignore it). A non-2xx answer is an *Error.
func (c *Client) Do(ctx context.Context, method, url string, body, out any) error {
	if strings.HasPrefix(url, "/") {
		url = c.base + url
	}
	return c.call(ctx, method, url, body, out, nil)
}

// Keepalive is the SDK's periodic session refresh.
func (c *Client) Keepalive(ctx context.Context) error {
	return c.Do(ctx, http.MethodPost, "/sessions/keepalive", nil, nil)
}

// KeepAliveLoop refreshes the session as the Node SDK does, every 90 % of
// its time to live, until ctx ends or a keepalive fails (the SDK then
// starts its recovery); it returns that failure, or nil when ctx ended.
// Each successful keepalive is reported on done when it is not nil.
func (c *Client) KeepAliveLoop(ctx context.Context, done chan<- time.Time) error {
	every := time.Duration(c.Session.TimeToLive) * 900 * time.Millisecond
	if every <= 0 {
		return errors.New("o2g: the session has no time to live")
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := c.Keepalive(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			if done != nil {
				done <- time.Now()
			}
		}
	}
}

// Logout closes the session.
func (c *Client) Logout(ctx context.Context) error {
	return c.Do(ctx, http.MethodDelete, "/sessions", nil, nil)
}

func (c *Client) call(ctx context.Context, method, url string, body, out any, edit func(*http.Request)) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	// The Node SDK sends a JSON content type on every POST, body or not.
	if body != nil || method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "*/*")
	if edit != nil {
		edit(req)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &Error{Status: resp.StatusCode, Body: string(data)}
		_ = json.Unmarshal(data, &e.Info)
		return e
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("o2g: %s %s: invalid JSON answer: %w", method, url, err)
		}
	}
	return nil
}
