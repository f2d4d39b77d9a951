package ocipserver

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/deprecated"
	"github.com/switchboard/switchboard/ocip/schema/login"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

func TestPipelineNotLoggedIn(t *testing.T) {
	h := newInProcessHarness(t) // the flag is the Processor's own result
	s := h.session()
	r, notLogged := s.doFlag(&system.SystemSoftwareVersionGetRequest{}, &login.VerifySessionIsValidRequest{})
	if !notLogged {
		t.Fatal("document not flagged as not logged in (SOAP would not fault)")
	}
	for _, c := range r {
		if e, ok := c.(*core.ErrorResponse); !ok || *e.ErrorCode != int32(ocip.CodeNotLoggedIn) {
			t.Fatalf("want 4001, got %s", describe(c))
		}
	}
}

func TestPipelinePerCommandResults(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	bad := &user.UserGetRequest23V2{UserID: ""} // violates the UserId length facet
	unsupported := &system.SystemAccessDeviceTypeGetListRequest{}
	ver := &system.SystemSoftwareVersionGetRequest{Echo: "tag-1"}
	r := s.do(ver, bad, unsupported, &login.VerifySessionIsValidRequest{})
	if v, ok := r[0].(*system.SystemSoftwareVersionGetResponse); !ok || v.Echo != "tag-1" {
		t.Fatalf("first command: %s (echo must be copied)", describe(r[0]))
	}
	if e, ok := r[1].(*core.ErrorResponse); !ok || *e.ErrorCode != 6004 || e.Detail == nil || !strings.Contains(*e.Detail, "userId") {
		t.Fatalf("second command: %s", describe(r[1]))
	}
	if e, ok := r[2].(*core.ErrorResponse); !ok || *e.ErrorCode != int32(ocip.CodeNotSupported) || !strings.Contains(e.Summary, "SystemAccessDeviceTypeGetListRequest") {
		t.Fatalf("third command: %s", describe(r[2]))
	}
	if _, ok := r[3].(*core.SuccessResponse); !ok {
		t.Fatalf("fourth command: %s", describe(r[3]))
	}
}

func TestPipelineMalformedDocument(t *testing.T) {
	// In process: over TCP a document that never ends is the framer's
	// business (transport_test.go), not the pipeline's.
	h := newInProcessHarness(t)
	s := h.admin()
	for _, doc := range []string{
		`<?xml version="1.0"?><BroadsoftDocument protocol="OCI" xmlns="C"><sessionId>x</sessionId><command xsi:type="Nope"/></BroadsoftDocument>`,
		`<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId>x</sessionId>`,
		`not xml at all`,
	} {
		out, _ := s.raw([]byte(doc))
		// A document with no session id is answered with an empty one,
		// which the strict decoder flags; the commands are still read.
		resp, err := ocip.Decode(out, ocip.DecodeOptions{})
		if len(resp.Commands) != 1 {
			t.Fatalf("%q: reply %v\n%s", doc, err, out)
		}
		if e, ok := resp.Commands[0].(*core.ErrorResponse); !ok || *e.ErrorCode != 6004 {
			t.Fatalf("%q: %s", doc, describe(resp.Commands[0]))
		}
	}
	// The session survives: the next document works.
	s.ok(&login.VerifySessionIsValidRequest{})
}

func TestPipelineSessionlessRefused(t *testing.T) {
	h := newInProcessHarness(t)
	doc := (&ocip.Document{UserID: testAdmin, Commands: []ocixml.Command{&system.SystemSoftwareVersionGetRequest{}}}).AppendXML(nil)
	out, _ := h.p.Process(context.Background(), &testBinder{}, doc, false)
	resp, err := ocip.Decode(out, ocip.DecodeOptions{})
	if err != nil || resp.UserID != testAdmin {
		t.Fatalf("%v %s", err, out)
	}
	if e, ok := resp.Commands[0].(*core.ErrorResponse); !ok || *e.ErrorCode != int32(ocip.CodeUnauthorized) {
		t.Fatalf("%s", describe(resp.Commands[0]))
	}
}

