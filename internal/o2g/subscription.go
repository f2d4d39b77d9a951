package o2g

import (
	"sync"
)

// maxQueued bounds the events kept for one subscription while no stream
// drains them (between the subscription and the stream's opening, or
// during a reconnection). Past it the oldest are dropped: a client that
// stays away that long must take a snapshot anyway.
const maxQueued = 10_000

// subscription is one session's subscription: what it selects and the
// events waiting for its stream.
type subscription struct {
	id      string
	session *session

	mu sync.Mutex
	// pkgs maps each selected package to the users it is selected for.
	pkgs map[string]*selection
	// queue holds the encoded events not yet written to a stream; ready
	// is signalled (without blocking) when it becomes non-empty.
	queue   [][]byte
	dropped int
	ready   chan struct{}
}

// selection is which users one package is selected for: a user
// session's own user, an administrator's listed users, or with allUsers
// ("*") every user the administrator's scope covers.
type selection struct {
	allUsers bool
	users    map[string]bool // user ids
	// names restricts the package to these event names (empty: all).
	names map[string]bool
}

func newSubscription(id string, se *session) *subscription {
	return &subscription{id: id, session: se, pkgs: map[string]*selection{}, ready: make(chan struct{}, 1)}
}

// selects reports whether ev is for this subscription.
func (sub *subscription) selects(ev outEvent) bool {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	sel, ok := sub.pkgs[ev.pkg]
	if !ok {
		return false
	}
	if len(sel.names) > 0 && !sel.names[ev.name] {
		return false
	}
	switch {
	case ev.userID == "":
		return true
	case sel.allUsers:
		return sub.session.who.actor.Covers(ev.target)
	}
	return sel.users[ev.userID]
}

// push queues an encoded event.
func (sub *subscription) push(ev outEvent) {
	sub.mu.Lock()
	if len(sub.queue) >= maxQueued {
		sub.queue = sub.queue[1:]
		sub.dropped++
	}
	sub.queue = append(sub.queue, ev.line)
	sub.mu.Unlock()
	select {
	case sub.ready <- struct{}{}:
	default:
	}
}

// take removes and returns every queued event.
func (sub *subscription) take() [][]byte {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	q := sub.queue
	sub.queue = nil
	return q
}
