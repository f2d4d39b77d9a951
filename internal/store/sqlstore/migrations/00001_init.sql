-- The initial schema, one text for both engines. On SQLite the runner
-- makes two rewrites: COLLATE "C" becomes COLLATE BINARY (keys sort by
-- bytes on both engines), and the WITHOUT ROWID comment after each table
-- becomes the clause, so a table is stored in its primary key's order
-- and a walk in key order reads it sequentially.
-- Empty strings stand for "none" except in columns with a UNIQUE
-- constraint, where NULL does (NULLs never collide). Times are BIGINT
-- microseconds since 1970 UTC, NULL for none.

CREATE TABLE settings (
	key   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	value TEXT NOT NULL
) /*WITHOUT ROWID*/;

CREATE TABLE resellers (
	id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	name TEXT NOT NULL
) /*WITHOUT ROWID*/;

CREATE TABLE domains (
	name        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	reseller_id TEXT COLLATE "C" NOT NULL
) /*WITHOUT ROWID*/;

CREATE TABLE service_providers (
	id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	name           TEXT NOT NULL,
	is_enterprise  BOOLEAN NOT NULL,
	reseller_id    TEXT COLLATE "C" NOT NULL,
	default_domain TEXT NOT NULL,
	external_id    TEXT COLLATE "C" UNIQUE,
	profile        TEXT NOT NULL
) /*WITHOUT ROWID*/;
CREATE INDEX service_providers_reseller ON service_providers (reseller_id, id);

CREATE TABLE sp_groups (
	sp_id          TEXT COLLATE "C" NOT NULL,
	id             TEXT COLLATE "C" NOT NULL,
	name           TEXT NOT NULL,
	default_domain TEXT NOT NULL,
	user_limit     BIGINT NOT NULL,
	external_id    TEXT COLLATE "C" UNIQUE,
	profile        TEXT NOT NULL,
	-- users of kind 'user' in the group, kept by InsertUser/DeleteUser so
	-- the user-limit check does not count a large group on every add
	user_count     BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (sp_id, id)
) /*WITHOUT ROWID*/;

-- group_id '' is the service provider level.
CREATE TABLE domain_assignments (
	sp_id    TEXT COLLATE "C" NOT NULL,
	group_id TEXT COLLATE "C" NOT NULL,
	domain   TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (sp_id, group_id, domain)
) /*WITHOUT ROWID*/;
CREATE INDEX domain_assignments_domain ON domain_assignments (domain);

CREATE TABLE departments (
	sp_id                TEXT COLLATE "C" NOT NULL,
	group_id             TEXT COLLATE "C" NOT NULL,
	name                 TEXT COLLATE "C" NOT NULL,
	parent               TEXT NOT NULL,
	parent_is_enterprise BOOLEAN NOT NULL,
	clid_name            TEXT NOT NULL,
	clid_phone           TEXT NOT NULL,
	PRIMARY KEY (sp_id, group_id, name)
) /*WITHOUT ROWID*/;

CREATE TABLE dns (
	number    TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	sp_id     TEXT COLLATE "C" NOT NULL,
	group_id  TEXT COLLATE "C" NOT NULL,
	activated BOOLEAN NOT NULL
) /*WITHOUT ROWID*/;
CREATE INDEX dns_owner ON dns (sp_id, group_id, number);

-- Every id a login or a lookup can name: user ids (kind 'user'), admin ids
-- ('admin'), alternate user ids ('alternate') and SIP aliases ('alias').
-- The primary key makes them unique across all four kinds without a
-- read-then-write race. owner is the user or admin the id belongs to;
-- domain is the part after the last '@' ('' when none), for CountDomainUse.
CREATE TABLE principals (
	id     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	owner  TEXT COLLATE "C" NOT NULL,
	kind   TEXT NOT NULL,
	domain TEXT COLLATE "C" NOT NULL
) /*WITHOUT ROWID*/;
CREATE INDEX principals_owner ON principals (owner);
CREATE INDEX principals_domain ON principals (domain);

-- aliases and alternate_ids are JSON copies (in order, with descriptions)
-- of the principals rows; the rows are what uniqueness and lookups use.
CREATE TABLE users (
	id              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	kind            TEXT NOT NULL,
	sp_id           TEXT COLLATE "C" NOT NULL,
	group_id        TEXT COLLATE "C" NOT NULL,
	last_name       TEXT NOT NULL,
	first_name      TEXT NOT NULL,
	clid_last_name  TEXT NOT NULL,
	clid_first_name TEXT NOT NULL,
	phone_number    TEXT COLLATE "C" UNIQUE,
	extension       TEXT COLLATE "C",
	department      TEXT COLLATE "C" NOT NULL,
	department_ent  BOOLEAN NOT NULL,
	email           TEXT NOT NULL,
	external_id     TEXT COLLATE "C" UNIQUE,
	aliases         TEXT NOT NULL,
	alternate_ids   TEXT NOT NULL,
	password_sha1   TEXT NOT NULL,
	password_hash   TEXT NOT NULL,
	passcode        TEXT NOT NULL,
	profile         TEXT NOT NULL,
	created         BIGINT,
	modified        BIGINT,
	UNIQUE (sp_id, group_id, extension)
) /*WITHOUT ROWID*/;
CREATE INDEX users_sp ON users (sp_id, id);
CREATE INDEX users_group ON users (sp_id, group_id, id);
CREATE INDEX users_department ON users (sp_id, department, department_ent);

