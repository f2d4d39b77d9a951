// Package ocitest is a small OCI-P client over TCP or TLS for Switchboard's
// own end-to-end tests, benchmarks and load generator: one connection, one
// document in flight, the two-step signed login. The public SDK client
// (package ocip) is the full-featured one; this one stays minimal so tests
// measure the server, not the client.
package ocitest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
)

// Conn is one OCI-P connection. Not safe for concurrent use.
type Conn struct {
	nc      net.Conn
	fr      *ocixml.FrameReader
	session string
	buf     []byte
	// Timeout bounds one round trip (0: none).
	Timeout time.Duration
}

var seq atomic.Int64

// Dial connects over TCP, or over TLS when cfg is not nil.
func Dial(addr string, cfg *tls.Config) (*Conn, error) {
	var nc net.Conn
	var err error
	d := &net.Dialer{Timeout: 10 * time.Second}
	if cfg != nil {
		nc, err = tls.DialWithDialer(d, "tcp", addr, cfg)
	} else {
		nc, err = d.Dial("tcp", addr)
	}
	if err != nil {
		return nil, err
	}
	// Responses are not bounded like requests: a system-wide user list
	// is tens of megabytes.
	return &Conn{nc: nc, fr: ocixml.NewFrameReader(nc, ocixml.FrameOptions{MaxSize: 512 << 20}),
		session: "ocitest-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatInt(seq.Add(1), 10),
		Timeout: 30 * time.Second}, nil
}

// Close closes the connection.
func (c *Conn) Close() error { return c.nc.Close() }

// Raw sends one document and returns the raw response document.
func (c *Conn) Raw(doc []byte) ([]byte, error) {
	if c.Timeout > 0 {
		c.nc.SetDeadline(time.Now().Add(c.Timeout))
	}
	if _, err := c.nc.Write(doc); err != nil {
		return nil, err
	}
	return c.fr.Next()
}

// Do sends cmds in one document and returns the responses in order.
func (c *Conn) Do(cmds ...ocixml.Command) ([]ocixml.Command, error) {
	doc := ocip.Document{SessionID: c.session, Commands: cmds}
	c.buf = doc.AppendXML(c.buf[:0])
	raw, err := c.Raw(c.buf)
	if err != nil {
		return nil, err
	}
	resp, err := ocip.Decode(raw, ocip.DecodeOptions{MaxSize: 512 << 20})
	if err != nil {
		return nil, fmt.Errorf("ocitest: response: %w", err)
	}
	if len(resp.Commands) != len(cmds) {
		return nil, fmt.Errorf("ocitest: %d responses for %d commands", len(resp.Commands), len(cmds))
	}
	return resp.Commands, nil
}

// Error is an ErrorResponse as a Go error.
type Error struct{ R *core.ErrorResponse }

func (e *Error) Error() string { return e.R.Summary }

// Code is the response's error code (0 when absent).
func (e *Error) Code() int {
	if e.R.ErrorCode == nil {
		return 0
	}
	return int(*e.R.ErrorCode)
}

// One sends one command and turns an ErrorResponse into an *Error.
func (c *Conn) One(cmd ocixml.Command) (ocixml.Command, error) {
	r, err := c.Do(cmd)
	if err != nil {
		return nil, err
	}
	if e, ok := r[0].(*core.ErrorResponse); ok {
		return nil, &Error{e}
	}
	return r[0], nil
}

// Login runs AuthenticationRequest then LoginRequest14sp4 with the signed
// password, the flow every client supports.
func (c *Conn) Login(user, password string) error {
	r, err := c.One(&deprecated.AuthenticationRequest{UserID: datatypes.UserId(user)})
	if err != nil {
		return err
	}
	auth, ok := r.(*deprecated.AuthenticationResponse)
	if !ok {
		return errors.New("ocitest: unexpected " + r.XSIType())
	}
	signed := datatypes.SignedPassword(ocip.SignedPassword(auth.Nonce, password))
	_, err = c.One(&deprecated.LoginRequest14sp4{UserID: datatypes.UserId(user), SignedPassword: &signed})
	return err
}
