package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard/switchboard/internal/store"
)

func vmName(userID string, id int64) string {
	return fmt.Sprintf("voice message %d of %q", id, userID)
}

// vmCols are the columns every read takes; the audio is added only when
// one message is fetched.
const vmCols = "user_id, id, caller, date_at, duration, unread, high_priority, audio_size"

func scanVoiceMessage(row scanner, withAudio bool) (store.VoiceMessage, error) {
	var m store.VoiceMessage
	var caller string
	var date sql.NullInt64
	var duration, size int64
	dest := []any{&m.UserID, &m.ID, &caller, &date, &duration, &m.Unread, &m.HighPriority, &size}
	if withAudio {
		dest = append(dest, &m.Audio)
	}
	if err := row.Scan(dest...); err != nil {
		return m, err
	}
	m.Date, m.Duration, m.AudioSize = fromTimestamp(date), int(duration), int(size)
	if err := fromJSON(caller, &m.From); err != nil {
		return m, fmt.Errorf("%s: caller: %w", vmName(m.UserID, m.ID), err)
	}
	if withAudio && m.Audio == nil {
		m.Audio = []byte{}
	}
	return m, nil
}

// InsertVoiceMessage takes the next id from voicemail_ids and stores the
// message; the user must exist. The statements share a savepoint, so a
// refused insert consumes no id.
func (t *tx) InsertVoiceMessage(m store.VoiceMessage) (int64, error) {
	var id int64
	err := t.write(true, func() error {
		var err error
		if id, err = t.nextOwnedID("voicemail", "voicemail_ids", m.UserID); err != nil {
			return err
		}
		what := vmName(m.UserID, id)
		caller, err := toJSON(what, m.From)
		if err != nil {
			return err
		}
		audio := m.Audio
		if audio == nil {
			audio = []byte{}
		}
		return t.insert(what, "INSERT INTO voicemail_messages ("+vmCols+", audio) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			m.UserID, id, caller, m.Date.UnixMicro(), int64(m.Duration), m.Unread, m.HighPriority, int64(len(audio)), audio)
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

func (t *tx) GetVoiceMessage(userID string, id int64) (store.VoiceMessage, error) {
	m, err := scanVoiceMessage(t.q.QueryRowContext(t.ctx, "SELECT "+vmCols+", audio FROM voicemail_messages WHERE user_id = $1 AND id = $2",
		userID, id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return store.VoiceMessage{}, notFound(vmName(userID, id))
	}
	if err != nil {
		return store.VoiceMessage{}, fmt.Errorf("sqlstore: %s: %w", vmName(userID, id), err)
	}
	return m, nil
}

// ListVoiceMessages reads a user's whole mailbox in one query (the domain
// core keeps it to 100 messages), leaving the audio out.
func (t *tx) ListVoiceMessages(userID string) ([]store.VoiceMessage, error) {
	what := fmt.Sprintf("mailbox of %q", userID)
	rows, err := t.q.QueryContext(t.ctx, "SELECT "+vmCols+" FROM voicemail_messages WHERE user_id = $1 ORDER BY id", userID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	defer rows.Close()
	var out []store.VoiceMessage
	for rows.Next() {
		m, err := scanVoiceMessage(rows, false)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	return out, nil
}

func (t *tx) SetVoiceMessageUnread(userID string, id int64, unread bool) error {
	return t.write(false, func() error {
		return t.change(vmName(userID, id), "UPDATE voicemail_messages SET unread = $3 WHERE user_id = $1 AND id = $2", userID, id, unread)
	})
}

func (t *tx) DeleteVoiceMessage(userID string, id int64) error {
	return t.write(false, func() error {
		return t.change(vmName(userID, id), "DELETE FROM voicemail_messages WHERE user_id = $1 AND id = $2", userID, id)
	})
}
