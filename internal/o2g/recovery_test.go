package o2g_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/o2gtest"
	"github.com/switchboard/switchboard/internal/provisioning"
)

// What the Node SDK does when the server drops its session (notes §1.7,
// milestone 2 acceptance 5): the stream ends; reopening it is refused
// with a 4xx (never 200-then-close, which would spin the SDK); the next
// keepalive gets INVALID_SESSION; the SDK then authenticates again (its
// jar replaces the AlcUserId cookie, Path=/), opens a new session and a
// new subscription, and events flow again.
func TestRecoveryAfterSessionLoss(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, "oxe2025550101", "1234")
	body := map[string]any{"filter": map[string]any{"selectors": []any{map[string]any{"ids": []string{}, "names": []string{"routingManagement"}}}},
		"version": "1.0", "timeout": 0}
	sub, err := c.Subscribe(ctx, body)
	if err != nil {
		t.Fatal(err)
	}
	url := c.PollingURL(sub)
	st, err := c.OpenStream(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if ev, err := st.Next(5 * time.Second); err != nil || ev["eventName"] != "OnChannelInformation" {
		t.Fatalf("first line: %v %v", ev, err)
	}

	if n := w.tb.O2G.EndSessionsOf("oxe2025550101"); n != 1 {
		t.Fatalf("ended %d sessions", n)
	}
	if _, err := st.Next(5 * time.Second); !errors.Is(err, io.EOF) {
		t.Fatalf("the stream of a dropped session did not end cleanly: %v", err)
	}
	if _, err := c.OpenStream(ctx, url); err == nil {
		t.Fatal("a dead subscription's stream reopened")
	} else {
		var e *o2gtest.Error
		if !errors.As(err, &e) || e.Status < 400 || e.Status > 499 {
			t.Fatalf("reopening a dead stream: %v, want a 4xx", err)
		}
	}
	wantError(t, c.Keepalive(ctx), http.StatusForbidden, "INVALID_SESSION")

	// Recovery: the same client (same cookie jar) starts over.
	if err := c.Login(ctx, "oxe2025550101", "1234", "o2g-test"); err != nil {
		t.Fatalf("recovery login: %v", err)
	}
	sub2, err := c.Subscribe(ctx, body)
	if err != nil {
		t.Fatal(err)
	}
	st2, err := c.OpenStream(ctx, c.PollingURL(sub2))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if ev, err := st2.Next(5 * time.Second); err != nil || ev["eventName"] != "OnChannelInformation" {
		t.Fatalf("first line after recovery: %v %v", ev, err)
	}
	// A change made over the core (as OCI-P would) reaches the new stream.
	on := true
	if _, err := w.tb.Core.ModifyUserRouting(ctx, w.sys, alice, provisioning.RoutingChange{DND: &provisioning.DNDChange{Active: &on}}); err != nil {
		t.Fatal(err)
	}
	ev, err := st2.NextEvent(5 * time.Second)
	if err != nil || ev["eventName"] != "OnRoutingStateChanged" || ev["loginName"] != "oxe2025550101" {
		t.Fatalf("event after recovery: %v %v", ev, err)
	}
	if err := c.Keepalive(ctx); err != nil {
		t.Fatalf("keepalive after recovery: %v", err)
	}
}
