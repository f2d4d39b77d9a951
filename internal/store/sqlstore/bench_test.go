package sqlstore

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard/switchboard/internal/store"
	"github.com/switchboard/switchboard/internal/store/storetest"
)

// benchUser is a user with the fields a provisioned user typically has.
func benchUser(i int) store.User {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	return store.User{
		ID:            fmt.Sprintf("user%07d@example.com", i),
		Kind:          store.KindUser,
		SPID:          fmt.Sprintf("sp%d", i%10),
		GroupID:       fmt.Sprintf("g%d", i%100),
		LastName:      "Last",
		FirstName:     fmt.Sprintf("First%d", i),
		CLIDLastName:  "Last",
		CLIDFirstName: "First",
		PhoneNumber:   fmt.Sprintf("+1-202%07d", i),
		Extension:     fmt.Sprintf("%d", 1000+i/100),
		Email:         fmt.Sprintf("user%d@example.com", i),
		PasswordSHA1:  "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
		Profile:       store.UserProfile{Language: "English", TimeZone: "America/New_York"},
		Created:       now,
		Modified:      now,
	}
}

// BenchmarkListUsers100k walks every user of a 100,000-user SQLite
// database; ns/op is one full walk.
func BenchmarkListUsers100k(b *testing.B) {
	ctx := context.Background()
	s, err := OpenSQLite(ctx, b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const n, chunk = 100_000, 10_000
	for start := 0; start < n; start += chunk {
		err := s.Update(ctx, func(tx store.Tx) error {
			for i := start; i < start+chunk; i++ {
				if err := tx.InsertUser(benchUser(i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		count := 0
		err := s.View(ctx, func(tx store.Tx) error {
			return tx.ListUsers(store.UserFilter{}, func(store.User) bool { count++; return true })
		})
		if err != nil {
			b.Fatal(err)
		}
		if count != n {
			b.Fatalf("listed %d users, want %d", count, n)
		}
	}
}

// BenchmarkUpdateParallel inserts one user per Update from many
// goroutines on durable SQLite (synchronous=FULL: every COMMIT fsyncs),
// with group commit and with one transaction per Update.
func BenchmarkUpdateParallel(b *testing.B) {
	for _, bc := range []struct {
		name     string
		maxBatch int
	}{{"batched", 0}, {"unbatched", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			s, err := OpenSQLite(context.Background(), b.TempDir(), Options{MaxBatch: bc.maxBatch})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			benchInserts(b, s)
		})
	}
}

// BenchmarkUpdateParallelPostgres is the same on the PostgreSQL server of
// SWITCHBOARD_TEST_POSTGRES_URL (whose fsync setting decides what it
// measures: .ci/run's server has fsync off).
func BenchmarkUpdateParallelPostgres(b *testing.B) {
	base := os.Getenv(pgEnv)
	if base == "" {
		b.Skip(pgEnv + " is not set")
	}
	for _, bc := range []struct {
		name     string
		maxBatch int
	}{{"batched", 0}, {"unbatched", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			url := storetest.PostgresSchema(b, base)
			s, err := OpenPostgres(context.Background(), url, Options{MaxBatch: bc.maxBatch})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			benchInserts(b, s)
		})
	}
}

func benchInserts(b *testing.B, s *Store) {
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism(32) // 32 × GOMAXPROCS writers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			u := benchUser(int(next.Add(1)))
			if err := s.Update(ctx, func(tx store.Tx) error { return tx.InsertUser(u) }); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
}
