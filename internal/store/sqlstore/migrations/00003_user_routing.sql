-- A user's call routing: the four call forwarding services and Do Not
-- Disturb, one row per user (one read answers a whole routing state, one
-- write changes several forwards at once). No row means the defaults:
-- nothing active, no numbers, 2 rings. DeleteUser removes the row.
CREATE TABLE user_routing (
	user_id              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	always_active        BOOLEAN NOT NULL,
	always_number        TEXT NOT NULL,
	always_ring_splash   BOOLEAN NOT NULL,
	busy_active          BOOLEAN NOT NULL,
	busy_number          TEXT NOT NULL,
	no_answer_active     BOOLEAN NOT NULL,
	no_answer_number     TEXT NOT NULL,
	no_answer_rings      BIGINT NOT NULL,
	not_reachable_active BOOLEAN NOT NULL,
	not_reachable_number TEXT NOT NULL,
	dnd_active           BOOLEAN NOT NULL,
	dnd_ring_splash      BOOLEAN NOT NULL
) /*WITHOUT ROWID*/;
