package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/switchboard/switchboard/internal/store"
)

func testAtomicity(t *testing.T, s store.Store) {
	ctx := context.Background()
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx store.Tx) error {
		ok(t, tx.InsertUser(user("u1@example.com", "sp1", "g1")))
		ok(t, tx.PutSetting("k", "v"))
		ok(t, tx.InsertDN(store.DN{Number: "+1-2025550100", SPID: "sp1"}))
		return boom
	})
	if err != boom { // unchanged, not wrapped
		t.Fatalf("Update returned %v, want fn's error itself", err)
	}
	view(t, s, func(tx store.Tx) error {
		_, err := tx.GetUser("u1@example.com")
		is(t, err, store.ErrNotFound, "user written by a failed Update")
		_, err = tx.LookupUserID("u1@example.com")
		is(t, err, store.ErrNotFound, "user id claimed by a failed Update")
		_, err = tx.GetSetting("k")
		is(t, err, store.ErrNotFound, "setting written by a failed Update")
		_, err = tx.GetDN("+1-2025550100")
		is(t, err, store.ErrNotFound, "number written by a failed Update")
		return nil
	})
	// A store error that fn passes on fails the Update the same way, and
	// fn may carry on after a store error it handles.
	err = s.Update(ctx, func(tx store.Tx) error {
		ok(t, tx.InsertDomain(store.Domain{Name: "a.example.com"}))
		if err := tx.InsertDomain(store.Domain{Name: "a.example.com"}); !errors.Is(err, store.ErrExists) {
			t.Fatalf("second InsertDomain: %v", err)
		}
		return tx.InsertDomain(store.Domain{Name: "b.example.com"})
	})
	ok(t, err)
	view(t, s, func(tx store.Tx) error {
		equal(t, len(collect(t, tx.ListDomains)), 2, "domains after an Update that handled ErrExists")
		return nil
	})
}

// testConcurrentUpdates runs many Updates at once, every third of which
// fails after writing: the others' writes all land, the failures' none,
// whichever Updates shared a transaction.
func testConcurrentUpdates(t *testing.T, s store.Store) {
	const n = 60
	ctx := context.Background()
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = s.Update(ctx, func(tx store.Tx) error {
				if err := tx.InsertUser(user(fmt.Sprintf("u%02d", i), "sp1", "g1")); err != nil {
					return err
				}
				if err := tx.PutSetting(fmt.Sprintf("k%02d", i), "v"); err != nil {
					return err
				}
				if i%3 == 0 {
					return fmt.Errorf("update %d fails", i)
				}
				return nil
			})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if i%3 == 0 {
			if err == nil || err.Error() != fmt.Sprintf("update %d fails", i) {
				t.Fatalf("Update %d returned %v, want its own error", i, err)
			}
		} else if err != nil {
			t.Fatalf("Update %d: %v", i, err)
		}
	}
	// Updates that collide on a key: exactly one wins.
	var wins, exists int
	var mu sync.Mutex
	for range 8 {
		wg.Go(func() {
			err := s.Update(ctx, func(tx store.Tx) error { return tx.InsertUser(user("same", "sp1", "g1")) })
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, store.ErrExists):
				exists++
			default:
				t.Errorf("colliding Update: %v", err)
			}
		})
	}
	wg.Wait()
	if wins != 1 || exists != 7 {
		t.Fatalf("colliding inserts: %d succeeded and %d got ErrExists, want 1 and 7", wins, exists)
	}
	view(t, s, func(tx store.Tx) error {
		for i := range n {
			_, uerr := tx.GetUser(fmt.Sprintf("u%02d", i))
			_, serr := tx.GetSetting(fmt.Sprintf("k%02d", i))
			if i%3 == 0 {
				is(t, uerr, store.ErrNotFound, fmt.Sprintf("user of failed Update %d", i))
				is(t, serr, store.ErrNotFound, fmt.Sprintf("setting of failed Update %d", i))
			} else {
				ok(t, uerr)
				ok(t, serr)
			}
		}
		count, err := tx.CountUsers("sp1", "g1", "")
		ok(t, err)
		equal(t, count, n-n/3+1, "users after the concurrent Updates")
		return nil
	})
}

