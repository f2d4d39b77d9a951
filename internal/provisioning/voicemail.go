package provisioning

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/store"
)

// Voicemail is each user's mailbox, as the O2G facade serves it. A user
// has a mailbox when it holds VoicemailService (directly or through a
// pack). Switchboard has no voicemail system yet, so messages come from
// whatever stands in for one (the facade's simulation endpoint); the rules
// live here so that every writer obeys them: at most VoicemailMax messages
// and VoicemailMaxAudio bytes of recording each, rights as for the user
// itself (the user, or an administrator covering it; changes refused to
// read-only administrators), and every change in one transaction,
// published as VoicemailChanged once it commits.

// VoicemailService is the user service that gives a user a mailbox.
const VoicemailService = "Voice Messaging User"

// Bounds of a mailbox.
const (
	VoicemailMax      = 100
	VoicemailMaxAudio = 1 << 20
	// voicemailMaxDuration bounds a message's stated length (one hour);
	// voicemailMaxText a caller's texts.
	voicemailMaxDuration = 3600
	voicemailMaxText     = 256
)

// MailboxState is what a mailbox holds.
type MailboxState struct {
	// Has reports whether the user has a mailbox at all; the counters
	// are 0 when not.
	Has bool
	// Total is the number of messages, Unread those not heard yet.
	Total, Unread int
}

// VoicemailChange is what a change to a mailbox did.
type VoicemailChange struct {
	// Message is the message deposited or read (with its audio when
	// read).
	Message store.VoiceMessage
	// IDs are the messages deleted or marked read, in id order.
	IDs []int64
	// Before and After are the mailbox before and after the change, so
	// callers know when a counter moved.
	Before, After MailboxState
}

func mailboxStateOf(ms []store.VoiceMessage) MailboxState {
	st := MailboxState{Has: true, Total: len(ms)}
	for _, m := range ms {
		if m.Unread {
			st.Unread++
		}
	}
	return st
}

// errNoMailbox is the refusal for a user without the voicemail service.
func errNoMailbox(userID string) error {
	return &Error{Kind: KindNotFound, Args: []string{"Mailbox", userID}, Detail: "the user has no " + VoicemailService + " service"}
}

// mailbox reads the user's messages, oldest first, refusing a user
// without a mailbox.
func mailbox(tx store.Tx, u store.User) ([]store.VoiceMessage, error) {
	has, err := userHasService(tx, u, VoicemailService)
	if err != nil {
		return nil, err
	}
	if !has || u.Kind != store.KindUser {
		return nil, errNoMailbox(u.ID)
	}
	return tx.ListVoiceMessages(u.ID)
}

// Mailbox reports whether the user has a mailbox, and its counters.
func (c *Core) Mailbox(ctx context.Context, a *Actor, userID string) (st MailboxState, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		u, err := c.userForRead(tx, a, userID)
		if err != nil {
			return err
		}
		ms, err := mailbox(tx, u)
		if e, ok := AsError(err); ok && e.Kind == KindNotFound {
			return nil // no mailbox: Has stays false
		}
		if err != nil {
			return err
		}
		st = mailboxStateOf(ms)
		return nil
	})
	return st, err
}

// OpenMailbox checks access to the user's mailbox. With passcode the
// caller must give the user's portal passcode (the mailbox password);
// wrong codes count towards a lockout of their own, so that guessing at
// the mailbox cannot lock the user out of logging in. Without passcode
// the caller's rights on the user suffice.
func (c *Core) OpenMailbox(ctx context.Context, a *Actor, userID string, passcode *string) (st MailboxState, err error) {
	now := c.opt.Now()
	key := "mailbox:" + userID
	if passcode != nil && c.lockedOut(key, now) {
		return st, errLocked
	}
	err = c.view(ctx, func(tx store.Tx) error {
		u, ms, err := c.mailboxOf(tx, a, userID, false)
		if err != nil {
			return err
		}
		if passcode != nil && (u.Passcode == "" || !VerifyPasscode(u.Passcode, *passcode)) {
			return newErr(KindBadPassword)
		}
		st = mailboxStateOf(ms)
		return nil
	})
	if passcode != nil {
		if e, ok := AsError(err); ok && e.Kind == KindBadPassword {
			c.recordFailure(key, now)
		} else if err == nil {
			c.clearFailures(key)
		}
	}
	return st, err
}

// VoiceMessages returns the user's messages, newest first, without their
// audio.
func (c *Core) VoiceMessages(ctx context.Context, a *Actor, userID string) (out []store.VoiceMessage, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		_, ms, err := c.mailboxOf(tx, a, userID, false)
		if err != nil {
			return err
		}
		out = ms
		slices.Reverse(out)
		return nil
	})
	return out, err
}

// ReadVoiceMessage returns one message with its audio and marks it read,
// as listening to it on a voicemail system does.
func (c *Core) ReadVoiceMessage(ctx context.Context, a *Actor, userID string, id int64) (ch VoicemailChange, err error) {
	err = c.update(ctx, func(tx store.Tx) error {
		ch = VoicemailChange{}
		u, ms, err := c.mailboxOf(tx, a, userID, true)
		if err != nil {
			return err
		}
		ch.Before = mailboxStateOf(ms)
		m, err := tx.GetVoiceMessage(u.ID, id)
		if err != nil {
			return storeErr(err, "Voice Message", itoa64(id))
		}
		if m.Unread {
			if err := tx.SetVoiceMessageUnread(u.ID, id, false); err != nil {
				return storeErr(err, "Voice Message", itoa64(id))
			}
			m.Unread = false
			ch.IDs = []int64{id}
			for i := range ms {
				if ms[i].ID == id {
					ms[i].Unread = false
				}
			}
		}
		ch.Message = m
		ch.After = mailboxStateOf(ms)
		if len(ch.IDs) > 0 {
			emit(tx, voicemailEvent(u, "read", ch.IDs, ch))
		}
		return nil
	})
	return ch, err
}

