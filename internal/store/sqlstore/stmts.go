package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// Every query text is prepared once per pool and reused on each
// connection: parsing SQL was a fifth of the server's CPU time before
// (SQLite compiles a statement on every call otherwise). The set of query
// texts is finite (filters and pages combine into a few shapes), so the
// cache needs no eviction.
//
// A statement cannot be prepared on the pool from inside a transaction:
// the writer pool has a single connection, which the transaction holds, so
// the preparation would wait forever. A miss therefore runs the query
// unprepared and prepares it in the background, on the first connection
// that comes free; later calls bind the prepared statement to their
// transaction's connection (database/sql prepares it there once).
type stmtCache struct {
	db      *sql.DB
	mu      sync.RWMutex
	m       map[string]*sql.Stmt // nil value: preparation under way or failed
	pending sync.WaitGroup
	closed  bool
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: make(map[string]*sql.Stmt)} }

// get returns the prepared statement for q, or nil when it is not ready.
func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.RLock()
	s, seen := c.m[q]
	c.mu.RUnlock()
	if seen {
		return s
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, seen := c.m[q]; seen || c.closed {
		return c.m[q]
	}
	c.m[q] = nil
	c.pending.Add(1)
	go func() {
		defer c.pending.Done()
		s, err := c.db.PrepareContext(context.Background(), q)
		if err != nil {
			return // the query keeps running unprepared; its own error, if any, shows there
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.closed {
			s.Close()
			return
		}
		c.m[q] = s
	}()
	return nil
}

// close waits for preparations under way and closes every statement. The
// caller has stopped all transactions, so a pending preparation can get a
// connection and finish.
func (c *stmtCache) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.pending.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		if s != nil {
			s.Close()
		}
	}
	clear(c.m)
}

// cachedTx is a transaction whose statements come from the cache
// (database/sql binds a cached statement to the transaction's connection,
// preparing it there only the first time).
type cachedTx struct {
	tx    *sql.Tx
	cache *stmtCache
}

func (c *cachedTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if s := c.cache.get(q); s != nil {
		return c.tx.StmtContext(ctx, s).ExecContext(ctx, args...)
	}
	return c.tx.ExecContext(ctx, q, args...)
}

func (c *cachedTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s := c.cache.get(q); s != nil {
		return c.tx.StmtContext(ctx, s).QueryContext(ctx, args...)
	}
	return c.tx.QueryContext(ctx, q, args...)
}

func (c *cachedTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if s := c.cache.get(q); s != nil {
		return c.tx.StmtContext(ctx, s).QueryRowContext(ctx, args...)
	}
	return c.tx.QueryRowContext(ctx, q, args...)
}
