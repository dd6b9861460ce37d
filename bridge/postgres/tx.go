package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/handoffbridge/handoff/bridge"
)

// ErrReadOnly is returned by the write methods of a Tx given by View.
var ErrReadOnly = errors.New("write in a read-only transaction")

// tx is the bridge.Tx of one Update or View. Its methods live in the file
// of the table they touch.
type tx struct {
	tx       pgx.Tx
	clock    bridge.Clock
	readOnly bool
	// retry is the first error of this attempt that a new attempt may
	// cure (see retryable), kept even if fn swallows it: the transaction
	// is aborted all the same.
	retry error
}

// writable refuses writes in a View before PostgreSQL is asked, so that
// the error is the same for every write and names the operation.
func (t *tx) writable(op string) error {
	if t.readOnly {
		return fmt.Errorf("postgres: %s: %w", op, ErrReadOnly)
	}
	return nil
}

// now is the store's clock, for the times a caller leaves zero.
func (t *tx) now() time.Time { return t.clock.Now() }

// lockRow is appended to the lookup of one row in a write transaction.
// Update runs at READ COMMITTED, where two transactions that read a row,
// change it and write it back would both read the old value and one write
// would be lost; the lock makes the second reader wait for the first to
// commit and then read its result, so read-modify-write Updates run as if
// one after the other. NO KEY: ids never change, and the weaker lock does
// not block the foreign-key checks of inserts that refer to the row.
func (t *tx) lockRow() string {
	if t.readOnly {
		return ""
	}
	return " FOR NO KEY UPDATE"
}

// note remembers err when a retry may cure it, and returns it.
func (t *tx) note(err error) error {
	if t.retry == nil && retryable(err) {
		t.retry = err
	}
	return err
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (pgconn.CommandTag, error) {
	tag, err := t.tx.Exec(ctx, query, args...)
	return tag, t.note(err)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (pgx.Rows, error) {
	rows, err := t.tx.Query(ctx, query, args...)
	return rows, t.note(err)
}

// row is a pgx.Row whose error is noted by its transaction.
type row struct {
	pgx.Row
	t *tx
}

func (r row) Scan(dest ...any) error { return r.t.note(r.Row.Scan(dest...)) }

func (t *tx) queryRow(ctx context.Context, query string, args ...any) pgx.Row {
	return row{t.tx.QueryRow(ctx, query, args...), t}
}

// collect scans every row with scan, then closes rows, noting the error.
func collect[T any](t *tx, rows pgx.Rows, scan func(pgx.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, t.note(rows.Err())
}

// execOne runs a write meant to change exactly one row and turns "no row"
// into ErrNotFound.
func (t *tx) execOne(ctx context.Context, what string, query string, args ...any) error {
	tag, err := t.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", what, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: %s: %w", what, bridge.ErrNotFound)
	}
	return nil
}

// notFound turns pgx.ErrNoRows into ErrNotFound and names the operation.
func notFound(what string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %s: %w", what, bridge.ErrNotFound)
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}