// DeleteVoiceMessages deletes the user's messages among ids, or all of
// them when ids is nil; ids not in the mailbox are ignored.
func (c *Core) DeleteVoiceMessages(ctx context.Context, a *Actor, userID string, ids []int64) (ch VoicemailChange, err error) {
	err = c.update(ctx, func(tx store.Tx) error {
		ch = VoicemailChange{}
		u, ms, err := c.mailboxOf(tx, a, userID, true)
		if err != nil {
			return err
		}
		ch.Before = mailboxStateOf(ms)
		kept := ms[:0:0]
		for _, m := range ms {
			if ids != nil && !slices.Contains(ids, m.ID) {
				kept = append(kept, m)
				continue
			}
			if err := tx.DeleteVoiceMessage(u.ID, m.ID); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return storeErr(err, "Voice Message", itoa64(m.ID))
				}
				return err
			}
			ch.IDs = append(ch.IDs, m.ID)
		}
		ch.After = mailboxStateOf(kept)
		if len(ch.IDs) > 0 {
			emit(tx, voicemailEvent(u, "deleted", ch.IDs, ch))
		}
		return nil
	})
	return ch, err
}

// DepositVoiceMessage leaves a new, unread message in the user's mailbox,
// as a voicemail system does when a caller records one. A full mailbox
// refuses it (a voicemail system tells the caller so) rather than losing
// a message the user has not heard. The date defaults to now.
func (c *Core) DepositVoiceMessage(ctx context.Context, a *Actor, userID string, m store.VoiceMessage) (ch VoicemailChange, err error) {
	if len(m.Audio) == 0 {
		return ch, errInvalid("audio", "is required")
	}
	if len(m.Audio) > VoicemailMaxAudio {
		return ch, errInvalid("audio", "is longer than "+itoa(VoicemailMaxAudio)+" bytes")
	}
	if m.Duration < 0 || m.Duration > voicemailMaxDuration {
		return ch, errInvalid("duration", "must be between 0 and "+itoa(voicemailMaxDuration)+" seconds")
	}
	m.From.Type = strings.ToUpper(m.From.Type)
	p := m.From
	for _, t := range []string{p.UserID, p.PhoneNumber, p.FirstName, p.LastName, p.DisplayName, p.SubType} {
		if len(t) > voicemailMaxText {
			return ch, errInvalid("from", "a text is longer than "+itoa(voicemailMaxText)+" bytes")
		}
	}
	switch p.Type {
	case "", "USER", "DEVICE", "SERVICE", "EXTERNAL", "UNKNOWN":
	default:
		return ch, errInvalid("from.type", "must be USER, DEVICE, SERVICE, EXTERNAL or UNKNOWN")
	}
	err = c.update(ctx, func(tx store.Tx) error {
		ch = VoicemailChange{}
		u, ms, err := c.mailboxOf(tx, a, userID, true)
		if err != nil {
			return err
		}
		ch.Before = mailboxStateOf(ms)
		if len(ms) >= VoicemailMax {
			return &Error{Kind: KindLimit, Args: []string{"Mailbox of " + u.ID}, Detail: "the mailbox is full (" + itoa(VoicemailMax) + " messages)"}
		}
		msg := m
		msg.UserID, msg.Unread, msg.AudioSize = u.ID, true, len(m.Audio)
		if msg.Date.IsZero() {
			msg.Date = c.opt.Now()
		}
		msg.Date = msg.Date.UTC().Truncate(time.Microsecond) // the store's precision
		id, err := tx.InsertVoiceMessage(msg)
		if err != nil {
			return storeErr(err, "User", u.ID)
		}
		msg.ID = id
		ch.Message = msg
		ch.After = mailboxStateOf(append(ms, msg))
		emit(tx, voicemailEvent(u, "deposited", []int64{id}, ch))
		return nil
	})
	return ch, err
}

// voicemailEvent is the VoicemailChanged of a change to u's mailbox. It
// carries the unread counts because later changes move them before a
// consumer handles it.
func voicemailEvent(u store.User, op string, ids []int64, ch VoicemailChange) events.Event {
	ev := userEvent(events.VoicemailChanged, u)
	ev.Data = map[string]string{"op": op, "ids": joinIDs(ids),
		"unreadBefore": itoa(ch.Before.Unread), "unread": itoa(ch.After.Unread)}
	return ev
}

// mailboxOf reads userID's mailbox as a reads it (write: to change it):
// the user, checked, and its messages.
func (c *Core) mailboxOf(tx store.Tx, a *Actor, userID string, write bool) (store.User, []store.VoiceMessage, error) {
	var u store.User
	var err error
	if write {
		u, err = c.userForWrite(tx, a, userID, LevelUser)
	} else {
		u, err = c.userForRead(tx, a, userID)
	}
	if err != nil {
		return store.User{}, nil, err
	}
	ms, err := mailbox(tx, u)
	return u, ms, err
}
