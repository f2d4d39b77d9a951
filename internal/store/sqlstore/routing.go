package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard/switchboard/internal/store"
)

const routingCols = `always_active, always_number, always_ring_splash, busy_active, busy_number,
	no_answer_active, no_answer_number, no_answer_rings, not_reachable_active, not_reachable_number,
	dnd_active, dnd_ring_splash, overflow_type, overflow_destination`

func routingName(userID string) string { return fmt.Sprintf("routing of %q", userID) }

// GetUserRouting reads a user's routing; a user with no row has the
// defaults (rows are only written on the first change).
func (t *tx) GetUserRouting(userID string) (store.UserRouting, error) {
	r := store.UserRouting{UserID: userID}
	var rings int64
	err := t.q.QueryRowContext(t.ctx, "SELECT "+routingCols+" FROM user_routing WHERE user_id = $1", userID).Scan(
		&r.Always.Active, &r.Always.Number, &r.AlwaysRingSplash, &r.Busy.Active, &r.Busy.Number,
		&r.NoAnswer.Active, &r.NoAnswer.Number, &rings, &r.NotReachable.Active, &r.NotReachable.Number,
		&r.DND, &r.DNDRingSplash, &r.Overflow.Type, &r.Overflow.Destination)
	if errors.Is(err, sql.ErrNoRows) {
		return store.DefaultUserRouting(userID), nil
	}
	if err != nil {
		return store.UserRouting{}, fmt.Errorf("sqlstore: %s: %w", routingName(userID), err)
	}
	r.NoAnswerRings = int(rings)
	return r, nil
}

// PutUserRouting writes the whole record. The user must exist, so that
// no row outlives (or predates) its user; both statements run under one
// savepoint.
func (t *tx) PutUserRouting(r store.UserRouting) error {
	what := routingName(r.UserID)
	return t.write(true, func() error {
		n, err := t.count(what, "SELECT COUNT(*) FROM users WHERE id = $1", r.UserID)
		if err != nil {
			return err
		}
		if n == 0 {
			return notFound(fmt.Sprintf("user %q", r.UserID))
		}
		return t.insert(what, `INSERT INTO user_routing (user_id, `+routingCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			ON CONFLICT (user_id) DO UPDATE SET
				always_active = excluded.always_active, always_number = excluded.always_number,
				always_ring_splash = excluded.always_ring_splash,
				busy_active = excluded.busy_active, busy_number = excluded.busy_number,
				no_answer_active = excluded.no_answer_active, no_answer_number = excluded.no_answer_number,
				no_answer_rings = excluded.no_answer_rings,
				not_reachable_active = excluded.not_reachable_active, not_reachable_number = excluded.not_reachable_number,
				dnd_active = excluded.dnd_active, dnd_ring_splash = excluded.dnd_ring_splash,
				overflow_type = excluded.overflow_type, overflow_destination = excluded.overflow_destination`,
			r.UserID, r.Always.Active, r.Always.Number, r.AlwaysRingSplash, r.Busy.Active, r.Busy.Number,
			r.NoAnswer.Active, r.NoAnswer.Number, int64(r.NoAnswerRings), r.NotReachable.Active, r.NotReachable.Number,
			r.DND, r.DNDRingSplash, r.Overflow.Type, r.Overflow.Destination)
	})
}