func TestPipelineLogoutAnyReason(t *testing.T) {
	h := newHarness(t)
	s := h.admin()
	reason := login.LogoutRequestReason("Made Up Reason")
	s.ok(&login.LogoutRequest{UserID: testAdmin, Reason: &reason})
	s.fails(&login.VerifySessionIsValidRequest{}, ocip.CodeNotLoggedIn)
	// The connection may log in again.
	s2 := h.admin()
	s2.ok(&login.VerifySessionIsValidRequest{})
}

// An account deleted or disabled after its login loses its rights at the
// session's next document.
func TestPipelineStaleLogin(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	info, err := h.core.Login(ctx, testAdmin, provisioning.Credential{Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.core.AddAdmin(ctx, info.Actor, provisioning.AdminAdd{Admin: store.Admin{ID: "second", Level: store.LevelSystem}, Password: "Second-pw1"}); err != nil {
		t.Fatal(err)
	}
	s := h.login("second", "Second-pw1")
	s.ok(&login.VerifySessionIsValidRequest{})
	if err := h.core.DeleteAdmin(ctx, info.Actor, "second"); err != nil {
		t.Fatal(err)
	}
	s.fails(&login.VerifySessionIsValidRequest{}, ocip.CodeNotLoggedIn)
}

// The bytes a client reads off the socket, pinned: declaration, namespace
// and prefix placement, echo, the c: prefix on SuccessResponse and
// ErrorResponse, the trailing newline.
func TestWireGolden(t *testing.T) {
	h := newHarness(t)
	// A bare socket, so that every byte the server writes is seen.
	nc, err := net.Dial("tcp", h.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	var pending []byte
	send := func(cmd string) string {
		t.Helper()
		doc := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">golden-1</sessionId>` + cmd + `</BroadsoftDocument>` + "\n"
		if _, err := nc.Write([]byte(doc)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4096)
		for !bytes.Contains(pending, []byte("</BroadsoftDocument>\n")) {
			n, err := nc.Read(buf)
			if err != nil {
				t.Fatalf("read: %v (have %q)", err, pending)
			}
			pending = append(pending, buf[:n]...)
		}
		i := bytes.Index(pending, []byte("</BroadsoftDocument>\n")) + len("</BroadsoftDocument>\n")
		out := string(pending[:i])
		pending = pending[i:]
		return out
	}
	send(`<command xsi:type="LoginRequest14sp4" xmlns=""><userId>` + testAdmin + `</userId><plainTextPassword>` + testPassword + `</plainTextPassword></command>`)
	const head = `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" +
		`<BroadsoftDocument protocol="OCI" xmlns="C" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">golden-1</sessionId>`
	cases := []struct{ cmd, want string }{
		{`<command xsi:type="SystemSoftwareVersionGetRequest" xmlns=""/>`,
			head + `<command echo="" xsi:type="SystemSoftwareVersionGetResponse" xmlns=""><version>24</version></command></BroadsoftDocument>` + "\n"},
		{`<command echo="e1" xsi:type="VerifySessionIsValidRequest" xmlns=""/>`,
			head + `<command echo="e1" xsi:type="c:SuccessResponse" xmlns:c="C" xmlns=""/></BroadsoftDocument>` + "\n"},
		{`<command xsi:type="SystemAccessDeviceTypeGetListRequest" xmlns=""/>`,
			head + `<command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns=""><errorCode>9001</errorCode>` +
				`<summary>[Error 9001] Command not supported by this server: SystemAccessDeviceTypeGetListRequest</summary>` +
				`<summaryEnglish>[Error 9001] Command not supported by this server: SystemAccessDeviceTypeGetListRequest</summaryEnglish></command></BroadsoftDocument>` + "\n"},
		{`<command xsi:type="UserGetRequest23V2" xmlns=""><userId>nobody@example.com</userId></command>`,
			head + `<command type="Error" echo="" xsi:type="c:ErrorResponse" xmlns:c="C" xmlns=""><errorCode>4008</errorCode>` +
				`<summary>[Error 4008] User not found: nobody@example.com</summary><summaryEnglish>[Error 4008] User not found: nobody@example.com</summaryEnglish></command></BroadsoftDocument>` + "\n"},
	}
	for _, c := range cases {
		if got := send(c.cmd); got != c.want {
			t.Errorf("reply to %s\n got: %s\nwant: %s", c.cmd, got, c.want)
		}
	}
}

// Every login version is answered with its own response version (clients
// cast the reply to the type they asked for), with signed or plain
// passwords as the version allows; a repeated login on a logged-in
// session replaces the identity.
func TestLoginEveryVersion(t *testing.T) {
	h := newHarness(t)
	uid := datatypes.UserId(testAdmin)
	pw := datatypes.Password(testPassword)
	signed := func(s *session) *datatypes.SignedPassword {
		t.Helper()
		a := get[*deprecated.AuthenticationResponse](s, &deprecated.AuthenticationRequest{UserID: uid})
		if a.PasswordAlgorithm != "MD5" || len(a.Nonce) == 0 {
			t.Fatalf("authentication: %+v", a)
		}
		sp := datatypes.SignedPassword(ocip.SignedPassword(a.Nonce, testPassword))
		return &sp
	}
	cases := []struct {
		want string
		req  func(s *session) ocixml.Command
	}{
		{"LoginResponse13mp10", func(s *session) ocixml.Command {
			return &deprecated.LoginRequest13mp10{UserID: uid, SignedPassword: signed(s)}
		}},
		{"LoginResponse14sp4", func(s *session) ocixml.Command {
			return &deprecated.LoginRequest14sp4{UserID: uid, SignedPassword: signed(s)}
		}},
		{"LoginResponse14sp4", func(s *session) ocixml.Command {
			return &deprecated.LoginRequest14sp4{UserID: uid, PlainTextPassword: &pw}
		}},
		{"LoginResponse21sp1", func(s *session) ocixml.Command {
			return &deprecated.LoginRequest21sp1{UserID: uid, PlainTextPassword: &pw}
		}},
		{"LoginResponse22", func(s *session) ocixml.Command { return &deprecated.LoginRequest22{UserID: uid, Password: &pw} }},
		{"LoginResponse22V2", func(s *session) ocixml.Command { return &deprecated.LoginRequest22V2{UserID: uid, Password: &pw} }},
		{"LoginResponse22V3", func(s *session) ocixml.Command { return &deprecated.LoginRequest22V3{UserID: uid, Password: &pw} }},
		{"LoginResponse22V4", func(s *session) ocixml.Command {
			return &deprecated.LoginRequest22V4{UserID: uid, SignedPassword: signed(s)}
		}},
		{"LoginResponse22V5", func(s *session) ocixml.Command { return &login.LoginRequest22V5{UserID: uid, Password: &pw} }},
	}
	s := h.session()
	for _, c := range cases {
		// The same session logs in again each time.
		if r := s.one(c.req(s)); r.XSIType() != c.want {
			t.Fatalf("want %s, got %s", c.want, describe(r))
		}
		s.ok(&login.VerifySessionIsValidRequest{})
	}
	// A nonce is single use: replaying the signed password fails.
	sp := signed(s)
	if r := s.one(&deprecated.LoginRequest14sp4{UserID: uid, SignedPassword: sp}); r.XSIType() != "LoginResponse14sp4" {
		t.Fatalf("signed login: %s", describe(r))
	}
	s.fails(&deprecated.LoginRequest14sp4{UserID: uid, SignedPassword: sp}, ocip.CodeInvalidPassword)
	// A failed login logs the session out.
	s.fails(&login.VerifySessionIsValidRequest{}, ocip.CodeNotLoggedIn)
}
