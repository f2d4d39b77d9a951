package o2g_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/testbed"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/datatypes"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// Milestone 1, acceptance 3: with a time to live of 10 s (the smallest a
// client may ask), the SDK's keepalive at 90 % of it keeps the session
// alive well past the TTL, with a keepalive at about 9 s.
func TestKeepaliveAtNinetyPercent(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	c := o2gtest.New(w.tb.O2GAddr, w.tb.Roots)
	c.TimeToLive = 10
	ctx := context.Background()
	start := time.Now()
	if err := c.Login(ctx, "oxe2025550102", "5678", "keepalive"); err != nil {
		t.Fatal(err)
	}
	if c.Session.TimeToLive != 10 {
		t.Fatalf("timeToLive %d", c.Session.TimeToLive)
	}
	lctx, cancel := context.WithTimeout(ctx, 12*time.Second)
	defer cancel()
	beats := make(chan time.Time, 4)
	if err := c.KeepAliveLoop(lctx, beats); err != nil {
		t.Fatalf("keepalive loop: %v", err)
	}
	close(beats)
	first, ok := <-beats
	if !ok {
		t.Fatal("no keepalive in 12 s")
	}
	if at := first.Sub(start); at < 8*time.Second || at > 10*time.Second {
		t.Fatalf("first keepalive after %v, want about 9 s", at)
	}
	// 12 s after the start, past the 10 s TTL, the session still answers.
	var info o2gtest.SessionInfo
	if err := c.Do(ctx, http.MethodGet, "/sessions", nil, &info); err != nil || info.Login != "oxe2025550102" {
		t.Fatalf("session after %v: %+v %v", time.Since(start), info, err)
	}
}

// A user provisioned through OCI-P logs in to O2G at once, by its number
// and secret code, and one deleted through OCI-P no longer can.
func TestOCIPUserLogsInToO2G(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	oc, err := ocip.Dial(ctx, ocip.Config{Addr: w.tb.TCPAddr, User: testbed.Admin, Password: testbed.Password})
	if err != nil {
		t.Fatal(err)
	}
	defer oc.Close()
	add := &user.UserConsolidatedAddRequest22{
		ServiceProviderID: ocixml.Ptr(datatypes.ServiceProviderId("sp1")), GroupID: ocixml.Ptr(datatypes.GroupId("g1")),
		UserID: "erin@example.com", LastName: "Evans", FirstName: "Erin", CallingLineIDLastName: "Evans", CallingLineIDFirstName: "Erin",
		PhoneNumber: ocixml.Ptr(datatypes.DN("2025550120")), Password: ocixml.Ptr(datatypes.Password("Erin-pass-1")),
		Passcode: ocixml.Ptr(datatypes.Passcode("8642")),
	}
	if _, err := oc.Send(ctx, add); err != nil {
		t.Fatal(err)
	}
	c := w.client(t, "oxe2025550120", "8642")
	var u map[string]any
	if err := c.Do(ctx, http.MethodGet, "/users/oxe2025550120", nil, &u); err != nil || u["lastName"] != "Evans" || u["companyPhone"] != "2025550120" {
		t.Fatalf("the OCI-P user through O2G: %v %v", u, err)
	}
	if _, err := oc.Send(ctx, &user.UserDeleteRequest{UserID: "erin@example.com"}); err != nil {
		t.Fatal(err)
	}
	err = o2gtest.New(w.tb.O2GAddr, w.tb.Roots).Login(ctx, "oxe2025550120", "8642", "after-delete")
	wantError(t, err, http.StatusUnauthorized, "NOT_ALLOWED")
}
