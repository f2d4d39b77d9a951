package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard/switchboard/internal/store"
)

// comBody is the part of a communication log record kept as JSON: what
// is only ever served, never filtered on.
type comBody struct {
	HoldDuration   *int64                 `json:"holdDuration,omitempty"`
	TransferredBy  string                 `json:"transferredBy,omitempty"`
	AssociatedData string                 `json:"associatedData,omitempty"`
	Medias         []string               `json:"medias,omitempty"`
	Participants   []store.ComParticipant `json:"participants,omitempty"`
	Extensions     []store.ComTag         `json:"extensions,omitempty"`
}

const comCols = "user_id, id, com_ref, role, answered, acknowledged, begin_at, conv_at, end_at, body"

func comName(userID string, id int64) string {
	return fmt.Sprintf("comlog record %d of %q", id, userID)
}

func comBodyOf(r store.ComRecord) (string, error) {
	return toJSON(comName(r.UserID, r.ID), comBody{HoldDuration: r.HoldDuration, TransferredBy: r.TransferredBy,
		AssociatedData: r.AssociatedData, Medias: r.Medias, Participants: r.Participants, Extensions: r.Extensions})
}

type scanner interface{ Scan(dest ...any) error }

func scanComRecord(row scanner) (store.ComRecord, error) {
	var r store.ComRecord
	var begin, conv, end sql.NullInt64
	var body string
	if err := row.Scan(&r.UserID, &r.ID, &r.ComRef, &r.Role, &r.Answered, &r.Acknowledged, &begin, &conv, &end, &body); err != nil {
		return r, err
	}
	r.Begin, r.Conv, r.End = fromTimestamp(begin), fromTimestamp(conv), fromTimestamp(end)
	var b comBody
	if err := fromJSON(body, &b); err != nil {
		return r, fmt.Errorf("%s: body: %w", comName(r.UserID, r.ID), err)
	}
	r.HoldDuration, r.TransferredBy, r.AssociatedData = b.HoldDuration, b.TransferredBy, b.AssociatedData
	r.Medias, r.Participants, r.Extensions = b.Medias, b.Participants, b.Extensions
	return r, nil
}

// InsertComRecord takes the next id from comlog_ids and stores the
// record; the user must exist. The three statements share a savepoint,
// so a refused insert consumes no id.
func (t *tx) InsertComRecord(r store.ComRecord) (int64, error) {
	var id int64
	err := t.write(true, func() error {
		var err error
		if id, err = t.nextOwnedID("comlog", "comlog_ids", r.UserID); err != nil {
			return err
		}
		r.ID = id
		body, err := comBodyOf(r)
		if err != nil {
			return err
		}
		return t.insert(comName(r.UserID, id), "INSERT INTO comlog_records ("+comCols+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
			r.UserID, id, r.ComRef, r.Role, r.Answered, r.Acknowledged, timestamp(r.Begin), timestamp(r.Conv), timestamp(r.End), body)
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

func (t *tx) GetComRecord(userID string, id int64) (store.ComRecord, error) {
	r, err := scanComRecord(t.q.QueryRowContext(t.ctx, "SELECT "+comCols+" FROM comlog_records WHERE user_id = $1 AND id = $2", userID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return store.ComRecord{}, notFound(comName(userID, id))
	}
	if err != nil {
		return store.ComRecord{}, fmt.Errorf("sqlstore: %s: %w", comName(userID, id), err)
	}
	return r, nil
}

// ListComRecords reads a user's whole log in one query: the domain core
// keeps it short (100 records).
func (t *tx) ListComRecords(userID string) ([]store.ComRecord, error) {
	what := fmt.Sprintf("comlog of %q", userID)
	rows, err := t.q.QueryContext(t.ctx, "SELECT "+comCols+" FROM comlog_records WHERE user_id = $1 ORDER BY id", userID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	defer rows.Close()
	var out []store.ComRecord
	for rows.Next() {
		r, err := scanComRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	return out, nil
}

// UpdateComRecord replaces everything but the keys.
func (t *tx) UpdateComRecord(r store.ComRecord) error {
	what := comName(r.UserID, r.ID)
	body, err := comBodyOf(r)
	if err != nil {
		return err
	}
	return t.write(false, func() error {
		return t.change(what, `UPDATE comlog_records SET com_ref = $3, role = $4, answered = $5, acknowledged = $6,
			begin_at = $7, conv_at = $8, end_at = $9, body = $10 WHERE user_id = $1 AND id = $2`,
			r.UserID, r.ID, r.ComRef, r.Role, r.Answered, r.Acknowledged, timestamp(r.Begin), timestamp(r.Conv), timestamp(r.End), body)
	})
}

func (t *tx) DeleteComRecord(userID string, id int64) error {
	return t.write(false, func() error {
		return t.change(comName(userID, id), "DELETE FROM comlog_records WHERE user_id = $1 AND id = $2", userID, id)
	})
}

// nextOwnedID takes the next id of a per-user record kind from its
// counter table (one row, ids never reused) once the owning user is known
// to exist. Callers run it in the savepoint of the insert it is for, so a
// refused insert consumes no id.
func (t *tx) nextOwnedID(what, counter, userID string) (int64, error) {
	n, err := t.count(what+" user", "SELECT COUNT(*) FROM users WHERE id = $1", userID)
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, notFound(fmt.Sprintf("user %q", userID))
	}
	var id int64
	// counter is one of this package's table names, never input.
	err = t.get(what+" id", "UPDATE "+counter+" SET next_id = next_id + 1 WHERE one = 1 RETURNING next_id - 1", nil, &id)
	return id, err
}