-- A user's endpoint line port (from UserProfile.Endpoint), unique
-- system-wide.
CREATE TABLE line_ports (
	line_port    TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	user_id      TEXT COLLATE "C" NOT NULL,
	device_sp    TEXT NOT NULL,
	device_group TEXT NOT NULL,
	device_name  TEXT NOT NULL
) /*WITHOUT ROWID*/;
CREATE INDEX line_ports_user ON line_ports (user_id);

CREATE TABLE admins (
	id             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	level          TEXT NOT NULL,
	sp_id          TEXT COLLATE "C" NOT NULL,
	group_id       TEXT COLLATE "C" NOT NULL,
	department     TEXT NOT NULL,
	department_ent BOOLEAN NOT NULL,
	reseller_id    TEXT COLLATE "C" NOT NULL,
	read_only      BOOLEAN NOT NULL,
	last_name      TEXT NOT NULL,
	first_name     TEXT NOT NULL,
	language       TEXT NOT NULL,
	admin_type     TEXT NOT NULL,
	password_sha1  TEXT NOT NULL,
	password_hash  TEXT NOT NULL,
	disabled       BOOLEAN NOT NULL,
	failed_logins  BIGINT NOT NULL,
	locked_until   BIGINT
) /*WITHOUT ROWID*/;
CREATE INDEX admins_scope ON admins (sp_id, group_id, id);

CREATE TABLE service_auth (
	sp_id    TEXT COLLATE "C" NOT NULL,
	group_id TEXT COLLATE "C" NOT NULL,
	kind     TEXT COLLATE "C" NOT NULL,
	name     TEXT COLLATE "C" NOT NULL,
	quantity BIGINT NOT NULL,
	PRIMARY KEY (sp_id, group_id, kind, name)
) /*WITHOUT ROWID*/;

CREATE TABLE service_packs (
	sp_id       TEXT COLLATE "C" NOT NULL,
	name        TEXT COLLATE "C" NOT NULL,
	description TEXT NOT NULL,
	available   BOOLEAN NOT NULL,
	quantity    BIGINT NOT NULL,
	services    TEXT NOT NULL,
	PRIMARY KEY (sp_id, name)
) /*WITHOUT ROWID*/;

-- owner is a user id, or '<sp>/<group>' for group services.
CREATE TABLE service_assignments (
	owner TEXT COLLATE "C" NOT NULL,
	kind  TEXT COLLATE "C" NOT NULL,
	name  TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (owner, kind, name)
) /*WITHOUT ROWID*/;
CREATE INDEX service_assignments_name ON service_assignments (kind, name, owner);

CREATE TABLE devices (
	sp_id    TEXT COLLATE "C" NOT NULL,
	group_id TEXT COLLATE "C" NOT NULL,
	name     TEXT COLLATE "C" NOT NULL,
	type     TEXT NOT NULL,
	profile  TEXT NOT NULL,
	PRIMARY KEY (sp_id, group_id, name)
) /*WITHOUT ROWID*/;

CREATE TABLE call_centers (
	service_user_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	sp_id           TEXT COLLATE "C" NOT NULL,
	group_id        TEXT COLLATE "C" NOT NULL,
	type            TEXT NOT NULL,
	policy          TEXT NOT NULL,
	active          BOOLEAN NOT NULL,
	enable_video    BOOLEAN NOT NULL,
	queue_length    BIGINT NOT NULL,
	profile         TEXT NOT NULL
) /*WITHOUT ROWID*/;
CREATE INDEX call_centers_group ON call_centers (sp_id, group_id, service_user_id);

CREATE TABLE call_center_agents (
	service_user_id TEXT COLLATE "C" NOT NULL,
	agent_user_id   TEXT COLLATE "C" NOT NULL,
	position        BIGINT NOT NULL,
	skill_level     BIGINT NOT NULL,
	weight          BIGINT NOT NULL,
	joined          BOOLEAN NOT NULL,
	PRIMARY KEY (service_user_id, agent_user_id)
) /*WITHOUT ROWID*/;
CREATE INDEX call_center_agents_agent ON call_center_agents (agent_user_id, service_user_id);

CREATE TABLE call_center_supervisors (
	service_user_id    TEXT COLLATE "C" NOT NULL,
	supervisor_user_id TEXT COLLATE "C" NOT NULL,
	position           BIGINT NOT NULL,
	PRIMARY KEY (service_user_id, supervisor_user_id)
) /*WITHOUT ROWID*/;
CREATE INDEX call_center_supervisors_user ON call_center_supervisors (supervisor_user_id);

-- No row means the zero state (Sign-Out).
CREATE TABLE agent_states (
	user_id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
	acd_state        TEXT NOT NULL,
	unavailable_code TEXT NOT NULL
) /*WITHOUT ROWID*/;
