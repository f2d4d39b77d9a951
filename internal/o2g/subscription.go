package o2g

import (
	"sync"
	"time"
)

// maxQueued bounds the events kept for one subscription while no stream
// drains them (between the subscription and the stream's opening, or
// during a reconnection). Past it the oldest are dropped: a client that
// stays away that long must take a snapshot anyway.
const maxQueued = 10_000

// subscription is one session's subscription: what it selects, the events
// waiting for its stream, and the stream currently attached.
//
// Its life: created by POST /subscriptions (replacing the session's
// previous one), it lives while a stream is attached or, without one, for
// the grace period (Config.StreamGrace), counted from its creation or from
// its last stream's end. It ends on that grace running out, on its
// inactivity timeout, on DELETE, when its session ends and when the
// server closes; ending it drops its queue and ends its stream.
type subscription struct {
	id      string
	session *session
	// timeout is the inactivity timeout: the subscription ends after this
	// long without an event (0: never).
	timeout time.Duration
	// done is closed when the subscription ends; wake nudges its watcher
	// when a stream attaches or detaches.
	done chan struct{}
	wake chan struct{}

	mu sync.Mutex
	// pkgs maps each selected package to the selections made of it, one
	// per selector that named it.
	pkgs map[string][]*selection
	// queue holds the encoded events not yet written to a stream.
	queue   [][]byte
	dropped int
	ended   bool
	// stream is the attached stream (nil: none); detached is when the last
	// one ended (or the subscription's creation), active when the last
	// event arrived or a stream attached.
	stream   *streamConn
	detached time.Time
	active   time.Time
}

// streamConn is one open event stream of a subscription.
type streamConn struct {
	// ready is signalled (without blocking) when events are queued;
	// kicked is closed when a newer stream replaces this one.
	ready  chan struct{}
	kicked chan struct{}
}

// selection is which events of one package a selector chose: a user
// session's own user, an administrator's listed users, or with allUsers
// ("*", or a package without ids) every user the administrator's scope
// covers. keys are the ids of packages whose events are keyed by
// something else than a user (pilot or RSI numbers).
type selection struct {
	allUsers bool
	users    map[string]bool // user ids
	keys     map[string]bool
	// names restricts the package to these event names (empty: all).
	names map[string]bool
}

func newSubscription(id string, se *session, timeout time.Duration, pkgs map[string][]*selection) *subscription {
	now := time.Now()
	return &subscription{id: id, session: se, timeout: timeout, pkgs: pkgs, done: make(chan struct{}),
		wake: make(chan struct{}, 1), detached: now, active: now}
}

// selects reports whether ev is for this subscription.
func (sub *subscription) selects(ev outEvent) bool {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	for _, sel := range sub.pkgs[ev.pkg] {
		if sel.matches(ev, sub.session) {
			return true
		}
	}
	return false
}

func (sel *selection) matches(ev outEvent, se *session) bool {
	if len(sel.names) > 0 && !sel.names[ev.name] {
		return false
	}
	switch {
	case ev.key != "":
		return sel.allUsers || sel.keys[ev.key]
	case ev.userID == "":
		return true
	case sel.allUsers:
		return se.who.actor.Covers(ev.target)
	}
	return sel.users[ev.userID]
}

// packages lists the packages sub selects.
func (sub *subscription) packages() []string {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	out := make([]string, 0, len(sub.pkgs))
	for p := range sub.pkgs {
		out = append(out, p)
	}
	return out
}

// audience is the users sub's selections name, and whether any selection
// is wide (every user in scope, or keyed by something else than a user).
func (sub *subscription) audience() (users map[string]bool, wide bool) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	users = map[string]bool{}
	for _, sels := range sub.pkgs {
		for _, sel := range sels {
			if sel.allUsers || len(sel.keys) > 0 {
				wide = true
			}
			for u := range sel.users {
				users[u] = true
			}
		}
	}
	return users, wide
}

// setFilter replaces what the subscription selects; hub.setFilter is the
// caller, which keeps the hub's index true.
func (sub *subscription) setFilter(pkgs map[string][]*selection) {
	sub.mu.Lock()
	sub.pkgs = pkgs
	sub.mu.Unlock()
}

// push queues an encoded event and wakes the attached stream.
func (sub *subscription) push(ev outEvent) {
	sub.mu.Lock()
	if sub.ended {
		sub.mu.Unlock()
		return
	}
	if len(sub.queue) >= maxQueued {
		sub.queue = sub.queue[1:]
		sub.dropped++
	}
	sub.queue = append(sub.queue, ev.line)
	sub.active = time.Now()
	c := sub.stream
	sub.mu.Unlock()
	if c != nil {
		signal(c.ready)
	}
}

// requeue puts back, at the head of the queue, events a stream took but
// could not write, so that a reconnection receives them first.
func (sub *subscription) requeue(lines [][]byte) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.ended || len(lines) == 0 {
		return
	}
	q := append(append(make([][]byte, 0, len(lines)+len(sub.queue)), lines...), sub.queue...)
	if over := len(q) - maxQueued; over > 0 {
		q = q[over:]
		sub.dropped += over
	}
	sub.queue = q
}

// takeFor removes and returns every queued event for stream c; ok is
// false when c is no longer the subscription's stream (replaced, or the
// subscription ended).
func (sub *subscription) takeFor(c *streamConn) (lines [][]byte, ok bool) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.ended || sub.stream != c {
		return nil, false
	}
	q := sub.queue
	sub.queue = nil
	return q, true
}

// attach makes a new stream the subscription's, ending the older one; ok
// is false when the subscription has ended.
func (sub *subscription) attach() (c *streamConn, ok bool) {
	sub.mu.Lock()
	if sub.ended {
		sub.mu.Unlock()
		return nil, false
	}
	if old := sub.stream; old != nil {
		close(old.kicked)
	}
	c = &streamConn{ready: make(chan struct{}, 1), kicked: make(chan struct{})}
	sub.stream = c
	sub.active = time.Now()
	if len(sub.queue) > 0 {
		signal(c.ready)
	}
	sub.mu.Unlock()
	signal(sub.wake)
	return c, true
}

// detach records the end of stream c; the grace period starts if it was
// the subscription's stream.
func (sub *subscription) detach(c *streamConn) {
	sub.mu.Lock()
	mine := sub.stream == c
	if mine {
		sub.stream = nil
		sub.detached = time.Now()
	}
	sub.mu.Unlock()
	if mine {
		signal(sub.wake)
	}
}

// deadline is when the subscription ends if nothing happens before, and
// why; zero when nothing bounds it.
func (sub *subscription) deadline(grace time.Duration) (at time.Time, why string) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.stream == nil {
		at, why = sub.detached.Add(grace), "no stream within the grace period"
	}
	if sub.timeout > 0 {
		if t := sub.active.Add(sub.timeout); at.IsZero() || t.Before(at) {
			at, why = t, "inactivity timeout"
		}
	}
	return at, why
}

// end marks the subscription ended, drops its queue and releases its
// stream and watcher; it reports false if it had already ended.
func (sub *subscription) end() bool {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.ended {
		return false
	}
	sub.ended = true
	sub.queue = nil
	sub.stream = nil
	close(sub.done)
	return true
}

// signal sends on a one-slot channel without blocking.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
