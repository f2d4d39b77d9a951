// Package sqlstore implements store.Store over database/sql, on two
// engines with one schema and one set of queries:
//
//   - SQLite through modernc.org/sqlite (pure Go, no cgo), the embedded
//     default: OpenSQLite(ctx, dir, opt) opens dir/switchboard.db.
//   - PostgreSQL through pgx's database/sql driver: OpenPostgres(ctx, url, opt).
//
// # SQLite settings
//
// Every connection gets journal_mode=WAL (readers never block the writer
// and see a stable snapshot), synchronous=FULL (in WAL mode NORMAL can
// lose the last commits on power loss; an acknowledged Update must not),
// busy_timeout (another process holding the lock makes us wait, not fail),
// foreign_keys=1, and temp_store=MEMORY (savepoints journal to memory,
// not to a temp file). The write pool has one connection, since SQLite
// has one writer anyway, and begins with BEGIN IMMEDIATE (_txlock) so a
// transaction never fails half-way upgrading its lock. View uses a
// separate pool of query_only connections with deferred BEGIN.
//
// # Group commit
//
// Update does not open a transaction per call. Callers queue; one writer
// goroutine takes everything queued (at most Options.MaxBatch, default
// 128), BEGINs, and hands the transaction to each caller in turn under a
// SAVEPOINT: the caller's fn runs on the caller's own goroutine, and when
// it fails (error, panic, or runtime.Goexit as t.Fatal does) the writer
// rolls back to the savepoint, so only that caller's writes go. One
// COMMIT, and so one fsync, then answers every surviving caller; a commit
// failure is every survivor's error. A lone caller skips the savepoint.
// Measured on SQLite (BenchmarkUpdateParallel, one user inserted per
// Update, 64 writers, 2 cores): about 4,000–4,700 writes/s batched
// against 1,400 with MaxBatch 1.
//
// Updates therefore run one after another, never concurrently, on both
// engines; within one process no fn can observe another half done, and
// check-then-write sequences inside one fn need no further locking.
// PostgreSQL uses the same writer: with pgx every statement is a round
// trip, so per-call transactions would overlap more, but they would lose
// that serial order under READ COMMITTED (several processes sharing one
// PostgreSQL database would need SERIALIZABLE and retries; not done).
//
// Statements inside Update never use the caller's context: one caller
// cancelling must not abort the transaction others share. A context
// cancelled while queued makes Update return ctx.Err() without running
// fn. fn must not call Update (the writer is waiting for fn: deadlock);
// calling View from fn is allowed but does not see fn's writes.
//
// View runs a read-only transaction: on SQLite a deferred BEGIN on a read
// connection (the snapshot is taken at the first read), on PostgreSQL
// REPEATABLE READ READ ONLY.
//
// # Statement-level atomicity
//
// Every Tx method is all or nothing on its own, so fn can handle an
// ErrExists and carry on. A method that writes several rows (InsertUser:
// the user, its ids and its line port) runs under its own savepoint. On
// PostgreSQL every write method does, because there any failed statement
// poisons the whole transaction (and with group commit the batch) until a
// ROLLBACK TO SAVEPOINT.
//
// # Errors
//
// A unique or primary-key violation from either driver becomes an error
// that matches store.ErrExists and names the record and the driver's
// description of the collision, for example
//
//	store: already exists: user "b@x" (UNIQUE constraint failed: users.external_id)
//
// A missing row is store.ErrNotFound, naming the record. Update returns
// fn's error unchanged.
//
// # Migrations
//
// migrations/NNNNN_name.sql are embedded and applied at open by a small
// runner (migrate.go), all pending files in one transaction, recording
// each in schema_version; on PostgreSQL a transaction-scoped advisory lock
// lets several processes start together. A database whose version is
// newer than the program's is refused. Not goose: its Provider API would
// do, but its go.mod brings the drivers of six other databases and a
// Docker client into our module graph, and we need two engine-specific
// touches anyway (the lock, and the SQLite rewrites below).
//
// One schema text serves both engines: TEXT, BIGINT and BOOLEAN columns,
// natural text keys, $N placeholders (modernc binds them by number). On
// SQLite the runner rewrites COLLATE "C" to COLLATE BINARY, so keys sort
// by bytes on both engines whatever the PostgreSQL database's locale, and
// turns the /*WITHOUT ROWID*/ comment after each table into the clause, so
// a table is stored in key order. Times are BIGINT microseconds since
// 1970 UTC (NULL for the zero time): modernc parses a TIMESTAMP column's
// text on every read, which cost 75 ms per 100,000 rows and column.
// Profiles, alias lists and service lists are JSON in TEXT columns,
// never queried inside. Empty strings mean "none", except in UNIQUE
// columns where NULL does, since NULLs never collide.
//
// # Schema
//
//	settings                 key
//	domains                  name
//	resellers                id
//	service_providers        id; external_id unique
//	sp_groups                (sp_id, id); external_id unique
//	domain_assignments       (sp_id, group_id, domain); group_id '' = SP level
//	departments              (sp_id, group_id, name); group_id '' = enterprise
//	dns                      number
//	principals               id: every user id, admin id, alternate id and
//	                         SIP alias, so all four are unique together
//	                         without a read-then-write race; owner, kind
//	users                    id; external_id, phone_number and
//	                         (sp_id, group_id, extension) unique
//	line_ports               line_port: a user's endpoint, unique system-wide
//	admins                   id
//	service_auth             (sp_id, group_id, kind, name)
//	service_packs            (sp_id, name)
//	service_assignments      (owner, kind, name); owner a user id or "sp/group"
//	devices                  (sp_id, group_id, name)
//	call_centers             service_user_id
//	call_center_agents       (service_user_id, agent_user_id); position
//	call_center_supervisors  (service_user_id, supervisor_user_id); position
//	agent_states             user_id; no row = Sign-Out
//	user_routing             user_id: call forwarding, Do Not Disturb and the
//	                         O2G overflow route; no row = the defaults
//	comlog_records           (user_id, id): a user's communication log, at
//	                         most 100 records each; id unique system-wide
//	comlog_ids               the next record id (one row)
//	voicemail_messages       (user_id, id): voice messages with their audio, at
//	                         most 100 per user; id unique system-wide
//	voicemail_ids            the next message id (one row)
//	schema_version           version
//
// List* read in pages of 1,000 rows by key (keyset pagination): each page
// is an index range scan, the cursor is closed before fn sees the rows
// (so fn may use the Tx, which pgx could not do with a result set open),
// and memory stays bounded. ListUsers walks 100,000 users in about 0.66 s
// on SQLite here (BenchmarkListUsers100k); the driver's per-column cost
// dominates: scanning the same 22 columns in a bare loop takes 0.45 s.
//
// # What deletes take along
//
// Deleting a record removes what exists only as part of it, so that a new
// record with the same key does not inherit stale rows: a user takes its
// ids, line port, service assignments, agent state, call routing and
// places in agent and supervisor lists; an admin its id; a call center
// its agent and supervisor lists; a group its domain assignments, service
// authorizations and group services; a service provider its SP-level
// domain assignments and authorizations and its service packs. Records of
// their own (a group's users, devices, numbers, departments) are the
// domain core's to remove or to refuse to orphan.
package sqlstore
