package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// ErrReadOnly is returned by the write methods of a Tx given by View.
var ErrReadOnly = errors.New("write in a read-only transaction")

// tx is the bridge.Tx of one Update or View. Its methods live in the file
// of the table they touch.
type tx struct {
	tx       *sql.Tx
	stmts    *stmtCache
	clock    bridge.Clock
	readOnly bool
	// run is the context statements run with: the caller's, without its
	// cancellation (see Store.run).
	run context.Context
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// writable refuses writes in a View before SQLite is asked, so that the
// error is the same for every write and names the operation.
func (t *tx) writable(op string) error {
	if t.readOnly {
		return fmt.Errorf("sqlite: %s: %w", op, ErrReadOnly)
	}
	return nil
}

// now is the store's clock, for the times a caller leaves zero.
func (t *tx) now() time.Time { return t.clock.Now() }

// exec, query and queryRow run a statement in the transaction, prepared
// when the cache has it. A caller whose context is done gets its error
// before the statement starts; once started, a statement runs to its end
// (see Store.run).
func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if st := t.stmts.get(query); st != nil {
		return t.tx.StmtContext(t.run, st).ExecContext(t.run, args...)
	}
	return t.tx.ExecContext(t.run, query, args...)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if st := t.stmts.get(query); st != nil {
		return t.tx.StmtContext(t.run, st).QueryContext(t.run, args...)
	}
	return t.tx.QueryContext(t.run, query, args...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmts.get(query); st != nil {
		return t.tx.StmtContext(t.run, st).QueryRowContext(t.run, args...)
	}
	return t.tx.QueryRowContext(t.run, query, args...)
}

// execOne runs a write meant to change exactly one row and turns "no row"
// into ErrNotFound.
func (t *tx) execOne(ctx context.Context, what string, query string, args ...any) error {
	res, err := t.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %s: %w", what, bridge.ErrNotFound)
	}
	return nil
}

// notFound turns sql.ErrNoRows into ErrNotFound and names the operation.
func notFound(what string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %s: %w", what, bridge.ErrNotFound)
	}
	return fmt.Errorf("sqlite: %s: %w", what, err)
}

// limitArg is the argument of a "LIMIT ?": limit, or for limit <= 0 (no
// limit) the largest int64, which PostgreSQL accepts too, unlike SQLite's
// LIMIT -1. A parameter, not a number in the SQL, so that one prepared
// statement serves every limit.
func limitArg(limit int) int64 {
	if limit <= 0 {
		return math.MaxInt64
	}
	return int64(limit)
}
