package o2g

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/switchboard/switchboard/internal/events"
)

// ComlogWatch registers in the hub, by hand, a subscription of the
// latest session logged in as login to the given packages (every user the
// session covers), so that tests see what the comlog family emits without
// an event stream. take returns the event lines queued since the last
// call, once the dispatch loop has handled every domain event published
// before it: those events are translated asynchronously.
func (s *Server) ComlogWatch(login string, pkgs ...string) (take func() []string, err error) {
	var se *session
	for _, o := range s.sessions.all() {
		if strings.EqualFold(o.login(), login) && (se == nil || o.created.After(se.created)) {
			se = o
		}
	}
	if se == nil {
		return nil, errors.New("no session of " + login)
	}
	// Events of earlier changes must not reach the new subscription.
	if err := s.settle(); err != nil {
		return nil, err
	}
	sel := map[string][]*selection{}
	for _, p := range pkgs {
		sel[p] = []*selection{{allUsers: true}}
	}
	sub := newSubscription("comlog-test-"+newToken(), se, 0, sel)
	s.hub.mu.Lock()
	s.hub.add(sub)
	s.hub.mu.Unlock()
	return func() []string {
		var out []string
		if err := s.settle(); err != nil {
			// Fails the caller's exact comparison, saying why.
			out = append(out, err.Error())
		}
		sub.mu.Lock()
		defer sub.mu.Unlock()
		for _, l := range sub.queue {
			out = append(out, string(l))
		}
		sub.queue = nil
		return out
	}, nil
}

// Barriers: settle publishes a barrier event on the bus and waits until
// the dispatch loop reaches it. The bus delivers in order, so by then
// every event published before has been translated and emitted.
const (
	barrierKind events.Kind = "test.barrier"
	barrierPkg              = "test-barrier"
)

// barriers maps a barrier's token to its waiter. Several servers may share
// one bus (a test's second server over the testbed's core), so each
// barrier is released only by the dispatch loop of the server that sent
// it.
var barriers sync.Map // token → barrier

type barrier struct {
	s    *Server
	done chan struct{}
}

func (s *Server) settle() error {
	s.hub.mu.Lock()
	if len(s.hub.translators[barrierKind]) == 0 {
		s.hub.translators[barrierKind] = []registered{{t: func(_ context.Context, ev events.Event) []outEvent {
			if b, ok := barriers.Load(ev.Data["token"]); ok && b.(barrier).s == s {
				barriers.Delete(ev.Data["token"])
				close(b.(barrier).done)
			}
			return nil
		}, pkgs: []string{barrierPkg}}}
		// No subscription selects it: count it as wanted for good.
		s.hub.pkgs[barrierPkg]++
	}
	s.hub.mu.Unlock()
	token, done := newToken(), make(chan struct{})
	barriers.Store(token, barrier{s: s, done: done})
	s.cfg.Bus.Publish(events.Event{Kind: barrierKind, Data: map[string]string{"token": token}})
	select {
	case <-done:
		return nil
	case <-time.After(5 * time.Second):
		barriers.Delete(token)
		return errors.New("the dispatch loop did not reach the barrier within 5 s")
	}
}

// Settle waits until the dispatch loop has handled every event published
// so far, so that a test's subscriptions see only what it does next.
func (s *Server) Settle() error { return s.settle() }