func testContext(t *testing.T, s store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := s.Update(ctx, func(tx store.Tx) error { ran = true; return tx.PutSetting("k", "v") })
	is(t, err, context.Canceled, "Update with a cancelled context")
	if ran {
		t.Fatal("Update ran fn under a cancelled context")
	}
	view(t, s, func(tx store.Tx) error {
		_, err := tx.GetSetting("k")
		is(t, err, store.ErrNotFound, "setting of a cancelled Update")
		return nil
	})
	err = s.View(ctx, func(store.Tx) error { return nil })
	is(t, err, context.Canceled, "View with a cancelled context")
}

func testView(t *testing.T, s store.Store) {
	update(t, s, func(tx store.Tx) error { return tx.PutSetting("k", "1") })
	boom := errors.New("boom")
	if err := s.View(context.Background(), func(tx store.Tx) error { return boom }); err != boom {
		t.Fatalf("View returned %v, want fn's error", err)
	}
	// A View started before an Update keeps its snapshot.
	inView, updated := make(chan struct{}), make(chan error)
	go func() {
		<-inView
		updated <- s.Update(context.Background(), func(tx store.Tx) error { return tx.PutSetting("k", "2") })
	}()
	view(t, s, func(tx store.Tx) error {
		v, err := tx.GetSetting("k")
		ok(t, err)
		equal(t, v, "1", "setting before the Update")
		close(inView)
		ok(t, <-updated)
		v, err = tx.GetSetting("k")
		ok(t, err)
		equal(t, v, "1", "setting after a concurrent Update, in the same View")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		v, err := tx.GetSetting("k")
		ok(t, err)
		equal(t, v, "2", "setting in a later View")
		return nil
	})
}

func testClosed(t *testing.T, s store.Store) {
	ok(t, s.Close())
	is(t, s.Update(context.Background(), func(store.Tx) error { return nil }), store.ErrClosed, "Update after Close")
	is(t, s.View(context.Background(), func(store.Tx) error { return nil }), store.ErrClosed, "View after Close")
}

// testDurability checks that what Update acknowledged is there after a
// Close and a new open, and that Close first lets queued Updates finish.
func testDurability(t *testing.T, open func(t *testing.T) store.Store) {
	s := open(t)
	u := fullUser()
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.InsertUser(u))
		ok(t, tx.PutSetting("version", "7"))
		return nil
	})
	// Updates racing with Close: each is either acknowledged (and must
	// survive) or refused with ErrClosed.
	const n = 20
	errs := make(chan error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs <- s.Update(context.Background(), func(tx store.Tx) error {
				return tx.InsertDN(store.DN{Number: fmt.Sprintf("+1-20255501%02d", i), SPID: "sp1"})
			})
		})
	}
	close(start)
	ok(t, s.Close())
	wg.Wait()
	close(errs)
	acked := 0
	for err := range errs {
		if err == nil {
			acked++
		} else if !errors.Is(err, store.ErrClosed) {
			t.Fatalf("Update around Close: %v", err)
		}
	}
	is(t, s.Close(), store.ErrClosed, "second Close")

	s = open(t)
	defer s.Close()
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetUser(u.ID)
		ok(t, err)
		equal(t, got, u, "user after reopening")
		v, err := tx.GetSetting("version")
		ok(t, err)
		equal(t, v, "7", "setting after reopening")
		dns := collect(t, func(fn func(store.DN) bool) error { return tx.ListDNs("sp1", "*", fn) })
		equal(t, len(dns), acked, "numbers after reopening (one per acknowledged Update)")
		return nil
	})
	update(t, s, func(tx store.Tx) error {
		is(t, tx.InsertUser(u), store.ErrExists, "InsertUser of a user from before the restart")
		return nil
	})
}
