package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handoffbridge/handoff/bridge"
)

var (
	_ bridge.Store = (*Store)(nil)
	_ bridge.Tx    = (*tx)(nil)
)

// Store is the PostgreSQL bridge.Store. It is safe for concurrent use, and
// several Stores (replicas) may share one database.
type Store struct {
	pool  *pgxpool.Pool
	clock bridge.Clock
}

// Option configures Open.
type Option func(*options)

type options struct {
	clock    bridge.Clock
	maxConns int32
}

// WithClock sets the clock that fills CreatedAt, UpdatedAt and the other
// times a caller leaves zero. The default is bridge.SystemClock.
func WithClock(c bridge.Clock) Option { return func(o *options) { o.clock = c } }

// WithMaxConns sets the pool's size; 0 keeps the DSN's pool_max_conns or
// pgxpool's default (the larger of 4 and the number of CPUs).
func WithMaxConns(n int) Option { return func(o *options) { o.maxConns = int32(n) } }

// Open connects to the database dsn names (a URL or keyword=value string,
// as libpq takes) and brings its schema up to date. Errors never hold the
// DSN, which may hold a password.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	o := options{clock: bridge.SystemClock{}}
	for _, opt := range opts {
		opt(&o)
	}
	if o.clock == nil {
		o.clock = bridge.SystemClock{}
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse DSN: %w", err)
	}
	if o.maxConns > 0 {
		cfg.MaxConns = o.maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect to %s/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	if err := migrate(ctx, pool, o.clock); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return &Store{pool: pool, clock: o.clock}, nil
}

// Update runs fn in a READ COMMITTED transaction: fn's writes are
// committed if it returns nil and undone if it returns an error, which
// Update returns as is, or panics, which Update re-raises.
//
// A transaction PostgreSQL aborts for colliding with another (a deadlock,
// a serialization failure) is run again, fn included, up to maxAttempts
// times with a random backoff: fn must keep its effects inside tx, or undo
// them when it is called again.
func (s *Store) Update(ctx context.Context, fn func(tx bridge.Tx) error) error {
	conflicts := 0
	for attempt := 1; ; attempt++ {
		err := s.run(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, false, fn)
		if err == nil || !retryable(err) {
			return err
		}
		if errors.Is(err, errTaken) {
			// Once: if the name is still taken after a new attempt, fn
			// means to make a second one of it.
			if conflicts++; conflicts > 1 {
				return err
			}
		}
		if attempt == maxAttempts {
			return fmt.Errorf("postgres: transaction failed %d times: %w", attempt, err)
		}
		if err := backoff(ctx, attempt+1); err != nil {
			return fmt.Errorf("postgres: retry: %w", err)
		}
	}
}

// View runs fn in a read-only transaction on one snapshot (REPEATABLE
// READ, which for a transaction that only reads never fails); the write
// methods of its Tx return ErrReadOnly.
func (s *Store) View(ctx context.Context, fn func(tx bridge.Tx) error) error {
	return s.run(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, true, fn)
}

// run runs fn in one transaction. Its error is fn's, or, when the
// transaction failed for a reason a retry may cure, that reason (fn may
// have swallowed it: the transaction is aborted all the same).
func (s *Store) run(ctx context.Context, opts pgx.TxOptions, readOnly bool, fn func(tx bridge.Tx) error) error {
	pgTx, err := s.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			// Runs on an error and on a panic alike; a panic keeps
			// unwinding after the rollback.
			_ = pgTx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	t := &tx{tx: pgTx, clock: s.clock, readOnly: readOnly}
	if err := fn(t); err != nil {
		if t.retry != nil && !retryable(err) {
			return fmt.Errorf("%w (after %w)", t.retry, err)
		}
		return err
	}
	done = true
	if readOnly {
		// Nothing to keep; a rollback ends it the same.
		if err := pgTx.Rollback(ctx); err != nil {
			return fmt.Errorf("postgres: end read: %w", err)
		}
		return nil
	}
	if err := pgTx.Commit(ctx); err != nil {
		if t.retry != nil {
			return fmt.Errorf("postgres: commit: %w (after %w)", t.retry, err)
		}
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// Close closes the pool, waiting for connections in use to be returned.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}
