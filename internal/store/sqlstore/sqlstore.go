package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard/switchboard/internal/store"
)

// Options tunes a Store; the zero value is the production default.
type Options struct {
	// MaxBatch caps how many Update callers share one transaction
	// (group commit). 0 means DefaultMaxBatch; 1 gives every Update its
	// own transaction.
	MaxBatch int
	// ReadConns is the size of the connection pool View uses. 0 means
	// max(4, GOMAXPROCS).
	ReadConns int
	// BusyTimeout is how long SQLite waits for a lock another process
	// holds. 0 means 5 s.
	BusyTimeout time.Duration
}

// DefaultMaxBatch is the group-commit cap when Options.MaxBatch is 0.
const DefaultMaxBatch = 128

// Store implements store.Store over database/sql.
type Store struct {
	eng   engine
	wdb   *sql.DB // the writer's pool: one connection on SQLite
	rdb   *sql.DB // View's pool: read-only connections on SQLite, wdb on PostgreSQL
	wst   *stmtCache
	rst   *stmtCache
	queue chan *call
	quit  chan struct{}
	max   int

	commits atomic.Uint64 // transactions the writer committed

	mu     sync.RWMutex // guards closed against sends on queue
	closed bool
	writer sync.WaitGroup
	views  sync.WaitGroup
}

var _ store.Store = (*Store)(nil)

// call is one queued Update. Its fn runs on the caller's goroutine, not
// the writer's: the writer hands the caller the transaction (turn), the
// caller reports fn's outcome (ran), and the writer sends the final one
// (done). So a fn that calls runtime.Goexit (t.Fatal in a test) ends only
// its caller, and the writer just sees a failed fn.
type call struct {
	ctx  context.Context
	turn chan *tx   // the caller's turn to run fn
	ran  chan error // fn's outcome, buffered
	done chan error // the Update's outcome when fn did not fail, buffered
}

// errGoexit is fn's outcome when it called runtime.Goexit.
var errGoexit = errors.New("sqlstore: Update fn called runtime.Goexit")

// OpenSQLite opens (creating if needed) dir/switchboard.db and brings its
// schema up to date.
func OpenSQLite(ctx context.Context, dir string, opt Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	path, err := filepath.Abs(filepath.Join(dir, "switchboard.db"))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	busy := opt.BusyTimeout
	if busy <= 0 {
		busy = 5 * time.Second
	}
	dsn := func(extra url.Values) string {
		q := url.Values{
			"_busy_timeout": {fmt.Sprint(busy.Milliseconds())},
			"_journal_mode": {"WAL"},
			// FULL: in WAL mode NORMAL may lose the last commits on power
			// loss; an acknowledged Update must survive.
			"_synchronous":  {"FULL"},
			"_foreign_keys": {"1"},
			// Savepoints (one per Tx method that writes several rows)
			// journal to a temp file unless temp storage is in memory.
			"_pragma": {"temp_store(MEMORY)"},
		}
		for k, v := range extra {
			q[k] = v
		}
		return (&url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: q.Encode()}).String()
	}
	// BEGIN IMMEDIATE takes the write lock up front, so a transaction
	// never fails half-way with SQLITE_BUSY on lock upgrade.
	wdb, err := sql.Open("sqlite", dsn(url.Values{"_txlock": {"immediate"}}))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	wdb.SetMaxOpenConns(1)
	// The write connection must exist (and have switched the file to WAL)
	// before read-only connections open it.
	if err := wdb.PingContext(ctx); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}
	rdb, err := sql.Open("sqlite", dsn(url.Values{"_query_only": {"1"}}))
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	n := readConns(opt)
	rdb.SetMaxOpenConns(n)
	rdb.SetMaxIdleConns(n)
	return open(ctx, sqlite{}, wdb, rdb, opt)
}

// OpenPostgres connects to the PostgreSQL database at url (a pgx
// connection string) and brings its schema up to date.
func OpenPostgres(ctx context.Context, url string, opt Options) (*Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %w", err)
	}
	n := readConns(opt) + 1 // + the writer's
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlstore: connect to postgres: %w", err)
	}
	return open(ctx, postgres{}, db, db, opt)
}

func readConns(opt Options) int {
	if opt.ReadConns > 0 {
		return opt.ReadConns
	}
	return max(4, runtime.GOMAXPROCS(0))
}

func open(ctx context.Context, eng engine, wdb, rdb *sql.DB, opt Options) (*Store, error) {
	closeAll := func() {
		wdb.Close()
		if rdb != wdb {
			rdb.Close()
		}
	}
	if err := migrate(ctx, eng, wdb); err != nil {
		closeAll()
		return nil, err
	}
	s := &Store{eng: eng, wdb: wdb, rdb: rdb, wst: newStmtCache(wdb), rst: newStmtCache(rdb), quit: make(chan struct{}), max: opt.MaxBatch}
	if s.max <= 0 {
		s.max = DefaultMaxBatch
	}
	s.queue = make(chan *call, s.max)
	s.writer.Add(1)
	go s.write()
	return s, nil
}

// View runs fn in a read-only transaction over one snapshot: on SQLite a
// deferred BEGIN on a query_only connection (WAL readers never block the
// writer), on PostgreSQL REPEATABLE READ.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return store.ErrClosed
	}
	s.views.Add(1)
	s.mu.RUnlock()
	defer s.views.Done()

	if err := ctx.Err(); err != nil {
		return err
	}
	// Reads are short; running them detached from cancellation spares the
	// two watcher goroutines database/sql and the driver start for every
	// transaction and query on a cancellable context (a tenth of the CPU
	// time of a user get). Cancellation is still honoured before starting.
	ctx = context.WithoutCancel(ctx)
	sqlTx, err := s.rdb.BeginTx(ctx, s.eng.viewOptions())
	if err != nil {
		return fmt.Errorf("sqlstore: begin view: %w", err)
	}
	defer sqlTx.Rollback() // read-only: nothing to commit
	return fn(&tx{ctx: ctx, q: &cachedTx{tx: sqlTx, cache: s.rst}, eng: s.eng})
}

