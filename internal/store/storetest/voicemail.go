package storetest

import (
	"bytes"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/store"
)

func testVoicemail(t *testing.T, s store.Store) {
	const a, b = "a@example.com", "b@example.com"
	date := time.Date(2026, 3, 4, 5, 6, 7, 123000000, time.UTC)
	// Every byte value, so that no engine mangles binary data.
	audio := make([]byte, 70000)
	for i := range audio {
		audio[i] = byte(i * 7)
	}
	full := store.VoiceMessage{UserID: a, From: store.ComParty{PhoneNumber: "+33-123456789", DisplayName: "Outside", Type: "EXTERNAL"},
		Date: date, Duration: 12, Unread: true, HighPriority: true, Audio: audio}
	bare := store.VoiceMessage{UserID: a, Date: date.Add(time.Minute)}
	var id1, id2, id3 int64
	update(t, s, func(tx store.Tx) error {
		_, err := tx.InsertVoiceMessage(full)
		is(t, err, store.ErrNotFound, "InsertVoiceMessage for a missing user")
		ok(t, tx.InsertUser(user(a, "sp1", "g1")))
		ok(t, tx.InsertUser(user(b, "sp1", "g1")))
		var errs [3]error
		id1, errs[0] = tx.InsertVoiceMessage(full)
		id2, errs[1] = tx.InsertVoiceMessage(bare)
		id3, errs[2] = tx.InsertVoiceMessage(store.VoiceMessage{UserID: b, Date: date, Duration: 1, Audio: []byte("x")})
		for _, err := range errs {
			ok(t, err)
		}
		return nil
	})
	if !(id1 > 0 && id2 > id1 && id3 > id2) {
		t.Fatalf("ids %d %d %d: want increasing and positive", id1, id2, id3)
	}
	full.ID, bare.ID = id1, id2
	full.AudioSize, bare.Audio = len(audio), []byte{}
	listed := func(m store.VoiceMessage) store.VoiceMessage { m.Audio = nil; return m }
	view(t, s, func(tx store.Tx) error {
		got, err := tx.GetVoiceMessage(a, id1)
		ok(t, err)
		if !bytes.Equal(got.Audio, audio) {
			t.Fatalf("GetVoiceMessage: audio of %d bytes differs from the %d stored", len(got.Audio), len(audio))
		}
		equal(t, got, full, "GetVoiceMessage of the full message")
		got, err = tx.GetVoiceMessage(a, id2)
		ok(t, err)
		equal(t, got, bare, "GetVoiceMessage of a message without audio")
		list, err := tx.ListVoiceMessages(a)
		ok(t, err)
		equal(t, list, []store.VoiceMessage{listed(full), listed(bare)}, "ListVoiceMessages (no audio)")
		// A message is reached only through its own user.
		_, err = tx.GetVoiceMessage(b, id1)
		is(t, err, store.ErrNotFound, "GetVoiceMessage through another user")
		list, err = tx.ListVoiceMessages("nobody@example.com")
		ok(t, err)
		equal(t, len(list), 0, "ListVoiceMessages of an unknown user")
		return nil
	})

	update(t, s, func(tx store.Tx) error {
		ok(t, tx.SetVoiceMessageUnread(a, id1, false))
		is(t, tx.SetVoiceMessageUnread(b, id1, false), store.ErrNotFound, "SetVoiceMessageUnread through another user")
		is(t, tx.DeleteVoiceMessage(b, id2), store.ErrNotFound, "DeleteVoiceMessage through another user")
		ok(t, tx.DeleteVoiceMessage(a, id2))
		is(t, tx.DeleteVoiceMessage(a, id2), store.ErrNotFound, "DeleteVoiceMessage twice")
		return nil
	})
	full.Unread = false
	view(t, s, func(tx store.Tx) error {
		list, err := tx.ListVoiceMessages(a)
		ok(t, err)
		equal(t, list, []store.VoiceMessage{listed(full)}, "ListVoiceMessages after update and delete")
		return nil
	})

	// A failed Update keeps nothing; ids are never reused, not even after
	// the newest message is deleted.
	if err := s.Update(t.Context(), func(tx store.Tx) error {
		_, err := tx.InsertVoiceMessage(bare)
		ok(t, err)
		return store.ErrClosed
	}); err != store.ErrClosed {
		t.Fatalf("Update: %v", err)
	}
	var id4 int64
	update(t, s, func(tx store.Tx) error {
		ok(t, tx.DeleteVoiceMessage(b, id3))
		var err error
		id4, err = tx.InsertVoiceMessage(bare)
		ok(t, err)
		return nil
	})
	if id4 <= id3 {
		t.Fatalf("id %d after %d: reused", id4, id3)
	}
	view(t, s, func(tx store.Tx) error {
		list, err := tx.ListVoiceMessages(a)
		ok(t, err)
		equal(t, len(list), 2, "messages after the failed Update")
		return nil
	})

	// The messages go with their user; another user's stay.
	update(t, s, func(tx store.Tx) error {
		_, err := tx.InsertVoiceMessage(store.VoiceMessage{UserID: b, Date: date})
		ok(t, err)
		ok(t, tx.DeleteUser(a))
		list, err := tx.ListVoiceMessages(a)
		ok(t, err)
		equal(t, len(list), 0, "messages after DeleteUser")
		ok(t, tx.InsertUser(user(a, "sp1", "g1")))
		list, err = tx.ListVoiceMessages(a)
		ok(t, err)
		equal(t, len(list), 0, "messages of a new user with the old id")
		list, err = tx.ListVoiceMessages(b)
		ok(t, err)
		equal(t, len(list), 1, "the other user's messages")
		return nil
	})
}
