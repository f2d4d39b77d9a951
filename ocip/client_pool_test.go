package ocip_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/testbed"
	"github.com/switchboard/switchboard/ocip"
	"github.com/switchboard/switchboard/ocip/ocixml"
	"github.com/switchboard/switchboard/ocip/schema/system"
	"github.com/switchboard/switchboard/ocip/schema/user"
)

// dialTB dials a testbed server as its administrator.
func dialTB(t *testing.T, cfg ocip.Config) *ocip.Client {
	t.Helper()
	if cfg.User == "" {
		cfg.User, cfg.Password = testbed.Admin, testbed.Password
	}
	c, err := ocip.Dial(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// addUsers creates a provider, a group and n users u0@example.com …, each
// with its own id as last name, so that a UserGet answer names its request.
func addUsers(t *testing.T, c *ocip.Client, n int) []string {
	t.Helper()
	ctx := context.Background()
	for _, step := range []struct {
		name   string
		fields map[string]any
	}{
		{"SystemDomainAddRequest", map[string]any{"domain": "example.com"}},
		{"ServiceProviderAddRequest13mp2", map[string]any{"serviceProviderId": "sp", "defaultDomain": "example.com", "isEnterprise": true}},
		{"GroupAddRequest", map[string]any{"serviceProviderId": "sp", "groupId": "g", "defaultDomain": "example.com", "userLimit": 100000}},
	} {
		if _, err := c.Raw(ctx, step.name, step.fields); err != nil {
			t.Fatal(err)
		}
	}
	ids := make([]string, n)
	reqs := make([]ocixml.Command, n)
	for i := range ids {
		ids[i] = "u" + strconv.Itoa(i) + "@example.com"
		r, err := ocip.BuildRequest("UserAddRequest22V2", map[string]any{
			"serviceProviderId": "sp", "groupId": "g", "userId": ids[i],
			"lastName": ids[i], "firstName": "F", "callingLineIdLastName": "L", "callingLineIdFirstName": "F",
			"password": "User-pass-" + strconv.Itoa(i),
		})
		if err != nil {
			t.Fatal(err)
		}
		reqs[i] = r
	}
	res, err := c.Batch(ctx, reqs...)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("adding %s: %v", ids[i], r.Err)
		}
	}
	return ids
}

// checkOwnAnswer fails unless r is the answer to req or a transport error;
// it reports whether r is an answer.
func checkOwnAnswer(t *testing.T, i int, req ocixml.Command, r ocip.Result) bool {
	t.Helper()
	var e *ocip.ErrorResponse
	switch q := req.(type) {
	case *user.UserGetRequest23V2:
		id := string(q.UserID)
		switch {
		case r.Response != nil:
			u, ok := r.Response.(*user.UserGetResponse23V2)
			if !ok || string(u.LastName) != id {
				t.Fatalf("result %d for %s: mismatched answer %T %+v", i, id, r.Response, r.Response)
			}
		case errors.As(r.Err, &e):
			if e.Code != 4008 || !strings.Contains(e.Summary, id) || e.Command != "UserGetRequest23V2" {
				t.Fatalf("result %d for %s: mismatched error %+v", i, id, e)
			}
		default:
			return false
		}
	case *system.SystemSoftwareVersionGetRequest:
		switch {
		case r.Response != nil:
			if _, ok := r.Response.(*system.SystemSoftwareVersionGetResponse); !ok {
				t.Fatalf("result %d: SystemSoftwareVersionGet answered by %T", i, r.Response)
			}
		case errors.As(r.Err, &e):
			t.Fatalf("result %d: SystemSoftwareVersionGet answered by %v", i, r.Err)
		default:
			return false
		}
	default:
		t.Fatalf("unexpected request %T", req)
	}
	return true
}

func TestClientCoalescing(t *testing.T) {
	tb := testbed.Start(t)
	p := newProxy(t, tb.TCPAddr)
	c := dialTB(t, ocip.Config{Addr: p.addr(), Conns: 1})
	ctx := context.Background()

	// The first call's reply is held, so every other call queues behind it;
	// once it is released they must leave in shared documents.
	release := p.holdReply("first@")
	defer release()
	before := p.documents()
	firstDone := make(chan error, 1)
	go func() {
		_, err := c.Send(ctx, userGet("first@example.com"))
		firstDone <- err
	}()
	p.waitDocuments(t, before+1)
	const n = 90
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if i%3 == 0 {
				_, errs[i] = ocip.Do[*system.SystemSoftwareVersionGetResponse](ctx, c, &system.SystemSoftwareVersionGetRequest{})
				return
			}
			_, errs[i] = c.Send(ctx, userGet("c"+strconv.Itoa(i)+"@example.com"))
		})
	}
	time.Sleep(200 * time.Millisecond) // let all n callers queue
	release()
	wg.Wait()
	wantUserNotFound(t, <-firstDone, "first@example.com")
	for i, err := range errs {
		if i%3 == 0 {
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
			continue
		}
		wantUserNotFound(t, err, "c"+strconv.Itoa(i)+"@example.com")
	}
	// 90 calls in documents of 15: 6, plus the first.
	if docs := p.documents() - before; docs > 1+n/15+2 {
		t.Errorf("%d calls took %d documents; they were not coalesced", n, docs)
	} else {
		t.Logf("%d concurrent calls over 1 connection: %d documents", n+1, docs)
	}
	if p.accepted() != 1 {
		t.Errorf("%d connections, want 1", p.accepted())
	}
}

