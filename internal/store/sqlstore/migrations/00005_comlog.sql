-- The O2G communication log: each user's call history records (at most
-- 100 per user, a rule of the domain core). Records are read a whole
-- user at a time, so the key starts with the user; ids are unique
-- system-wide (comlog_ids hands them out and never reuses one, so an id
-- in an old event never names a newer record). The role, answered,
-- acknowledged and time columns are what the log is filtered on; the
-- rest of the record (participants, medias, extensions...) is JSON in
-- body, never queried inside. Times are microseconds since 1970 UTC,
-- NULL for none. DeleteUser removes a user's records.
CREATE TABLE comlog_records (
	user_id      TEXT COLLATE "C" NOT NULL,
	id           BIGINT NOT NULL,
	com_ref      TEXT NOT NULL,
	role         TEXT NOT NULL,
	answered     BOOLEAN NOT NULL,
	acknowledged BOOLEAN NOT NULL,
	begin_at     BIGINT,
	conv_at      BIGINT,
	end_at       BIGINT,
	body         TEXT NOT NULL,
	PRIMARY KEY (user_id, id)
) /*WITHOUT ROWID*/;
CREATE UNIQUE INDEX comlog_records_id ON comlog_records (id);

-- One row: the next record id.
CREATE TABLE comlog_ids (
	one     BIGINT NOT NULL PRIMARY KEY,
	next_id BIGINT NOT NULL
) /*WITHOUT ROWID*/;
INSERT INTO comlog_ids (one, next_id) VALUES (1, 1);
