package ocipserver

import (
	"context"
	"strings"
	"testing"

	"github.com/switchboard/switchboard/internal/provisioning"
	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/core"
	"github.com/switchboard/switchboard/ocip/schema/login"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

func TestPipelineNotLoggedIn(t *testing.T) {
	h := newHarness(t)
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
	h := newHarness(t)
	s := h.admin()
	for _, doc := range []string{
		`<?xml version="1.0"?><BroadsoftDocument protocol="OCI" xmlns="C"><sessionId>x</sessionId><command xsi:type="Nope"/></BroadsoftDocument>`,
		`<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId>x</sessionId>`,
		`not xml at all`,
	} {
		out, _ := h.p.Process(context.Background(), s.b, []byte(doc), false)
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
	h := newHarness(t)
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