// A caller that gives up while its command shares a document on the wire
// gets its context error at once; the others get their own answers and
// the connection is kept.
func TestClientCancelInSharedDocument(t *testing.T) {
	tb := testbed.Start(t)
	p := newProxy(t, tb.TCPAddr)
	c := dialTB(t, ocip.Config{Addr: p.addr(), Conns: 1})
	ctx := context.Background()

	releaseX := p.holdReply("hold-x@")
	defer releaseX()
	releaseA := p.holdReply("hold-a@")
	defer releaseA()
	before := p.documents()
	xDone := make(chan error, 1)
	go func() {
		_, err := c.Send(ctx, userGet("hold-x@example.com"))
		xDone <- err
	}()
	p.waitDocuments(t, before+1)

	actx, cancelA := context.WithCancel(ctx)
	defer cancelA()
	aDone, bDone := make(chan error, 1), make(chan error, 1)
	go func() {
		_, err := c.Send(actx, userGet("hold-a@example.com"))
		aDone <- err
	}()
	go func() {
		_, err := c.Send(ctx, userGet("b@example.com"))
		bDone <- err
	}()
	time.Sleep(100 * time.Millisecond)
	releaseX()
	wantUserNotFound(t, <-xDone, "hold-x@example.com")
	// a and b now travel together; the reply is held.
	p.waitDocuments(t, before+2)
	cancelA()
	select {
	case err := <-aDone:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled caller got %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the cancelled caller still waits")
	}
	select {
	case err := <-bDone:
		t.Fatalf("b answered before its reply was released: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	releaseA()
	wantUserNotFound(t, <-bDone, "b@example.com")
	if docs := p.documents() - before; docs != 2 {
		t.Errorf("%d documents, want 2 (a and b shared one)", docs)
	}
	_, err := c.Send(ctx, userGet("after@example.com"))
	wantUserNotFound(t, err, "after@example.com")
	if p.accepted() != 1 {
		t.Errorf("%d connections, want 1: the shared document's connection must be kept", p.accepted())
	}

	// A call whose context ends while it is still queued is never sent.
	releaseY := p.holdReply("hold-y@")
	defer releaseY()
	before = p.documents()
	go c.Send(ctx, userGet("hold-y@example.com"))
	p.waitDocuments(t, before+1)
	qctx, cancelQ := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancelQ()
	if _, err := c.Send(qctx, userGet("never@example.com")); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("queued call: %v", err)
	}
	releaseY()
	_, err = c.Send(ctx, userGet("later@example.com"))
	wantUserNotFound(t, err, "later@example.com")
	if docs := p.documents() - before; docs != 2 {
		t.Errorf("%d documents, want 2: the abandoned queued call was sent", docs)
	}
}

// Connections killed while documents are in flight never let an answer
// reach the wrong request.
func TestClientKillMidBatch(t *testing.T) {
	tb := testbed.Start(t)
	p := newProxy(t, tb.TCPAddr)
	c := dialTB(t, ocip.Config{Addr: p.addr(), Conns: 4})
	ctx := context.Background()
	ids := addUsers(t, c, 40)

	reqs := func(n int, tag string) []ocixml.Command {
		out := make([]ocixml.Command, n)
		for i := range out {
			switch {
			case i%5 == 4:
				out[i] = &system.SystemSoftwareVersionGetRequest{}
			case i%2 == 0:
				out[i] = userGet(ids[(i/2)%len(ids)])
			default:
				out[i] = userGet(tag + strconv.Itoa(i) + "@example.com")
			}
		}
		return out
	}

	// Deterministic: the first four chunks are held on the four
	// connections, then every connection is cut.
	batch := reqs(300, "missing")
	var releases []func()
	for k := range 4 {
		marker := fmt.Sprintf("held-%d-", k)
		batch[k*15+1] = userGet(marker + "@example.com")
		releases = append(releases, p.holdReply(marker))
	}
	defer func() {
		for _, r := range releases {
			r()
		}
	}()
	before := p.documents()
	type outcome struct {
		res []ocip.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := c.Batch(ctx, batch...)
		done <- outcome{res, err}
	}()
	p.waitDocuments(t, before+4)
	time.Sleep(50 * time.Millisecond)
	p.kill()
	for _, r := range releases {
		r()
	}
	o := <-done
	if o.err == nil {
		t.Fatal("Batch reported no transport error after connections were cut")
	}
	lost := 0
	for i, r := range o.res {
		if !checkOwnAnswer(t, i, batch[i], r) {
			lost++
			if i >= 60 {
				t.Errorf("result %d lost (%v), but only the first four chunks were in flight", i, r.Err)
			}
		}
	}
	if lost != 60 {
		t.Errorf("%d results lost, want the 60 of the four held chunks", lost)
	}

	// Random: cut everything several times while a large batch runs.
	batch = reqs(900, "random")
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		for range 3 {
			time.Sleep(15 * time.Millisecond)
			p.kill()
		}
	}()
	res, _ := c.Batch(ctx, batch...)
	<-killed
	lost = 0
	for i, r := range res {
		if !checkOwnAnswer(t, i, batch[i], r) {
			lost++
		}
	}
	t.Logf("random kills: %d of %d results lost to transport errors", lost, len(res))

	// After reconnecting everything works again. (A connection cut an
	// instant before use fails that use: let the last cut be noticed.)
	time.Sleep(50 * time.Millisecond)
	batch = reqs(200, "after")
	res, err := c.Batch(ctx, batch...)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if !checkOwnAnswer(t, i, batch[i], r) {
			t.Fatalf("result %d: %v", i, r.Err)
		}
	}
}

