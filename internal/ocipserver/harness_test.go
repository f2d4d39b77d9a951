package ocipserver

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/ocitest"
	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/store/sqlstore"
	"github.com/switchboard/switchboard/internal/store/storetest"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
)

// The command-semantics tests drive the real pipeline over a real SQLite
// store through a real TCP listener: each session is its own connection,
// sending canonical documents and decoding the replies, as a client does.
// newInProcessHarness skips the socket for the few tests that look at the
// Processor's own results (the not-logged-in flag) or measure it.

const (
	testAdmin    = "sysadmin"
	testPassword = "Sys-Admin-pw1"
)

type harness struct {
	t    testing.TB
	st   store.Store
	core *provisioning.Core
	p    *Pipeline
	addr string // the TCP listener; "" in process
}

// newHarness serves the pipeline on a TCP listener on 127.0.0.1.
func newHarness(t testing.TB) *harness {
	t.Helper()
	h := newInProcessHarness(t)
	srv, err := New(Config{}, h.p)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.ServeTCP(l)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	h.addr = l.Addr().String()
	return h
}

// newInProcessHarness calls Pipeline.Process directly.
func newInProcessHarness(t testing.TB) *harness {
	t.Helper()
	ctx := context.Background()
	st, err := openTestStore(t)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := provisioning.New(st, provisioning.Options{})
	if _, _, err := c.Bootstrap(ctx, testAdmin, testPassword); err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, st: st, core: c, p: NewPipeline(c, nil, 0)}
}

// testBinder is a TCP-like binder: one state for any session id.
type testBinder struct{ st LoginState }

func (b *testBinder) State(string) *LoginState { return &b.st }
func (b *testBinder) Transport() string        { return "test" }
func (b *testBinder) RemoteAddr() string       { return "127.0.0.1:1" }

// session is one logged-in (or not) connection.
type session struct {
	h    *harness
	b    *testBinder   // in process
	conn *ocitest.Conn // over TCP
	id   string
}

var sessionSeq atomic.Int64

func (h *harness) session() *session {
	s := &session{h: h, b: &testBinder{}, id: fmt.Sprintf("session-%d", sessionSeq.Add(1))}
	if h.addr != "" {
		c, err := ocitest.Dial(h.addr, nil)
		if err != nil {
			h.t.Fatal(err)
		}
		h.t.Cleanup(func() { c.Close() })
		s.conn = c
	}
	return s
}

// raw sends one document as bytes and returns the reply's bytes, and (in
// process only) the Processor's not-logged-in flag.
func (s *session) raw(doc []byte) ([]byte, bool) {
	s.h.t.Helper()
	if s.conn == nil {
		return s.h.p.Process(context.Background(), s.b, doc, false)
	}
	out, err := s.conn.Raw(doc)
	if err != nil {
		s.h.t.Fatalf("TCP round trip: %v", err)
	}
	return out, false
}

// login opens a session logged in as id with the plain-password flow.
func (h *harness) login(id, password string) *session {
	h.t.Helper()
	s := h.session()
	r := s.one(&deprecated.LoginRequest14sp4{UserID: datatypes.UserId(id), PlainTextPassword: ptr(datatypes.Password(password))})
	if e, ok := r.(*core.ErrorResponse); ok {
		h.t.Fatalf("login %s: %s", id, e.Summary)
	}
	return s
}

// admin is a session logged in as the bootstrap System administrator.
func (h *harness) admin() *session { return h.login(testAdmin, testPassword) }

// do sends one document with cmds and returns the decoded responses, and
// whether the pipeline flagged the whole document as not logged in.
func (s *session) doFlag(cmds ...ocixml.Command) ([]ocixml.Command, bool) {
	s.h.t.Helper()
	doc := &ocip.Document{SessionID: s.id, Commands: cmds}
	out, notLogged := s.raw(doc.AppendXML(nil))
	resp, err := ocip.Decode(out, ocip.DecodeOptions{MaxSize: 64 << 20})
	if err != nil {
		s.h.t.Fatalf("response does not decode: %v\n%s", err, out)
	}
	if resp.SessionID != s.id {
		s.h.t.Fatalf("session id not echoed: %q", resp.SessionID)
	}
	if len(resp.Commands) != len(cmds) {
		s.h.t.Fatalf("%d responses for %d commands:\n%s", len(resp.Commands), len(cmds), out)
	}
	return resp.Commands, notLogged
}

func (s *session) do(cmds ...ocixml.Command) []ocixml.Command {
	s.h.t.Helper()
	r, _ := s.doFlag(cmds...)
	return r
}

func (s *session) one(cmd ocixml.Command) ocixml.Command {
	s.h.t.Helper()
	return s.do(cmd)[0]
}

// ok sends cmd and fails the test unless the answer is SuccessResponse.
func (s *session) ok(cmd ocixml.Command) {
	s.h.t.Helper()
	r := s.one(cmd)
	if _, ok := r.(*core.SuccessResponse); !ok {
		s.h.t.Fatalf("%s: want SuccessResponse, got %s", cmd.XSIType(), describe(r))
	}
}

// fails sends cmd and checks it is refused with the given code.
func (s *session) fails(cmd ocixml.Command, code ocip.ErrorCode) *core.ErrorResponse {
	s.h.t.Helper()
	r := s.one(cmd)
	e, ok := r.(*core.ErrorResponse)
	if !ok {
		s.h.t.Fatalf("%s: want ErrorResponse %d, got %s", cmd.XSIType(), code, describe(r))
	}
	if e.ErrorCode == nil || *e.ErrorCode != int32(code) {
		s.h.t.Fatalf("%s: want error %d, got %s", cmd.XSIType(), code, describe(r))
	}
	return e
}

// get sends cmd and returns the response as T, failing on anything else.
func get[T ocixml.Command](s *session, cmd ocixml.Command) T {
	s.h.t.Helper()
	r := s.one(cmd)
	v, ok := r.(T)
	if !ok {
		s.h.t.Fatalf("%s: want %T, got %s", cmd.XSIType(), *new(T), describe(r))
	}
	return v
}

func describe(r ocixml.Command) string {
	if e, ok := r.(*core.ErrorResponse); ok {
		d := ""
		if e.Detail != nil {
			d = " (" + *e.Detail + ")"
		}
		return "ErrorResponse " + e.Summary + d
	}
	return r.XSIType()
}

func ptr[T any](v T) *T { return &v }

// mustActor logs the bootstrap administrator in through the core.
func mustActor(tb testing.TB, h *harness) any {
	tb.Helper()
	info, err := h.core.Login(context.Background(), testAdmin, provisioning.Credential{Password: testPassword})
	if err != nil {
		tb.Fatal(err)
	}
	return info.Actor
}

// openTestStore opens the store the command tests run on: SQLite in a
// temporary folder, or with SWITCHBOARD_TEST_STORE=postgres a fresh schema
// on the server named by SWITCHBOARD_TEST_POSTGRES_URL (.ci/run runs the
// package both ways).
func openTestStore(t testing.TB) (*sqlstore.Store, error) {
	if os.Getenv("SWITCHBOARD_TEST_STORE") == "postgres" {
		base := os.Getenv(storetest.PostgresEnv)
		if base == "" {
			t.Fatal("SWITCHBOARD_TEST_STORE=postgres needs " + storetest.PostgresEnv)
		}
		return sqlstore.OpenPostgres(context.Background(), storetest.PostgresSchema(t, base), sqlstore.Options{})
	}
	return sqlstore.OpenSQLite(context.Background(), t.TempDir(), sqlstore.Options{})
}
