package events

import (
	"sync"
	"testing"
)

func TestMemoryOrderAndFanOut(t *testing.T) {
	b := NewMemory()
	s1, s2 := b.Subscribe(10), b.Subscribe(10)
	b.Publish(Event{Kind: UserCreated, UserID: "a"}, Event{Kind: UserChanged, UserID: "a"})
	b.Publish(Event{Kind: UserDeleted, UserID: "a"})
	for _, s := range []Subscription{s1, s2} {
		var kinds []Kind
		var last uint64
		for range 3 {
			ev := <-s.C()
			if ev.Seq <= last || ev.At.IsZero() {
				t.Fatalf("seq %d after %d, at %v", ev.Seq, last, ev.At)
			}
			last = ev.Seq
			kinds = append(kinds, ev.Kind)
		}
		if kinds[0] != UserCreated || kinds[1] != UserChanged || kinds[2] != UserDeleted {
			t.Fatalf("order %v", kinds)
		}
	}
}

func TestMemoryDropsWhenFull(t *testing.T) {
	b := NewMemory()
	s := b.Subscribe(2)
	for range 5 {
		b.Publish(Event{Kind: UserChanged})
	}
	if got := s.Dropped(); got != 3 {
		t.Fatalf("dropped %d, want 3", got)
	}
	if len(s.C()) != 2 {
		t.Fatalf("buffered %d", len(s.C()))
	}
}

// Close while publishers run must neither panic nor deadlock, and a
// closed subscription's channel ends.
func TestMemoryCloseWhilePublishing(t *testing.T) {
	b := NewMemory()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				b.Publish(Event{Kind: UserChanged})
			}
		})
	}
	for range 50 {
		s := b.Subscribe(8)
		s.Close()
		s.Close()
		for range s.C() {
		}
	}
	wg.Wait()
}
