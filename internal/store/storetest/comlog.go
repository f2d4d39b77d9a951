package storetest

import (
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/store"
)

func testComLog(t *testing.T, s store.Store) {
	const a, b = "a@example.com", "b@example.com"
	yes, hold := true, int64(12)
	begin := time.Date(2026, 3, 4, 5, 6, 7, 123000000, time.UTC)
	full := store.ComRecord{UserID: a, ComRef: "ref-1", Role: "CALLEE", Answered: true, Acknowledged: true,
		Begin: begin, Conv: begin.Add(5 * time.Second), End: begin.Add(time.Minute),
		HoldDuration: &hold, TransferredBy: "oxe100", AssociatedData: "ticket 42", Medias: []string{"AUDIO"},
		Participants: []store.ComParticipant{
			{Party: store.ComParty{PhoneNumber: "+33-123456789", DisplayName: "Outside", Type: "EXTERNAL"}, Reason: "NORMAL"},
			{Role: "CALLEE", Answered: &yes, Party: store.ComParty{UserID: a, FirstName: "A", LastName: "Alpha", Type: "USER"},
				InitialCalled: &store.ComParty{UserID: b, Type: "USER", SubType: "pbx"}, Anonymous: true, Leg: "leg-1"},
		},
		Extensions: []store.ComTag{{Name: "k", Value: "v"}},
	}
	bare := store.ComRecord{UserID: a, ComRef: "ref-2", Role: "CALLER"}
	var id1, id2, id3 int64
	update(t, s, func(tx store.Tx) error {
		_, err := tx.InsertComRecord(full)
		is(t, err, store.ErrNotFound, "InsertComRecord for a missing user")
		ok(t, tx.InsertUser(user(a, "sp1", "g1")))
		ok(t, tx.InsertUser(user(b, "sp1", "g1")))
		var errs [3]error
		id1, errs[0] = tx.InsertComRecord(full)
		id2, errs[1] = tx.InsertComRecord(bare)
		id3, errs[2] = tx.InsertComRecord(store.ComRecord{UserID: b, ComRef: "ref-3", Role: "UNKNOWN"})
		for _, err := range errs {
			ok(t, err)
		}
		return nil
	})
	if !(id1 > 0 && id2 > id1 && id3 > id2) {
		t.Fatalf("ids %d %d %d: want increasing and positive", id1, id2, id3)
	}
	full.ID, bare.ID = id1, id2
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetComRecord(a, id1)
		ok(t, err)
		equal(t, got, full, "GetComRecord of the full record")
		list, err := tx.ListComRecords(a)
		ok(t, err)
		equal(t, list, []store.ComRecord{full, bare}, "ListComRecords")
		// A record is reached only through its own user.
		_, err = tx.GetComRecord(b, id1)
		is(t, err, store.ErrNotFound, "GetComRecord through another user")
		list, err = tx.ListComRecords("nobody@example.com")
		ok(t, err)
		equal(t, len(list), 0, "ListComRecords of an unknown user")
		return nil
	})

	changed := full
	changed.Acknowledged, changed.Answered, changed.Participants = false, false, nil
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.UpdateComRecord(changed))
		is(t, tx.UpdateComRecord(store.ComRecord{UserID: b, ID: id1}), store.ErrNotFound, "UpdateComRecord through another user")
		is(t, tx.DeleteComRecord(b, id2), store.ErrNotFound, "DeleteComRecord through another user")
		ok(t, tx.DeleteComRecord(a, id2))
		is(t, tx.DeleteComRecord(a, id2), store.ErrNotFound, "DeleteComRecord twice")
		return nil
	})
	view(t, s, func(tx store.Tx) error {
		list, err := tx.ListComRecords(a)
		ok(t, err)
		equal(t, list, []store.ComRecord{changed}, "ListComRecords after update and delete")
		return nil
	})

	// A failed Update keeps nothing, and the id it took is not seen.
	if err := s.Update(t.Context(), func(tx store.Tx) error {
		_, err := tx.InsertComRecord(bare)
		ok(t, err)
		return store.ErrClosed
	}); err != store.ErrClosed {
		t.Fatalf("Update: %v", err)
	}
	// Ids are never reused, not even after the newest record is deleted.
	var id4 int64
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.DeleteComRecord(b, id3))
		var err error
		id4, err = tx.InsertComRecord(bare)
		ok(t, err)
		return nil
	})
	if id4 <= id3 {
		t.Fatalf("id %d after %d: reused", id4, id3)
	}

	// The records go with their user; another user's stay.
	update(t, s, func(tx store.Tx) error {
		_, err := tx.InsertComRecord(store.ComRecord{UserID: b, ComRef: "ref-5", Role: "CALLER"})
		ok(t, err)
		ok(t, tx.DeleteUser(a))
		list, err := tx.ListComRecords(a)
		ok(t, err)
		equal(t, len(list), 0, "records after DeleteUser")
		ok(t, tx.InsertUser(user(a, "sp1", "g1")))
		list, err = tx.ListComRecords(a)
		ok(t, err)
		equal(t, len(list), 0, "records of a new user with the old id")
		list, err = tx.ListComRecords(b)
		ok(t, err)
		equal(t, len(list), 1, "the other user's records")
		return nil
	})
}
