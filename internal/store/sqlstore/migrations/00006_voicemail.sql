-- Voicemail: the messages of each user's mailbox (at most 100 per user and
-- 1 MiB of audio each, rules of the domain core). Messages are read a
-- whole user at a time, so the key starts with the user; ids are unique
-- system-wide (voicemail_ids hands them out and never reuses one, so a
-- client holding an old id never reaches a newer message). The caller is
-- JSON in caller, never queried inside; the recording (a WAV file) is in
-- audio, read only when one message is fetched, its length kept apart so
-- that listing never touches it. Dates are microseconds since 1970 UTC.
-- BYTEA is PostgreSQL's binary type; SQLite stores the bytes as a blob
-- whatever the declared type. Not WITHOUT ROWID on SQLite: rows this
-- large are what rowid tables are for. DeleteUser removes a user's
-- messages.
CREATE TABLE voicemail_messages (
	user_id       TEXT COLLATE "C" NOT NULL,
	id            BIGINT NOT NULL,
	caller        TEXT NOT NULL,
	date_at       BIGINT NOT NULL,
	duration      BIGINT NOT NULL,
	unread        BOOLEAN NOT NULL,
	high_priority BOOLEAN NOT NULL,
	audio_size    BIGINT NOT NULL,
	audio         BYTEA NOT NULL,
	PRIMARY KEY (user_id, id)
);
CREATE UNIQUE INDEX voicemail_messages_id ON voicemail_messages (id);

-- One row: the next message id.
CREATE TABLE voicemail_ids (
	one     BIGINT NOT NULL PRIMARY KEY,
	next_id BIGINT NOT NULL
) /*WITHOUT ROWID*/;
INSERT INTO voicemail_ids (one, next_id) VALUES (1, 1);
