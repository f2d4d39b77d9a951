package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/store/storetest"
)

func openSQLite(t *testing.T, dir string, opt Options) *Store {
	t.Helper()
	s, err := OpenSQLite(context.Background(), dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) func(t *testing.T) store.Store {
		dir := t.TempDir()
		return func(t *testing.T) store.Store { return openSQLite(t, dir, Options{}) }
	})
}

// TestSQLiteUnbatched runs the suite with group commit off, so the
// one-transaction-per-Update path is covered too.
func TestSQLiteUnbatched(t *testing.T) {
	storetest.Run(t, func(t *testing.T) func(t *testing.T) store.Store {
		dir := t.TempDir()
		return func(t *testing.T) store.Store { return openSQLite(t, dir, Options{MaxBatch: 1}) }
	})
}

// pgEnv names the PostgreSQL server the tests use when set (a pgx
// connection string or URL); .ci/run starts one and sets it.
const pgEnv = storetest.PostgresEnv

func TestPostgres(t *testing.T) {
	base := os.Getenv(pgEnv)
	if base == "" {
		t.Skip(pgEnv + " is not set: skipping the PostgreSQL run of the store suite")
	}
	storetest.Run(t, func(t *testing.T) func(t *testing.T) store.Store {
		u := storetest.PostgresSchema(t, base)
		return func(t *testing.T) store.Store {
			s, err := OpenPostgres(context.Background(), u, Options{})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	})
}

// TestReopen writes, closes, reopens and reads back, and checks the
// migration is not run twice.
func TestReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s := openSQLite(t, dir, Options{})
	if err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.InsertUser(benchUser(1)); err != nil {
			return err
		}
		return tx.PutSetting("marker", "x")
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openSQLite(t, dir, Options{})
	defer s.Close()
	err := s.View(ctx, func(tx store.Tx) error {
		u, err := tx.GetUser(benchUser(1).ID)
		if err != nil {
			return err
		}
		if u.FirstName != benchUser(1).FirstName || !u.Created.Equal(benchUser(1).Created) {
			return fmt.Errorf("user after reopen: %+v", u)
		}
		if v, err := tx.GetSetting("marker"); err != nil || v != "x" {
			return fmt.Errorf("setting after reopen: %q, %v", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The durability settings hold on both pools.
	for _, db := range []*sql.DB{s.wdb, s.rdb} {
		var mode string
		var sync, fk int
		if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || sync != 2 || fk != 1 {
			t.Fatalf("journal_mode %q, synchronous %d, foreign_keys %d; want wal, 2 (FULL), 1", mode, sync, fk)
		}
	}
	if _, err := s.rdb.Exec("INSERT INTO settings (key, value) VALUES ('x', 'y')"); err == nil {
		t.Fatal("the read pool accepted a write")
	}
	var versions int
	if err := s.rdb.QueryRow("SELECT COUNT(*) FROM schema_version").Scan(&versions); err != nil {
		t.Fatal(err)
	}
	if ms, _ := loadMigrations(); versions != len(ms) {
		t.Fatalf("schema_version has %d rows, want %d", versions, len(ms))
	}
}

// TestNewerSchemaRefused: a database migrated by a newer program is not
// opened by an older one.
func TestNewerSchemaRefused(t *testing.T) {
	dir := t.TempDir()
	s := openSQLite(t, dir, Options{})
	if _, err := s.wdb.Exec("INSERT INTO schema_version (version, name, applied) VALUES (99999, 'future', CURRENT_TIMESTAMP)"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := OpenSQLite(context.Background(), dir, Options{}); err == nil || !strings.Contains(err.Error(), "newer") {
		if s != nil {
			s.Close()
		}
		t.Fatalf("open of a newer database: %v", err)
	}
}

// TestErrExistsNamesTheCollision: the error says which record and
// column collided.
func TestErrExistsNamesTheCollision(t *testing.T) {
	s := openSQLite(t, t.TempDir(), Options{})
	defer s.Close()
	u := benchUser(1)
	u.ExternalID = "E1"
	v := benchUser(2)
	v.ExternalID = "E1"
	err := s.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.InsertUser(u); err != nil {
			return err
		}
		return tx.InsertUser(v)
	})
	if !errors.Is(err, store.ErrExists) || !strings.Contains(err.Error(), v.ID) || !strings.Contains(err.Error(), "external_id") {
		t.Fatalf("error %q: want ErrExists naming %s and external_id", err, v.ID)
	}
}

// TestPanicInUpdate: a panicking fn gets an error, its writes are undone,
// and the writer keeps serving the Updates batched with it and later ones.
func TestPanicInUpdate(t *testing.T) {
	s := openSQLite(t, t.TempDir(), Options{})
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Go(func() {
			errs[i] = s.Update(ctx, func(tx store.Tx) error {
				if err := tx.PutSetting(fmt.Sprint("k", i), "v"); err != nil {
					return err
				}
				if i == 3 {
					panic("boom")
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if (i == 3) != (err != nil) {
			t.Fatalf("Update %d: %v", i, err)
		}
	}
	if !strings.Contains(errs[3].Error(), "panic") || !strings.Contains(errs[3].Error(), "boom") {
		t.Fatalf("panic error: %v", errs[3])
	}
	err := s.View(ctx, func(tx store.Tx) error {
		for i := range errs {
			_, err := tx.GetSetting(fmt.Sprint("k", i))
			if (i == 3) != errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("setting %d: %v", i, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGroupCommitBatches checks that concurrent Updates do share one
// transaction (else the feature could silently go away).
func TestGroupCommitBatches(t *testing.T) {
	s := openSQLite(t, t.TempDir(), Options{})
	defer s.Close()
	ctx := context.Background()
	// Hold the writer inside one fn until every other caller is queued.
	release, held := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() { done <- s.Update(ctx, func(store.Tx) error { close(held); <-release; return nil }) }()
	<-held
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := s.Update(ctx, func(tx store.Tx) error { return tx.PutSetting(fmt.Sprint("k", i), "v") }); err != nil {
				t.Error(err)
			}
		})
	}
	for len(s.queue) < n {
		time.Sleep(time.Millisecond)
	}
	before := s.commits.Load()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if got := s.commits.Load() - before; got != 2 {
		t.Fatalf("%d transactions for the held Update and %d queued ones, want 2", got, n)
	}
}

// TestGoexitInUpdate: a fn that ends its goroutine (t.Fatal does) loses
// its writes and leaves the writer serving others.
func TestGoexitInUpdate(t *testing.T) {
	s := openSQLite(t, t.TempDir(), Options{})
	defer s.Close()
	ctx := context.Background()
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		s.Update(ctx, func(tx store.Tx) error {
			tx.PutSetting("gone", "v")
			runtime.Goexit()
			return nil
		})
	}()
	<-exited
	if err := s.Update(ctx, func(tx store.Tx) error { return tx.PutSetting("kept", "v") }); err != nil {
		t.Fatal(err)
	}
	err := s.View(ctx, func(tx store.Tx) error {
		if _, err := tx.GetSetting("gone"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("setting of the exited fn: %v", err)
		}
		_, err := tx.GetSetting("kept")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
