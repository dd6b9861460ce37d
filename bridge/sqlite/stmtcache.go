package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// maxCachedStmts bounds the cache; the store's statements are far fewer, but
// Handoffs builds its SQL from its arguments.
const maxCachedStmts = 256

// stmtCache keeps the store's statements prepared, on every connection of a
// pool, so that SQLite parses and plans each statement once per connection
// instead of once per call: on the write path that is about a quarter of
// the time of a transaction.
//
// A statement cannot be prepared while a transaction runs: on the write
// pool that transaction holds the only connection, and preparing would
// wait for it forever. So a statement seen for the first time runs
// unprepared and is noted; the Store prepares the noted statements after
// the transaction, once the connection is free.
type stmtCache struct {
	db      *sql.DB
	mu      sync.RWMutex
	stmts   map[string]*sql.Stmt
	wanted  map[string]struct{}
	pending atomic.Bool // len(wanted) > 0, read without the lock on every transaction
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]struct{}{}}
}

// get returns the prepared statement for query, or nil after noting that
// it is wanted.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.stmts[query]
	_, noted := c.wanted[query]
	full := len(c.stmts)+len(c.wanted) >= maxCachedStmts
	c.mu.RUnlock()
	if ok || noted || full {
		return st
	}
	c.mu.Lock()
	if _, ok := c.stmts[query]; !ok && len(c.stmts)+len(c.wanted) < maxCachedStmts {
		c.wanted[query] = struct{}{}
		c.pending.Store(true)
	}
	c.mu.Unlock()
	return nil
}

// prepareWanted prepares the statements noted since the last call. It must
// not run inside a transaction of c's pool. A statement that fails to
// prepare is dropped: it keeps running unprepared and reports its error
// there.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	if !c.pending.Load() {
		return
	}
	c.mu.Lock()
	wanted := c.wanted
	c.wanted = map[string]struct{}{}
	c.pending.Store(false)
	c.mu.Unlock()
	for q := range wanted {
		st, err := c.db.PrepareContext(context.WithoutCancel(ctx), q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, dup := c.stmts[q]; dup {
			_ = st.Close()
		} else {
			c.stmts[q] = st
		}
		c.mu.Unlock()
	}
}

// close closes the prepared statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		_ = st.Close()
	}
	c.stmts = map[string]*sql.Stmt{}
}
