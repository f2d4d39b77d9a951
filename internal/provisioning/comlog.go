package provisioning

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard/switchboard/internal/events"
	"github.com/switchboard/switchboard/internal/store"
)

// The communication log is each user's call history, as the O2G facade
// serves it. Switchboard has no call engine yet, so records come from
// whatever stands in for one (the facade's simulation endpoint); the rules
// live here so that every writer obeys them: at most ComLogMax records per
// user (the oldest dropped on insert), rights as for the user itself (the
// user, or an administrator covering it; writes refused to read-only
// administrators), and every change in one transaction, published as
// ComLogChanged once it commits.

// ComLogMax is the number of records kept per user, as on real O2G
// servers.
const ComLogMax = 100

// Communication log roles (the user's part in a call).
const (
	ComCaller  = "CALLER"
	ComCallee  = "CALLEE"
	ComUnknown = "UNKNOWN"
)

// ComLogFilter selects records; the zero value selects every record.
// Criteria are ANDed.
type ComLogFilter struct {
	// IDs, when non-nil, selects exactly these records and overrides
	// every other criterion.
	IDs []int64
	// Unanswered keeps only missed calls: incoming and not answered.
	Unanswered bool
	// Unacknowledged keeps only records not acknowledged.
	Unacknowledged bool
	// After keeps records that began at or after it; Before those that
	// began strictly before it (zero: no bound).
	After, Before time.Time
	// Role keeps records where the user had this role.
	Role string
	// ComRef keeps the records of one call.
	ComRef string
	// RemoteUserID and RemoteNumber keep records where another
	// participant is this user or has this number (either matches).
	RemoteUserID, RemoteNumber string
}

func (f *ComLogFilter) match(r store.ComRecord) bool {
	if f.IDs != nil {
		return slices.Contains(f.IDs, r.ID)
	}
	if f.Unanswered && !missed(r, false) {
		return false
	}
	if f.Unacknowledged && r.Acknowledged {
		return false
	}
	if !f.After.IsZero() && r.Begin.Before(f.After) {
		return false
	}
	if !f.Before.IsZero() && !r.Begin.Before(f.Before) {
		return false
	}
	if f.Role != "" && r.Role != f.Role {
		return false
	}
	if f.ComRef != "" && r.ComRef != f.ComRef {
		return false
	}
	if f.RemoteUserID != "" || f.RemoteNumber != "" {
		found := false
		for _, p := range r.Participants {
			if p.Party.UserID == r.UserID {
				continue
			}
			if (f.RemoteUserID != "" && p.Party.UserID == f.RemoteUserID) ||
				(f.RemoteNumber != "" && p.Party.PhoneNumber != "" && p.Party.PhoneNumber == f.RemoteNumber) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// missed reports whether r is an incoming call the user did not answer;
// with unacked, one not acknowledged yet either (what the event summary
// counts).
func missed(r store.ComRecord, unacked bool) bool {
	return r.Role == ComCallee && !r.Answered && (!unacked || !r.Acknowledged)
}

// MissedCalls counts unacknowledged missed calls.
func MissedCalls(rs []store.ComRecord) int {
	n := 0
	for _, r := range rs {
		if missed(r, true) {
			n++
		}
	}
	return n
}

// ComLogChange is what a change to a user's log did.
type ComLogChange struct {
	// Record is the record added (AddComRecord).
	Record store.ComRecord
	// IDs are the records deleted, acknowledged or unacknowledged, in id
	// order; Dropped the oldest records an insert pushed out.
	IDs, Dropped []int64
	// MissedBefore and Missed are the unacknowledged missed calls before
	// and after the change, so callers know when a counter moved.
	MissedBefore, Missed int
}

// ComRecords returns the user's records f selects, newest first, with the
// number of unacknowledged missed calls in the whole log.
func (c *Core) ComRecords(ctx context.Context, a *Actor, userID string, f ComLogFilter) (out []store.ComRecord, missedCalls int, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		u, err := c.userForRead(tx, a, userID)
		if err != nil {
			return err
		}
		all, err := tx.ListComRecords(u.ID)
		if err != nil {
			return err
		}
		missedCalls = MissedCalls(all)
		for i := len(all) - 1; i >= 0; i-- {
			if f.match(all[i]) {
				out = append(out, all[i])
			}
		}
		return nil
	})
	return out, missedCalls, err
}

// ComRecord reads one record of the user.
func (c *Core) ComRecord(ctx context.Context, a *Actor, userID string, id int64) (r store.ComRecord, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		u, err := c.userForRead(tx, a, userID)
		if err != nil {
			return err
		}
		r, err = tx.GetComRecord(u.ID, id)
		return storeErr(err, "Communication Log Record", itoa64(id))
	})
	return r, err
}