// Update queues fn for the writer goroutine and runs it when the writer
// hands over the transaction. A ctx cancelled while queued is seen before
// fn starts; once fn has run, Update waits for the commit whatever ctx
// says, since the outcome is then the writer's.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c := &call{ctx: ctx, turn: make(chan *tx), ran: make(chan error, 1), done: make(chan error, 1)}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return store.ErrClosed
	}
	select {
	case s.queue <- c:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	select {
	case t := <-c.turn:
		if err := c.run(fn, t); err != nil {
			return err
		}
		return <-c.done
	case err := <-c.done: // cancelled while queued, or the transaction could not begin
		return err
	}
}

// run calls fn and reports its outcome to the writer, also when fn
// panics (turned into an error, so the caller sees it like any failure)
// or calls runtime.Goexit.
func (c *call) run(fn func(store.Tx) error, t *tx) (err error) {
	returned := false
	defer func() {
		if !returned {
			if p := recover(); p != nil {
				buf := make([]byte, 4096)
				buf = buf[:runtime.Stack(buf, false)]
				err = fmt.Errorf("sqlstore: panic in Update: %v\n%s", p, buf)
			} else {
				err = errGoexit
			}
		}
		c.ran <- err
	}()
	err = fn(t)
	returned = true
	return err
}

// Close lets the writer finish every queued Update, waits for running
// Views, and closes the pools. Later calls return store.ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return store.ErrClosed
	}
	s.closed = true
	s.mu.Unlock()
	close(s.quit)
	s.writer.Wait()
	s.views.Wait()
	s.wst.close()
	s.rst.close()
	err := s.wdb.Close()
	if s.rdb != s.wdb {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

// write is the writer goroutine: it takes whatever is queued (up to
// s.max calls) and runs it as one transaction.
func (s *Store) write() {
	defer s.writer.Done()
	batch := make([]*call, 0, s.max)
	for {
		select {
		case c := <-s.queue:
			batch = s.fill(append(batch[:0], c))
			s.commit(batch)
		case <-s.quit:
			// No sender is left (closed was set under mu before quit
			// closed), so draining until empty answers everyone.
			for len(s.queue) > 0 {
				s.commit(s.fill(batch[:0]))
			}
			return
		}
	}
}

// fill adds queued calls to batch without waiting, up to s.max.
func (s *Store) fill(batch []*call) []*call {
	for len(batch) < s.max {
		select {
		case c := <-s.queue:
			batch = append(batch, c)
		default:
			return batch
		}
	}
	return batch
}

// commit runs batch in one transaction. With more than one call, each fn
// runs under its own savepoint so a failing fn undoes only its writes; the
// survivors share one COMMIT (one fsync).
func (s *Store) commit(batch []*call) {
	// Statements never use a caller's context: cancelling one caller
	// must not abort the transaction the others share (pgx closes the
	// connection on cancel).
	ctx := context.Background()
	live := make([]*call, 0, len(batch))
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.done <- err
			continue
		}
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	sqlTx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		answer(live, fmt.Errorf("sqlstore: begin: %w", err))
		return
	}
	t := &tx{ctx: ctx, q: &cachedTx{tx: sqlTx, cache: s.wst}, eng: s.eng}
	if len(live) == 1 {
		// Alone: the transaction itself isolates fn, no savepoint needed.
		c := live[0]
		c.turn <- t
		if err := <-c.ran; err != nil {
			sqlTx.Rollback()
			return
		}
		if err := sqlTx.Commit(); err != nil {
			c.done <- fmt.Errorf("sqlstore: commit: %w", err)
			return
		}
		s.commits.Add(1)
		c.done <- nil
		return
	}
	ok := make([]*call, 0, len(live))
	for i, c := range live {
		if err := c.ctx.Err(); err != nil { // cancelled while earlier fns ran
			c.done <- err
			continue
		}
		if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT sb_call"); err != nil {
			s.abort(sqlTx, ok, live[i:], fmt.Errorf("sqlstore: savepoint: %w", err))
			return
		}
		c.turn <- t
		ferr := <-c.ran
		var serr error
		if ferr != nil {
			_, serr = sqlTx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT sb_call")
		}
		if serr == nil {
			_, serr = sqlTx.ExecContext(ctx, "RELEASE SAVEPOINT sb_call")
		}
		if serr != nil {
			if ferr == nil {
				ok = append(ok, c)
			}
			s.abort(sqlTx, ok, live[i+1:], fmt.Errorf("sqlstore: savepoint: %w", serr))
			return
		}
		if ferr == nil {
			ok = append(ok, c)
		}
	}
	if len(ok) == 0 {
		sqlTx.Rollback()
		return
	}
	if err := sqlTx.Commit(); err != nil {
		answer(ok, fmt.Errorf("sqlstore: commit: %w", err))
		return
	}
	s.commits.Add(1)
	answer(ok, nil)
}

// abort gives up a batch whose transaction is in an unknown state:
// nobody's writes can be trusted, so nobody commits. done holds callers
// whose fn succeeded, pending those not run yet.
func (s *Store) abort(sqlTx *sql.Tx, done, pending []*call, err error) {
	sqlTx.Rollback()
	answer(done, err)
	answer(pending, err)
}

func answer(calls []*call, err error) {
	for _, c := range calls {
		c.done <- err
	}
}
