// Package events is the event port: the domain core and the facades
// publish what changed, and facades with live clients (the O2G event
// stream) subscribe. An event names what changed and whose it is, never
// the new state: a consumer reads the state it needs from the core when it
// handles the event, so an event stays small, a slow consumer never sees
// stale data, and the same events can later cross processes (NATS)
// unchanged.
//
// Memory is the in-process implementation. Publish never blocks: each
// subscriber has a bounded buffer, and an event that does not fit is
// dropped and counted for that subscriber (Subscription.Dropped), because
// a write that has committed must not wait for a slow reader.
package events

import (
	"sync"
	"sync/atomic"
	"time"
)

// Kind says what happened.
type Kind string

// The kinds the core publishes.
const (
	// UserCreated, UserDeleted and UserChanged concern one user (UserID),
	// whatever facade made the change.
	UserCreated Kind = "user.created"
	UserDeleted Kind = "user.deleted"
	UserChanged Kind = "user.changed"
	// RoutingChanged: the user's forwarding, do-not-disturb or overflow
	// settings changed.
	RoutingChanged Kind = "routing.changed"
	// ComLogChanged: the user's communication log changed. Data carries
	// what cannot be read back once later changes land: "op" (created,
	// deleted, ack or unack), "record" (the id created), "ids" (the ids
	// deleted, acknowledged or unacknowledged, comma-separated),
	// "dropped" (the ids an insert pushed out) and "missedBefore" and
	// "missed" (the unacknowledged missed calls before and after).
	ComLogChanged Kind = "comlog.changed"
	// VoicemailChanged: the user's mailbox changed. Data carries "op"
	// (deposited, read or deleted), "ids" (the messages concerned,
	// comma-separated) and "unreadBefore" and "unread" (the unread
	// messages before and after).
	VoicemailChanged Kind = "voicemail.changed"
)

// Event is one thing that happened.
type Event struct {
	Kind Kind
	// UserID, SPID and GroupID say whose it is ("" when not applicable).
	UserID, SPID, GroupID string
	// Data carries small kind-specific facts a consumer cannot read back
	// afterwards, such as the login name of a deleted user.
	Data map[string]string
	At   time.Time
	// Seq is assigned by the bus: increasing in publication order.
	Seq uint64
}

// Publisher is what producers need.
type Publisher interface {
	Publish(evs ...Event)
}

// Bus is a Publisher one can subscribe to.
type Bus interface {
	Publisher
	// Subscribe returns a subscription receiving every event published
	// from now on, buffering up to buffer events.
	Subscribe(buffer int) Subscription
}

// Subscription is one subscriber's feed.
type Subscription interface {
	// C delivers the events in publication order; it is closed by Close.
	C() <-chan Event
	// Dropped counts events lost because the buffer was full.
	Dropped() uint64
	Close()
}

// Memory is the in-process Bus.
type Memory struct {
	mu   sync.RWMutex
	subs map[*memSub]struct{}
	seq  atomic.Uint64
	now  func() time.Time
}

var _ Bus = (*Memory)(nil)

// NewMemory returns an empty in-process bus.
func NewMemory() *Memory {
	return &Memory{subs: map[*memSub]struct{}{}, now: time.Now}
}

// Publish delivers evs to every subscriber, in order, without blocking.
func (m *Memory) Publish(evs ...Event) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, ev := range evs {
		ev.Seq = m.seq.Add(1)
		if ev.At.IsZero() {
			ev.At = m.now()
		}
		for s := range m.subs {
			select {
			case s.c <- ev:
			default:
				s.dropped.Add(1)
			}
		}
	}
}

// Subscribe adds a subscriber.
func (m *Memory) Subscribe(buffer int) Subscription {
	s := &memSub{m: m, c: make(chan Event, max(buffer, 1))}
	m.mu.Lock()
	m.subs[s] = struct{}{}
	m.mu.Unlock()
	return s
}

type memSub struct {
	m       *Memory
	c       chan Event
	dropped atomic.Uint64
	once    sync.Once
}

func (s *memSub) C() <-chan Event { return s.c }
func (s *memSub) Dropped() uint64 { return s.dropped.Load() }

// Close stops delivery. Publish holds the read lock while sending, so
// once Close has the write lock no send is in flight and closing the
// channel is safe.
func (s *memSub) Close() {
	s.once.Do(func() {
		s.m.mu.Lock()
		delete(s.m.subs, s)
		close(s.c)
		s.m.mu.Unlock()
	})
}

// Discard is a Publisher that drops everything, for a core without
// subscribers.
type Discard struct{}

// Publish does nothing.
func (Discard) Publish(...Event) {}