// AddComRecord adds a record to the user's log, as a call engine does when
// a call leaves the user: the record gets a new id, the user's role and
// answered flag are taken from the participant that carries a role, a
// missed call starts unacknowledged (anything else is acknowledged, there
// being nothing to acknowledge), and the oldest records go beyond
// ComLogMax.
func (c *Core) AddComRecord(ctx context.Context, a *Actor, userID string, r store.ComRecord) (ch ComLogChange, err error) {
	err = c.update(ctx, func(tx store.Tx) error {
		u, err := c.userForWrite(tx, a, userID, LevelUser)
		if err != nil {
			return err
		}
		if u.Kind != store.KindUser {
			return newErr(KindUserNotFound, userID)
		}
		if r.Begin.IsZero() {
			r.Begin = c.opt.Now().UTC()
		}
		if err := checkComRecord(&r); err != nil {
			return err
		}
		r.UserID = u.ID
		r.Acknowledged = !missed(r, false)
		all, err := tx.ListComRecords(u.ID)
		if err != nil {
			return err
		}
		ch.MissedBefore = MissedCalls(all)
		for len(all) >= ComLogMax {
			if err := tx.DeleteComRecord(u.ID, all[0].ID); err != nil {
				return err
			}
			ch.Dropped = append(ch.Dropped, all[0].ID)
			all = all[1:]
		}
		id, err := tx.InsertComRecord(r)
		if err != nil {
			return storeErr(err, "User", u.ID)
		}
		r.ID = id
		ch.Record = r
		ch.Missed = MissedCalls(append(all, r))
		emit(tx, comLogEvent(u, "created", ch))
		return nil
	})
	return ch, err
}

// checkComRecord validates a record's enumerations and fills the user's
// role and answered flag from its participants.
func checkComRecord(r *store.ComRecord) error {
	r.Role, r.Answered = ComUnknown, false
	if len(r.Participants) > comMaxItems || len(r.Extensions) > comMaxItems || len(r.Medias) > comMaxItems {
		return errInvalid("record", "more than "+itoa(comMaxItems)+" participants, medias or extensions")
	}
	texts := []string{r.ComRef, r.TransferredBy, r.AssociatedData}
	for _, e := range r.Extensions {
		texts = append(texts, e.Name, e.Value)
	}
	for _, p := range r.Participants {
		texts = append(texts, p.Leg, p.Party.UserID, p.Party.PhoneNumber, p.Party.FirstName, p.Party.LastName,
			p.Party.DisplayName, p.Party.SubType)
		if p.InitialCalled != nil {
			texts = append(texts, p.InitialCalled.UserID, p.InitialCalled.PhoneNumber, p.InitialCalled.FirstName,
				p.InitialCalled.LastName, p.InitialCalled.DisplayName, p.InitialCalled.SubType)
		}
	}
	for _, t := range texts {
		if len(t) > comMaxText {
			return errInvalid("record", "a text is longer than "+itoa(comMaxText)+" bytes")
		}
	}
	owner := false
	for i, p := range r.Participants {
		switch p.Role {
		case "", ComUnknown:
		case ComCaller, ComCallee:
			// The owner's participant is the one with a role (its
			// counterpart carries none); the first one decides.
			if !owner {
				owner = true
				r.Role = p.Role
				r.Answered = p.Answered != nil && *p.Answered
			}
		default:
			return errInvalid("participants["+itoa(i)+"].role", "must be CALLER, CALLEE or UNKNOWN")
		}
		if p.Reason != "" && !slices.Contains(ComReasons, p.Reason) {
			return errInvalid("participants["+itoa(i)+"].reason", "unknown reason "+p.Reason)
		}
		for _, party := range []*store.ComParty{&r.Participants[i].Party, r.Participants[i].InitialCalled} {
			if party == nil {
				continue
			}
			switch party.Type {
			case "", "USER", "DEVICE", "SERVICE", "EXTERNAL", "UNKNOWN":
			default:
				return errInvalid("participants["+itoa(i)+"].type", "must be USER, DEVICE, SERVICE, EXTERNAL or UNKNOWN")
			}
		}
	}
	if len(r.Medias) == 0 {
		r.Medias = []string{"AUDIO"}
	}
	for _, m := range r.Medias {
		if m != "AUDIO" && m != "UNKNOWN" {
			return errInvalid("medias", "must be AUDIO or UNKNOWN")
		}
	}
	if r.HoldDuration != nil && *r.HoldDuration < 0 {
		return errInvalid("holdDuration", "must not be negative")
	}
	if !r.Conv.IsZero() && r.Conv.Before(r.Begin) || !r.End.IsZero() && r.End.Before(r.Begin) {
		return errInvalid("dates", "convDate and endDate must not precede beginDate")
	}
	if strings.TrimSpace(r.ComRef) == "" {
		return errInvalid("comRef", "is required")
	}
	return nil
}

