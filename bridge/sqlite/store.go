package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"

	"github.com/handoffbridge/handoff/bridge"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

var (
	_ bridge.Store = (*Store)(nil)
	_ bridge.Tx    = (*tx)(nil)
)

// Store is the SQLite bridge.Store. It is safe for concurrent use.
type Store struct {
	// write has exactly one connection: SQLite has one writer, and queueing
	// writers on the pool is cheaper and fairer than SQLITE_BUSY retries.
	write *sql.DB
	// read serves View. It is write itself for an in-memory database, which
	// exists only on the connection that created it.
	read *sql.DB
	// writeStmts and readStmts keep the statements of each pool prepared;
	// they are one cache when the pools are one.
	writeStmts, readStmts *stmtCache
	clock                 bridge.Clock
	// group batches concurrent Updates into one transaction.
	group groupCommit
	// checkpoints copies the WAL back into the database file; nil for an
	// in-memory database.
	checkpoints *checkpointer
}

// Option configures Open.
type Option func(*options)

type options struct {
	clock     bridge.Clock
	readConns int
}

// WithClock sets the clock that fills CreatedAt, UpdatedAt and the other
// times a caller leaves zero. The default is bridge.SystemClock.
func WithClock(c bridge.Clock) Option { return func(o *options) { o.clock = c } }

// WithReadConns sets the size of the read pool used by View (default:
// GOMAXPROCS, at least 4). It has no effect on an in-memory database.
func WithReadConns(n int) Option { return func(o *options) { o.readConns = n } }

// Open opens (creating it if needed) the database named by dsn and brings
// its schema up to date. dsn is a path ("data/bridge.db"; a missing parent
// directory is created), a "file:" URI, or ":memory:" for a database that
// lives as long as the Store.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{clock: bridge.SystemClock{}, readConns: max(4, runtime.GOMAXPROCS(0))}
	for _, opt := range opts {
		opt(&o)
	}
	if o.clock == nil {
		o.clock = bridge.SystemClock{}
	}
	t := parseDSN(dsn)
	if t.path != "" {
		if err := prepareFile(t); err != nil {
			return nil, openError(t, err)
		}
	}

	// _txlock=immediate makes every write transaction take the write lock at
	// BEGIN, so that it cannot fail with SQLITE_BUSY later, when its first
	// read turns into a write while another connection writes.
	// wal_autocheckpoint(0): the checkpointer does it, off the writer's
	// path (see checkpointer).
	w, err := sql.Open("sqlite", t.withParams("_txlock", "immediate", "_pragma", "wal_autocheckpoint(0)"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	// Never recycle the connection: for :memory: it *is* the database.
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{write: w, read: w, clock: o.clock}
	s.writeStmts = newStmtCache(w)
	s.readStmts = s.writeStmts
	if err := w.PingContext(ctx); err != nil {
		_ = w.Close()
		return nil, openError(t, err)
	}
	if err := migrate(ctx, w, o.clock); err != nil {
		_ = w.Close()
		return nil, openError(t, err)
	}
	if !t.memory {
		if err := tightenSidecars(t); err != nil {
			_ = w.Close()
			return nil, openError(t, err)
		}
		// query_only makes SQLite itself refuse writes from View, beside
		// the check in tx; the pragma runs after journal_mode, which the
		// write connection has already switched to WAL.
		r, err := sql.Open("sqlite", t.withParams("_pragma", "query_only(1)"))
		if err != nil {
			_ = w.Close()
			return nil, fmt.Errorf("sqlite: open: %w", err)
		}
		r.SetMaxOpenConns(o.readConns)
		r.SetMaxIdleConns(o.readConns)
		s.read = r
		s.readStmts = newStmtCache(r)
		c, err := startCheckpointer(t)
		if err != nil {
			_ = r.Close()
			_ = w.Close()
			return nil, err
		}
		s.checkpoints = c
	}
	s.startWriter()
	return s, nil
}

// Update runs fn in a write transaction (BEGIN IMMEDIATE): fn's writes are
// committed if it returns nil and undone if it returns an error, which
// Update returns as is, or panics, which Update re-raises. Concurrent
// Updates may share one transaction (see groupCommit), each in a savepoint
// of its own; Update returns after the commit.
func (s *Store) Update(ctx context.Context, fn func(tx bridge.Tx) error) error {
	return s.update(ctx, fn)
}

// View runs fn in a read-only transaction on a consistent snapshot; the
// write methods of its Tx return ErrReadOnly.
func (s *Store) View(ctx context.Context, fn func(tx bridge.Tx) error) error {
	return s.run(ctx, s.read, s.readStmts, &sql.TxOptions{ReadOnly: true}, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, stmts *stmtCache, opts *sql.TxOptions, fn func(tx bridge.Tx) error) error {
	readOnly := opts != nil && opts.ReadOnly
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	// Transactions run to their end once begun: they are short, and a
	// cancellable context costs a watching goroutine per transaction in
	// database/sql and per statement in the driver, which was the relay
	// path's largest overhead. busy_timeout bounds the wait for the lock.
	ctx = context.WithoutCancel(ctx)
	// After the transaction, its connection is free to prepare what it
	// ran for the first time.
	defer stmts.prepareWanted(ctx)
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	done := false
	defer func() {
		if done {
			return
		}
		// Runs on an error and on a panic alike; a panic keeps unwinding
		// after the rollback.
		_ = sqlTx.Rollback()
	}()
	if err := fn(&tx{tx: sqlTx, stmts: stmts, clock: s.clock, readOnly: readOnly, run: ctx}); err != nil {
		return err
	}
	done = true
	if readOnly {
		// Nothing to keep: ending a read transaction with ROLLBACK is the
		// same and never waits for a lock.
		if err := sqlTx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
			return fmt.Errorf("sqlite: end read: %w", err)
		}
		return nil
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// Close closes both pools. It waits for running transactions to end, and
// runs the Updates already queued; later ones fail.
func (s *Store) Close() error {
	s.stopWriter()
	var errs []error
	if s.checkpoints != nil {
		errs = append(errs, s.checkpoints.close())
	}
	s.readStmts.close()
	s.writeStmts.close()
	if s.read != s.write {
		errs = append(errs, s.read.Close())
	}
	// PRAGMA optimize is what SQLite recommends before closing: it refreshes
	// the planner's statistics where they have gone stale. Its failure is
	// not worth failing Close for.
	_, _ = s.write.Exec("PRAGMA optimize")
	errs = append(errs, s.write.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close: %w", err)
	}
	return nil
}
