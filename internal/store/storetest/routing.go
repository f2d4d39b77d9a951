package storetest

import (
	"testing"

	"github.com/switchboard/switchboard/internal/store"
)

func testUserRouting(t *testing.T, s store.Store) {
	const id = "r@example.com"
	full := store.UserRouting{UserID: id,
		Always: store.Forward{Active: true, Number: "+1-2025550100"}, AlwaysRingSplash: true,
		Busy:     store.Forward{Number: "voicemail@example.com"},
		NoAnswer: store.Forward{Active: true, Number: "*86"}, NoAnswerRings: 7,
		NotReachable: store.Forward{Active: true, Number: "12345"},
		DND:          true, DNDRingSplash: true,
		Overflow: store.Overflow{Type: "BUSY_NO_ANSWER", Destination: "VOICEMAIL"},
	}
	update(t, s, func(tx store.Tx) error {
		// Nothing stored: the defaults, for an existing user or not.
		got, err := tx.GetUserRouting(id)
		ok(t, err)
		equal(t, got, store.DefaultUserRouting(id), "GetUserRouting with nothing stored")
		equal(t, got.NoAnswerRings, 2, "default rings")
		is(t, tx.PutUserRouting(full), store.ErrNotFound, "PutUserRouting of a missing user")

		ok(t, tx.InsertUser(user(id, "sp1", "g1")))
		ok(t, tx.InsertUser(user("other@example.com", "sp1", "g1")))
		ok(t, tx.PutUserRouting(full))
		ok(t, tx.PutUserRouting(store.UserRouting{UserID: "other@example.com", DND: true, NoAnswerRings: 0}))
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetUserRouting(id)
		ok(t, err)
		equal(t, got, full, "GetUserRouting after Put")
		got, err = tx.GetUserRouting("other@example.com")
		ok(t, err)
		equal(t, got, store.UserRouting{UserID: "other@example.com", DND: true}, "the other user's record (0 rings kept)")
		return nil
	})
	// Put replaces the whole record.
	changed := full
	changed.Always = store.Forward{Number: "sip.user@example.com"}
	changed.AlwaysRingSplash, changed.DND, changed.NoAnswerRings = false, false, 20
	changed.Overflow = store.Overflow{Type: "NO_ANSWER", Destination: "ASSOCIATE"}
	update(t, s, func(tx store.Tx) error { return tx.PutUserRouting(changed) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetUserRouting(id)
		ok(t, err)
		equal(t, got, changed, "GetUserRouting after a second Put")
		return nil
	})
	// The overflow route alone: cleared, the rest of the record stays.
	noOverflow := changed
	noOverflow.Overflow = store.Overflow{}
	update(t, s, func(tx store.Tx) error { return tx.PutUserRouting(noOverflow) })
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetUserRouting(id)
		ok(t, err)
		equal(t, got, noOverflow, "GetUserRouting after clearing the overflow")
		return nil
	})
	update(t, s, func(tx store.Tx) error { return tx.PutUserRouting(changed) })
	// A failed Update keeps nothing of the write.
	if err := s.Update(t.Context(), func(tx store.Tx) error {
		ok(t, tx.PutUserRouting(full))
		return store.ErrClosed // any error
	}); err != store.ErrClosed {
		t.Fatalf("Update: %v", err)
	}
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetUserRouting(id)
		ok(t, err)
		equal(t, got, changed, "GetUserRouting after a rolled back Put")
		return nil
	})
	// The record goes with its user; a new user of the same id starts
	// from the defaults.
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.DeleteUser(id))
		got, err := tx.GetUserRouting(id)
		ok(t, err)
		equal(t, got, store.DefaultUserRouting(id), "GetUserRouting after DeleteUser")
		ok(t, tx.InsertUser(user(id, "sp1", "g1")))
		got, err = tx.GetUserRouting(id)
		ok(t, err)
		equal(t, got, store.DefaultUserRouting(id), "GetUserRouting of a new user with the old id")
		got, err = tx.GetUserRouting("other@example.com")
		ok(t, err)
		equal(t, got.DND, true, "the other user's record survives")
		return nil
	})
}