func TestClientKeepAlive(t *testing.T) {
	tb := testbed.Start(t)
	p := newProxy(t, tb.TCPAddr)
	var mu sync.Mutex
	pings := 0
	trace := func(ev ocip.TraceEvent) {
		if ev.Direction == ocip.TraceSent && strings.Contains(string(ev.Doc), "VerifySessionIsValidRequest") {
			mu.Lock()
			pings++
			mu.Unlock()
		}
	}
	c := dialTB(t, ocip.Config{Addr: p.addr(), Conns: 2, KeepAlive: 40 * time.Millisecond, Trace: trace})
	before := p.documents()
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	n := pings
	mu.Unlock()
	if n < 4 {
		t.Errorf("%d keep-alives from 2 connections idle for 300 ms at 40 ms", n)
	}
	// Traced before written: each connection may have one still on its way.
	if docs := p.documents() - before; docs < n-2 {
		t.Errorf("%d documents for %d keep-alives", docs, n)
	}
	if p.accepted() != 2 {
		t.Errorf("%d connections, want 2", p.accepted())
	}

	// A connection cut while idle is not pinged back to life; the next
	// call redials.
	p.kill()
	time.Sleep(100 * time.Millisecond)
	_, err := c.Send(context.Background(), userGet("after-kill@example.com"))
	wantUserNotFound(t, err, "after-kill@example.com")
}

func TestClientMaxConnAge(t *testing.T) {
	tb := testbed.Start(t)
	p := newProxy(t, tb.TCPAddr)
	c := dialTB(t, ocip.Config{Addr: p.addr(), MaxConnAge: 150 * time.Millisecond})
	ctx := context.Background()
	for i := range 3 {
		_, err := c.Send(ctx, userGet("young"+strconv.Itoa(i)))
		wantUserNotFound(t, err, "young"+strconv.Itoa(i))
	}
	if n := p.accepted(); n != 1 {
		t.Fatalf("%d connections while young, want 1", n)
	}
	time.Sleep(200 * time.Millisecond)
	before := p.documents()
	_, err := c.Send(ctx, userGet("old"))
	wantUserNotFound(t, err, "old")
	if n := p.accepted(); n != 2 {
		t.Fatalf("%d connections after MaxConnAge, want 2", n)
	}
	// The fresh connection logged in (2 documents, signed login) first.
	if docs := p.documents() - before; docs != 3 {
		t.Errorf("%d documents, want login (2) and the request", docs)
	}
	_, err = c.Send(ctx, userGet("again"))
	wantUserNotFound(t, err, "again")
	if n := p.accepted(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
	if _, err := ocip.Dial(ctx, ocip.Config{Addr: p.addr(), MaxConnAge: -1}); err == nil {
		t.Error("negative MaxConnAge accepted")
	}
}
