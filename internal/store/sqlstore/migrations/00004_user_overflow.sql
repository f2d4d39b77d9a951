-- The O2G overflow route of a user (no BroadWorks setting backs it): its
-- type (BUSY, NO_ANSWER, BUSY_NO_ANSWER; '' = none) and its destination
-- (VOICEMAIL or ASSOCIATE; '' = none). One column per statement: SQLite
-- adds a single column per ALTER TABLE.
ALTER TABLE user_routing ADD COLUMN overflow_type TEXT NOT NULL DEFAULT '';
ALTER TABLE user_routing ADD COLUMN overflow_destination TEXT NOT NULL DEFAULT '';
