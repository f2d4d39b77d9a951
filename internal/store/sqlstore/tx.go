package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard/switchboard/internal/store"
)

// tx implements store.Tx over one database transaction.
type tx struct {
	ctx context.Context
	q   *cachedTx
	eng engine
}

var _ store.Tx = (*tx)(nil)

// pageSize is how many rows a List* reads per query. Walks read a page,
// close the cursor and only then call fn, so fn may use the Tx (pgx
// cannot run a statement while a result set is open) and memory stays
// bounded however long the table.
const pageSize = 1000

// write runs one Tx method's statements as a unit: on error, none of them
// stays. A single statement is atomic on SQLite by itself; a method with
// several (multi), and on PostgreSQL every method, gets a savepoint.
func (t *tx) write(multi bool, fn func() error) error {
	if !multi && !t.eng.guardEveryWrite() {
		return fn()
	}
	if _, err := t.q.ExecContext(t.ctx, "SAVEPOINT sb_op"); err != nil {
		return fmt.Errorf("sqlstore: savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := t.q.ExecContext(t.ctx, "ROLLBACK TO SAVEPOINT sb_op"); rerr != nil {
			return errors.Join(err, fmt.Errorf("sqlstore: rollback to savepoint: %w", rerr))
		}
		t.q.ExecContext(t.ctx, "RELEASE SAVEPOINT sb_op")
		return err
	}
	if _, err := t.q.ExecContext(t.ctx, "RELEASE SAVEPOINT sb_op"); err != nil {
		return fmt.Errorf("sqlstore: release savepoint: %w", err)
	}
	return nil
}

// exec runs a write and returns the rows it touched; what names the
// record for error messages ("user \"u1\"").
func (t *tx) exec(what, query string, args ...any) (int64, error) {
	res, err := t.q.ExecContext(t.ctx, query, args...)
	if err != nil {
		if detail, ok := t.eng.uniqueViolation(err); ok {
			return 0, fmt.Errorf("%w: %s (%s)", store.ErrExists, what, detail)
		}
		return 0, fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	return n, nil
}

// insert runs an INSERT; a key or unique collision is store.ErrExists.
func (t *tx) insert(what, query string, args ...any) error {
	_, err := t.exec(what, query, args...)
	return err
}

// change runs an UPDATE or DELETE of one keyed row; no row is
// store.ErrNotFound.
func (t *tx) change(what, query string, args ...any) error {
	n, err := t.exec(what, query, args...)
	if err == nil && n == 0 {
		err = notFound(what)
	}
	return err
}

// get scans the single row of query; no row is store.ErrNotFound.
func (t *tx) get(what, query string, args []any, dest ...any) error {
	err := t.q.QueryRowContext(t.ctx, query, args...).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(what)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	return nil
}

// count returns the single integer query yields.
func (t *tx) count(what, query string, args ...any) (int, error) {
	var n int64
	if err := t.q.QueryRowContext(t.ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	return int(n), nil
}

// column returns the first column of every row of query.
func (t *tx) column(what, query string, args ...any) ([]string, error) {
	rows, err := t.q.QueryContext(t.ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	return out, nil
}

func notFound(what string) error { return fmt.Errorf("%w: %s", store.ErrNotFound, what) }

// filter builds a WHERE clause and its $N arguments.
type filter struct {
	conds []string
	args  []any
}

// eq adds "col = value".
func (f *filter) eq(col string, v any) { f.add(col+" = $?", v) }

// add adds a condition whose placeholders are written "$?", numbered here.
func (f *filter) add(cond string, vs ...any) {
	for _, v := range vs {
		f.args = append(f.args, v)
		cond = strings.Replace(cond, "$?", "$"+strconv.Itoa(len(f.args)), 1)
	}
	f.conds = append(f.conds, cond)
}

func (f *filter) where() string {
	if len(f.conds) == 0 {
		return " WHERE 1 = 1"
	}
	return " WHERE " + strings.Join(f.conds, " AND ")
}

// walk calls fn for each row of "SELECT <from> WHERE <f>" in the order of
// keys, a page at a time; each page resumes after the previous page's
// last key (keyset pagination), so every page is an index range scan.
// scan returns the record and its key values (in keys' order).
func walk[T any](t *tx, what, from string, f filter, keys []string, scan func(*sql.Rows) (T, []any, error), fn func(T) bool) error {
	order := strings.Join(keys, ", ")
	buf := make([]T, 0, 64)
	var last []any
	for {
		page := f
		page.conds = f.conds[:len(f.conds):len(f.conds)]
		page.args = f.args[:len(f.args):len(f.args)]
		if last != nil {
			page.add("("+order+") > ("+strings.TrimSuffix(strings.Repeat("$?, ", len(keys)), ", ")+")", last...)
		}
		query := "SELECT " + from + page.where() + " ORDER BY " + order + " LIMIT " + strconv.Itoa(pageSize)
		rows, err := t.q.QueryContext(t.ctx, query, page.args...)
		if err != nil {
			return fmt.Errorf("sqlstore: list %s: %w", what, err)
		}
		buf = buf[:0]
		for rows.Next() {
			v, key, err := scan(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("sqlstore: list %s: %w", what, err)
			}
			buf = append(buf, v)
			last = key
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("sqlstore: list %s: %w", what, err)
		}
		for _, v := range buf {
			if !fn(v) {
				return nil
			}
		}
		if len(buf) < pageSize {
			return nil
		}
	}
}

// toJSON encodes a profile or list column.
func toJSON(what string, v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("sqlstore: %s: encode: %w", what, err)
	}
	return string(b), nil
}

// fromJSON decodes a column toJSON wrote, skipping the common empty
// values without calling the decoder (List* decode one per row).
func fromJSON(s string, v any) error {
	switch s {
	case "", "{}", "null", "[]":
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// nullable maps "" to NULL for columns with a UNIQUE constraint, where
// "none" must not collide.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// timestamp stores t as microseconds since 1970 (PostgreSQL's precision),
// the zero time as NULL. An integer, not TIMESTAMP: modernc parses a
// TIMESTAMP column's text on every read, which measured 75 ms per
// 100,000 rows and column, against 13 ms for an integer.
func timestamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromTimestamp(us sql.NullInt64) time.Time {
	if !us.Valid {
		return time.Time{}
	}
	return time.UnixMicro(us.Int64).UTC()
}

// domainOf is the part of an id after its last '@', "" when none.
func domainOf(id string) string {
	if i := strings.LastIndexByte(id, '@'); i >= 0 {
		return id[i+1:]
	}
	return ""
}
