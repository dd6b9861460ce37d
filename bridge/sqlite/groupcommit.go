package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/handoffbridge/handoff/bridge"
)

// maxBatch bounds how many Updates share one transaction, so that the
// callers that came first are not held back by an unbounded batch.
const maxBatch = 128

// groupCommit runs concurrent Updates in one transaction (group commit).
//
// SQLite has one writer, so concurrent Updates wait for each other anyway;
// while one transaction runs, the ones that arrive queue up, and the next
// transaction takes all of them. Each runs inside a savepoint of its own,
// so that one Update's error or panic undoes only its own writes. The batch
// then pays one BEGIN, one COMMIT and one write of each touched page to the
// WAL instead of one per Update, which on the relay path was a third of
// the store's time. Every caller returns only after the commit that holds
// its writes: durability is what it was.
//
// No goroutine of its own: the first caller to find the writer idle leads
// and runs one batch; it then hands the lead to the oldest caller still
// waiting, so that no caller runs other callers' batches for long.
type groupCommit struct {
	mu    sync.Mutex
	queue []*writeRequest
	busy  bool // a leader is running a batch
	// queued, when set (by tests), is told the queue's length each time an
	// Update joins it.
	queued func(depth int)
}

// writeRequest is one Update waiting for, or done by, a batch.
type writeRequest struct {
	ctx context.Context
	fn  func(tx bridge.Tx) error
	// wake gets true when the request is to lead the next batch, false when
	// a batch has run it (err and panicked are set).
	wake     chan bool
	err      error
	panicked any
}

// update is Store.Update through the group commit.
func (s *Store) update(ctx context.Context, fn func(tx bridge.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	req := &writeRequest{ctx: ctx, fn: fn, wake: make(chan bool, 1)}
	g := &s.group
	g.mu.Lock()
	g.queue = append(g.queue, req)
	if g.queued != nil {
		g.queued(len(g.queue))
	}
	lead := !g.busy
	g.busy = true
	g.mu.Unlock()
	if !lead {
		lead = <-req.wake
	}
	if lead {
		s.leadBatch()
	}
	if req.panicked != nil {
		panic(req.panicked)
	}
	return req.err
}

// leadBatch runs the queued requests (the leader's own among them) in one
// transaction, then passes the lead on.
func (s *Store) leadBatch() {
	g := &s.group
	g.mu.Lock()
	n := min(len(g.queue), maxBatch)
	batch := make([]*writeRequest, n)
	copy(batch, g.queue)
	g.queue = append(g.queue[:0], g.queue[n:]...)
	g.mu.Unlock()

	s.runBatch(batch)
	// The connection is free until the next leader begins: prepare what
	// ran unprepared.
	s.writeStmts.prepareWanted(context.Background())

	g.mu.Lock()
	if len(g.queue) > 0 {
		g.queue[0].wake <- true
	} else {
		g.busy = false
	}
	g.mu.Unlock()
	for _, r := range batch {
		// Never blocks: each request is told once, and the leader's own
		// (unread) telling lands in its buffer.
		r.wake <- false
	}
}

// runBatch runs batch in one transaction and sets each request's outcome.
func (s *Store) runBatch(batch []*writeRequest) {
	failAll := func(err error) {
		for _, r := range batch {
			if r.err == nil && r.panicked == nil {
				r.err = err
			}
		}
	}
	// Transactions run to their end once begun (see Store.run).
	bg := context.Background()
	sqlTx, err := s.write.BeginTx(bg, nil)
	if err != nil {
		failAll(fmt.Errorf("sqlite: begin: %w", err))
		return
	}
	// Savepoints cost two statements per request: a batch of one does
	// without, and its failure rolls the transaction back.
	alone := len(batch) == 1
	ok := 0
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = fmt.Errorf("sqlite: begin: %w", err)
			continue
		}
		if !alone {
			if _, err := sqlTx.ExecContext(bg, "SAVEPOINT request"); err != nil {
				_ = sqlTx.Rollback()
				failAll(fmt.Errorf("sqlite: savepoint: %w", err))
				return
			}
		}
		r.err, r.panicked = s.runRequest(sqlTx, r)
		failed := r.err != nil || r.panicked != nil
		if alone {
			if failed {
				_ = sqlTx.Rollback()
				return
			}
			ok++
			continue
		}
		if failed {
			// A failed ROLLBACK TO means SQLite has already rolled the
			// whole transaction back (SQLITE_FULL, SQLITE_IOERR, …): the
			// requests before this one are undone too.
			if _, err := sqlTx.ExecContext(bg, "ROLLBACK TO request"); err != nil {
				_ = sqlTx.Rollback()
				failAll(fmt.Errorf("sqlite: roll back to savepoint: %w", err))
				return
			}
		} else {
			ok++
		}
		if _, err := sqlTx.ExecContext(bg, "RELEASE request"); err != nil {
			_ = sqlTx.Rollback()
			failAll(fmt.Errorf("sqlite: release savepoint: %w", err))
			return
		}
	}
	if ok == 0 {
		_ = sqlTx.Rollback()
		return
	}
	if err := sqlTx.Commit(); err != nil {
		failAll(fmt.Errorf("sqlite: commit: %w", err))
	}
}

// runRequest runs one request's fn, turning a panic into a value that the
// request's own goroutine raises again.
func (s *Store) runRequest(sqlTx *sql.Tx, r *writeRequest) (err error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return r.fn(&tx{tx: sqlTx, stmts: s.writeStmts, clock: s.clock, run: context.WithoutCancel(r.ctx)}), nil
}
