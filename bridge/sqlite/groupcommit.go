package sqlite

import (
	"context"
	"database/sql"
	"errors"
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
// Batches run on one goroutine of their own, the writer. SQLite's write
// path is deep (the statement journal alone is thirty frames down); run on
// the callers' goroutines, every caller's stack had to grow again after
// each garbage collection had shrunk it, which cost 6% of the relay's CPU.
type groupCommit struct {
	mu     sync.Mutex
	queue  []*writeRequest
	wake   chan struct{} // has news for the writer (capacity 1)
	closed bool
	done   chan struct{} // closed when the writer has returned
	// queued, when set (by tests), is told the queue's length each time an
	// Update joins it.
	queued func(depth int)
}

// writeRequest is one Update waiting for, or done by, a batch.
type writeRequest struct {
	ctx context.Context
	fn  func(tx bridge.Tx) error
	// done is closed once a batch has run the request (err and panicked
	// are set) or the store has closed (err is set).
	done     chan struct{}
	err      error
	panicked any
}

// errClosed is what an Update gets after Close.
var errClosed = errors.New("sqlite: store is closed")

// startWriter starts the writer goroutine.
func (s *Store) startWriter() {
	s.group.wake = make(chan struct{}, 1)
	s.group.done = make(chan struct{})
	go s.writeLoop()
}

// stopWriter lets the writer finish what is queued, then stops it.
func (s *Store) stopWriter() {
	g := &s.group
	g.mu.Lock()
	already := g.closed
	g.closed = true
	g.mu.Unlock()
	if !already {
		s.wakeWriter()
	}
	<-g.done
}

func (s *Store) wakeWriter() {
	select {
	case s.group.wake <- struct{}{}:
	default:
	}
}

// update is Store.Update through the group commit.
func (s *Store) update(ctx context.Context, fn func(tx bridge.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	req := &writeRequest{ctx: ctx, fn: fn, done: make(chan struct{})}
	g := &s.group
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return errClosed
	}
	g.queue = append(g.queue, req)
	if g.queued != nil {
		g.queued(len(g.queue))
	}
	g.mu.Unlock()
	s.wakeWriter()
	<-req.done
	if req.panicked != nil {
		panic(req.panicked)
	}
	return req.err
}

// writeLoop runs the queued requests, as many per transaction as are
// waiting, until the store closes and the queue is empty.
func (s *Store) writeLoop() {
	defer close(s.group.done)
	g := &s.group
	var batch []*writeRequest
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxBatch)
		batch = append(batch[:0], g.queue[:n]...)
		rest := copy(g.queue, g.queue[n:])
		clear(g.queue[rest:])
		g.queue = g.queue[:rest]
		closed := g.closed
		g.mu.Unlock()
		if n == 0 {
			if closed {
				return
			}
			<-g.wake
			continue
		}
		s.runBatch(batch)
		// The connection is free until the next batch begins: prepare
		// what ran unprepared (rarely anything after the first minutes).
		s.writeStmts.prepareWanted(context.Background())
		for _, r := range batch {
			close(r.done)
		}
		clear(batch)
		s.finishCheckpoint()
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
