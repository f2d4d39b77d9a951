package provisioning

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/store"
)

// vmCore is comlogCore with the voicemail service given to user a.
func vmCore(t *testing.T) (c *Core, sys, groupAdmin, readOnly *Actor) {
	t.Helper()
	c, sys, groupAdmin, readOnly = comlogCore(t)
	ctx := context.Background()
	if err := c.ModifySPServiceAuth(ctx, sys, "sp", []AuthChange{{Kind: store.SvcUser, Name: VoicemailService, Quantity: store.Unlimited}}); err != nil {
		t.Fatal(err)
	}
	if err := c.ModifyGroupServiceAuth(ctx, sys, "sp", "g", []AuthChange{{Kind: store.SvcUser, Name: VoicemailService, Quantity: store.Unlimited}}); err != nil {
		t.Fatal(err)
	}
	res, err := c.AssignUserServices(ctx, sys, "a@cl.example.com", []string{VoicemailService}, nil)
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	return c, sys, groupAdmin, readOnly
}

func TestVoicemailDepositReadDelete(t *testing.T) {
	c, sys, _, readOnly := vmCore(t)
	ctx := context.Background()
	const a = "a@cl.example.com"
	msg := store.VoiceMessage{From: store.ComParty{PhoneNumber: "+33-1234", Type: "external"}, Duration: 3,
		Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Audio: []byte("RIFF....")}
	ch, err := c.DepositVoiceMessage(ctx, sys, a, msg)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Before != (MailboxState{Has: true}) || ch.After != (MailboxState{Has: true, Total: 1, Unread: 1}) || !ch.Message.Unread ||
		ch.Message.From.Type != "EXTERNAL" || ch.Message.ID <= 0 {
		t.Fatalf("deposit: %+v", ch)
	}
	id := ch.Message.ID
	if _, err := c.DepositVoiceMessage(ctx, sys, "b@cl.example.com", msg); err == nil {
		t.Fatal("deposit for a user without mailbox: accepted")
	}
	if st, err := c.Mailbox(ctx, sys, "b@cl.example.com"); err != nil || st.Has {
		t.Fatalf("b's mailbox: %+v %v", st, err)
	}
	_, err = c.ReadVoiceMessage(ctx, readOnly, a, id)
	comWantKind(t, err, KindUnauthorized)
	ch, err = c.ReadVoiceMessage(ctx, sys, a, id)
	if err != nil || string(ch.Message.Audio) != "RIFF...." || ch.Message.Unread || len(ch.IDs) != 1 || ch.After.Unread != 0 {
		t.Fatalf("read: %+v %v", ch, err)
	}
	ch, err = c.ReadVoiceMessage(ctx, sys, a, id)
	if err != nil || len(ch.IDs) != 0 || ch.Before != ch.After {
		t.Fatalf("second read: %+v %v", ch, err)
	}
	_, err = c.ReadVoiceMessage(ctx, sys, a, id+100)
	comWantKind(t, err, KindNotFound)

	pc := "wrong"
	_, err = c.OpenMailbox(ctx, sys, a, &pc)
	comWantKind(t, err, KindBadPassword)
	if _, err := c.OpenMailbox(ctx, sys, a, nil); err != nil {
		t.Fatal(err)
	}

	ch, err = c.DeleteVoiceMessages(ctx, sys, a, nil)
	if err != nil || len(ch.IDs) != 1 || ch.After.Total != 0 {
		t.Fatalf("delete all: %+v %v", ch, err)
	}
}

func TestVoicemailLimits(t *testing.T) {
	c, sys, _, _ := vmCore(t)
	ctx := context.Background()
	const a = "a@cl.example.com"
	_, err := c.DepositVoiceMessage(ctx, sys, a, store.VoiceMessage{Audio: make([]byte, VoicemailMaxAudio+1)})
	comWantKind(t, err, KindInvalid)
	_, err = c.DepositVoiceMessage(ctx, sys, a, store.VoiceMessage{})
	comWantKind(t, err, KindInvalid)
	for i := range VoicemailMax {
		if _, err := c.DepositVoiceMessage(ctx, sys, a, store.VoiceMessage{Duration: i, Audio: []byte{1}}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DepositVoiceMessage(ctx, sys, a, store.VoiceMessage{Audio: []byte{1}})
	comWantKind(t, err, KindLimit)
	list, err := c.VoiceMessages(ctx, sys, a)
	if err != nil || len(list) != VoicemailMax || list[0].Duration != VoicemailMax-1 {
		t.Fatalf("list: %d %v", len(list), err)
	}
	ch, err := c.DeleteVoiceMessages(ctx, sys, a, []int64{list[0].ID, list[1].ID, 999999})
	if err != nil || len(ch.IDs) != 2 || ch.After.Total != VoicemailMax-2 {
		t.Fatalf("delete: %+v %v", ch.IDs, err)
	}
}

// Voicemail changes are published after commit; refused or no-op ones are
// not.
func TestVoicemailEvents(t *testing.T) {
	c, sys, _, readOnly := vmCore(t)
	ctx := context.Background()
	bus := events.NewMemory()
	sub := bus.Subscribe(10)
	c.opt.Events = bus
	const a = "a@cl.example.com"
	next := func() (events.Event, bool) {
		select {
		case ev := <-sub.C():
			return ev, true
		default:
			return events.Event{}, false
		}
	}
	msg := store.VoiceMessage{From: store.ComParty{PhoneNumber: "+33-1234", Type: "external"}, Duration: 3,
		Date: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Audio: []byte("RIFF....")}
	if _, err := c.DepositVoiceMessage(ctx, readOnly, a, msg); err == nil {
		t.Fatal("a read-only administrator deposited a message")
	}
	if ev, ok := next(); ok {
		t.Fatalf("event after a refused deposit: %+v", ev)
	}
	ch, err := c.DepositVoiceMessage(ctx, sys, a, msg)
	if err != nil {
		t.Fatal(err)
	}
	ev, ok := next()
	if !ok || ev.Kind != events.VoicemailChanged || ev.UserID != a || ev.Data["unreadBefore"] != "0" || ev.Data["unread"] != "1" {
		t.Fatalf("deposit event %+v (%v)", ev, ok)
	}
	if _, err := c.ReadVoiceMessage(ctx, sys, a, ch.Message.ID); err != nil {
		t.Fatal(err)
	}
	if ev, ok = next(); !ok || ev.Data["unread"] != "0" || ev.Data["ids"] != itoa64(ch.Message.ID) {
		t.Fatalf("read event %+v (%v)", ev, ok)
	}
	// Reading it again changes nothing and publishes nothing.
	if _, err := c.ReadVoiceMessage(ctx, sys, a, ch.Message.ID); err != nil {
		t.Fatal(err)
	}
	if ev, ok := next(); ok {
		t.Fatalf("event after a no-op read: %+v", ev)
	}
}