// Bounds of one record, so that a log of ComLogMax records stays small.
const (
	comMaxItems = 16
	comMaxText  = 256
)

// ComReasons are the reasons a participant's part in a call ended or was
// rerouted.
var ComReasons = []string{"ALL_TRUNK_BUSY", "INVALID_NUMBER", "ABANDONED", "BUSY", "CONFERENCED", "PICKUP",
	"FORWARDED", "REDIRECTED", "RELEASED_ON_REDIRECT", "TRANSFERRED", "RELEASED_ON_TRANSFER", "VOICEMAIL", "NORMAL", "UNKNOWN"}

// DeleteComRecords deletes the user's records f selects; ids not in the
// log are ignored, as real servers do.
func (c *Core) DeleteComRecords(ctx context.Context, a *Actor, userID string, f ComLogFilter) (ch ComLogChange, err error) {
	err = c.update(ctx, func(tx store.Tx) error {
		u, err := c.userForWrite(tx, a, userID, LevelUser)
		if err != nil {
			return err
		}
		all, err := tx.ListComRecords(u.ID)
		if err != nil {
			return err
		}
		ch.MissedBefore = MissedCalls(all)
		kept := all[:0:0]
		for _, r := range all {
			if !f.match(r) {
				kept = append(kept, r)
				continue
			}
			if err := tx.DeleteComRecord(u.ID, r.ID); err != nil {
				return err
			}
			ch.IDs = append(ch.IDs, r.ID)
		}
		ch.Missed = MissedCalls(kept)
		if len(ch.IDs) > 0 {
			emit(tx, comLogEvent(u, "deleted", ch))
		}
		return nil
	})
	return ch, err
}

// AckComRecords acknowledges (ack) or unacknowledges the user's missed
// calls among ids. Only missed calls carry the flag: other records, ids
// not in the log and records already in the asked state are left alone and
// not reported.
func (c *Core) AckComRecords(ctx context.Context, a *Actor, userID string, ids []int64, ack bool) (ch ComLogChange, err error) {
	err = c.update(ctx, func(tx store.Tx) error {
		u, err := c.userForWrite(tx, a, userID, LevelUser)
		if err != nil {
			return err
		}
		all, err := tx.ListComRecords(u.ID)
		if err != nil {
			return err
		}
		ch.MissedBefore = MissedCalls(all)
		for i, r := range all {
			if !slices.Contains(ids, r.ID) || !missed(r, false) || r.Acknowledged == ack {
				continue
			}
			r.Acknowledged = ack
			if err := tx.UpdateComRecord(r); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return storeErr(err, "Communication Log Record", itoa64(r.ID))
				}
				return err
			}
			all[i] = r
			ch.IDs = append(ch.IDs, r.ID)
		}
		ch.Missed = MissedCalls(all)
		if len(ch.IDs) > 0 {
			op := "ack"
			if !ack {
				op = "unack"
			}
			emit(tx, comLogEvent(u, op, ch))
		}
		return nil
	})
	return ch, err
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// joinIDs writes ids comma-separated, as events carry them.
func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = itoa64(id)
	}
	return strings.Join(parts, ",")
}

// comLogEvent is the ComLogChanged of a change to u's log. It carries the
// ids and counters because the records may be gone by the time a consumer
// handles it.
func comLogEvent(u store.User, op string, ch ComLogChange) events.Event {
	ev := userEvent(events.ComLogChanged, u)
	ev.Data = map[string]string{"op": op, "ids": joinIDs(ch.IDs), "dropped": joinIDs(ch.Dropped),
		"missedBefore": itoa(ch.MissedBefore), "missed": itoa(ch.Missed)}
	if op == "created" {
		ev.Data["record"] = itoa64(ch.Record.ID)
	}
	return ev
}

// MissedCallCount is the number of the user's unacknowledged missed calls
// (the event summary's missed call counter).
func (c *Core) MissedCallCount(ctx context.Context, a *Actor, userID string) (n int, err error) {
	err = c.view(ctx, func(tx store.Tx) error {
		u, err := c.userForRead(tx, a, userID)
		if err != nil {
			return err
		}
		all, err := tx.ListComRecords(u.ID)
		n = MissedCalls(all)
		return err
	})
	return n, err
}
