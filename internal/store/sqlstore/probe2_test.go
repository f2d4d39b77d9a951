package sqlstore

import (
	"context"
	"os"
	"testing"
)

func TestProbePlan(t *testing.T) {
	dir := os.Getenv("PROBE_DIR")
	if dir == "" {
		t.Skip()
	}
	ctx := context.Background()
	s, err := OpenSQLite(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{
		"SELECT id FROM users u WHERE 1 = 1 AND (u.id) > ($1) ORDER BY u.id LIMIT 1000",
		"SELECT id FROM users u WHERE u.id > $1 ORDER BY u.id LIMIT 1000",
		"SELECT id FROM users u WHERE u.sp_id = 'sp1' AND (u.id) > ($1) ORDER BY u.id LIMIT 1000",
		"SELECT id FROM sp_groups WHERE (sp_id, id) > ($1, $1) ORDER BY sp_id, id LIMIT 1000",
	} {
		rows, err := s.rdb.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, "x")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a, b, c any
			var d string
			rows.Scan(&a, &b, &c, &d)
			t.Logf("%s: %s", q, d)
		}
		rows.Close()
	}
}
