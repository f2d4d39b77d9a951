package sqlstore

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/store"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestProbeList(t *testing.T) {
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
	var n int
	s.View(ctx, func(tx store.Tx) error { n, _ = tx.CountUsers("sp1", "", ""); return nil })
	if n == 0 {
		const total, chunk = 100_000, 10_000
		start := time.Now()
		for st := 0; st < total; st += chunk {
			if err := s.Update(ctx, func(tx store.Tx) error {
				for i := st; i < st+chunk; i++ {
					if err := tx.InsertUser(benchUser(i)); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("insert: %v", time.Since(start))
	}
	for range 3 {
		start, c0 := time.Now(), cpu()
		c := 0
		s.View(ctx, func(tx store.Tx) error {
			return tx.ListUsers(store.UserFilter{}, func(store.User) bool { c++; return true })
		})
		t.Logf("ListUsers %d: %v cpu %v", c, time.Since(start), cpu()-c0)
	}
	for _, q := range []string{"SELECT " + userCols, "SELECT " + userCols + " ORDER BY u.id", "SELECT " + userCols + " WHERE u.id > '' ORDER BY u.id LIMIT 1000000"} {
		start, c0 := time.Now(), cpu()
		rows, err := s.rdb.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		c := 0
		for rows.Next() {
			rows.Scan(ptrs...)
			c++
		}
		rows.Close()
		t.Logf("%d rows %d cols raw: %v cpu %v", c, len(cols), time.Since(start), cpu()-c0)
	}
}
