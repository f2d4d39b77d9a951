package sqlstore

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// engine is what differs between SQLite and PostgreSQL. The SQL text is
// shared; only these few behaviours are not.
type engine interface {
	name() string
	// viewOptions are the options of View's transaction.
	viewOptions() *sql.TxOptions
	// guardEveryWrite says whether every write needs its own savepoint.
	// On PostgreSQL any failed statement aborts the whole transaction
	// (and so, with group commit, the other callers' work) until a
	// ROLLBACK TO SAVEPOINT; SQLite undoes just the failed statement.
	guardEveryWrite() bool
	// uniqueViolation reports whether err is a unique or primary-key
	// violation, with the driver's words for what collided.
	uniqueViolation(err error) (string, bool)
	// lockSQL serialises concurrent migrations, or is "".
	lockSQL() string
	// ddl adapts the migration text.
	ddl(text string) string
}

type sqlite struct{}

func (sqlite) name() string { return "sqlite" }

// No ReadOnly: the read pool is query_only already, and modernc would
// then skip _txlock only, which is deferred there anyway.
func (sqlite) viewOptions() *sql.TxOptions { return nil }

func (sqlite) guardEveryWrite() bool { return false }

func (sqlite) uniqueViolation(err error) (string, bool) {
	var e *msqlite.Error
	if !errors.As(err, &e) {
		return "", false
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		// "constraint failed: UNIQUE constraint failed: users.external_id (2067)"
		msg := e.Error()
		if i := strings.LastIndex(msg, "failed: "); i >= 0 {
			msg = msg[i+len("failed: "):]
		}
		if i := strings.LastIndex(msg, " ("); i >= 0 {
			msg = msg[:i]
		}
		return msg, true
	}
	return "", false
}

// SQLite needs no lock: the migration's BEGIN IMMEDIATE already excludes
// other writers.
func (sqlite) lockSQL() string { return "" }

// SQLite has no "C" collation; BINARY is the same byte order. WITHOUT
// ROWID (SQLite only) clusters a table by its primary key: a walk in key
// order then reads pages in order instead of seeking the table once per
// index entry.
func (sqlite) ddl(text string) string {
	text = strings.ReplaceAll(text, `COLLATE "C"`, "COLLATE BINARY")
	return strings.ReplaceAll(text, "/*WITHOUT ROWID*/", "WITHOUT ROWID")
}

type postgres struct{}

func (postgres) name() string { return "postgres" }

// REPEATABLE READ: every statement of the View sees the same snapshot
// (READ COMMITTED would take a new one per statement).
func (postgres) viewOptions() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

func (postgres) guardEveryWrite() bool { return true }

func (postgres) uniqueViolation(err error) (string, bool) {
	var e *pgconn.PgError
	if !errors.As(err, &e) || e.Code != "23505" {
		return "", false
	}
	// Detail reads "Key (external_id)=(E1) already exists."
	if e.Detail != "" {
		return e.TableName + ": " + strings.TrimSuffix(e.Detail, "."), true
	}
	return e.ConstraintName, true
}

// A transaction-scoped advisory lock: nodes starting together migrate one
// after the other. The key is arbitrary but fixed ("sbmigrat" in ASCII).
func (postgres) lockSQL() string { return "SELECT pg_advisory_xact_lock(8314328161553899892)" }

func (postgres) ddl(text string) string { return text }
