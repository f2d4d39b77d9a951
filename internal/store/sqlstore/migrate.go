package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migration is one numbered file of migrations/.
type migration struct {
	version int64
	name    string
	text    string
}

func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, path := range names {
		name := strings.TrimPrefix(path, "migrations/")
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlstore: migration %s: name must start with a positive number and '_'", name)
		}
		b, err := migrations.ReadFile(path)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, text: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("sqlstore: migrations %s and %s share a version", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// migrate applies, in one transaction, every migration newer than the
// version recorded in schema_version. A database newer than this binary
// is refused rather than used with a schema the code does not know.
func migrate(ctx context.Context, eng engine, db *sql.DB) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	t, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	defer t.Rollback()
	if q := eng.lockSQL(); q != "" {
		if _, err := t.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sqlstore: migrate: lock: %w", err)
		}
	}
	if _, err := t.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version BIGINT NOT NULL PRIMARY KEY,
		name    TEXT NOT NULL,
		applied TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	var cur int64
	if err := t.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&cur); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	if n := len(ms); n > 0 && cur > ms[n-1].version {
		return fmt.Errorf("sqlstore: database schema version %d is newer than this program's (%d)", cur, ms[n-1].version)
	}
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		for _, stmt := range statements(eng.ddl(m.text)) {
			if _, err := t.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("sqlstore: migration %s: %w\n%s", m.name, err, stmt)
			}
		}
		if _, err := t.ExecContext(ctx, "INSERT INTO schema_version (version, name, applied) VALUES ($1, $2, $3)",
			m.version, m.name, time.Now().UTC()); err != nil {
			return fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
		}
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("sqlstore: migrate: %w", err)
	}
	return nil
}

// statements splits a migration at the semicolons that end a line, after
// dropping "--" comment lines. Migrations are plain DDL: no semicolon
// inside a literal or a function body.
func statements(text string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.Lines(text) {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(trimmed, ";") {
			if s := strings.TrimSpace(cur.String()); s != ";" {
				out = append(out, strings.TrimSuffix(s, ";"))
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
