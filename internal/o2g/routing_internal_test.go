package o2g

import (
	"fmt"
	"testing"
)

// TapRoutingEvents registers, by hand, a subscription to the
// routingManagement package in the hub, so that the routing tests (in
// package o2g_test, on the testbed) can read the events the hub delivers
// without the stream endpoints. token names the session the subscription
// belongs to (a client's AlcUserId cookie); "" makes a detached one.
// userIDs select users; none selects every user the session covers. The
// returned function takes the queued event lines.
func (s *Server) TapRoutingEvents(t testing.TB, token string, userIDs ...string) func() []string {
	t.Helper()
	se := &session{who: identity{admin: true, actor: systemReader}, ended: make(chan struct{})}
	if token != "" {
		var ok bool
		if se, ok = s.sessions.get(token); !ok {
			t.Fatalf("no session for token %q", token)
		}
	}
	// Events published before the tap (the dispatch loop is asynchronous)
	// must not land in it: wait until the loop has handled them.
	if err := s.settle(); err != nil {
		t.Fatal(err)
	}
	sel := &selection{allUsers: len(userIDs) == 0, users: map[string]bool{}}
	for _, id := range userIDs {
		sel.users[id] = true
	}
	s.hub.mu.Lock()
	id := fmt.Sprintf("routing-tap-%d", len(s.hub.subs))
	sub := newSubscription(id, se, 0, map[string][]*selection{routingPkg: {sel}})
	s.hub.add(sub)
	s.hub.mu.Unlock()
	t.Cleanup(func() {
		s.hub.mu.Lock()
		s.hub.remove(sub)
		s.hub.mu.Unlock()
		sub.end()
	})
	// An attached stream (that nothing reads) keeps the queue filling.
	c, _ := sub.attach()
	return func() []string {
		var out []string
		lines, _ := sub.takeFor(c)
		for _, l := range lines {
			out = append(out, string(l))
		}
		return out
	}
}
