package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Snapshot reads a store's tables as they are, row by row, in one
// read-only transaction: what copying the store into another database
// (`bridge copy-store`) needs, and nothing the bridge itself uses.
type Snapshot struct {
	tx *sql.Tx
}

// Snapshot runs fn over one consistent read of the store: writes made
// while fn runs are not seen.
func (s *Store) Snapshot(ctx context.Context, fn func(*Snapshot) error) error {
	sqlTx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: snapshot: %w", err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // read-only: nothing to keep or lose
	return fn(&Snapshot{tx: sqlTx})
}

// identifier keeps table and column names, which go into the SQL text,
// to plain names.
var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

func checkNames(names ...string) error {
	for _, n := range names {
		if !identifier.MatchString(n) {
			return fmt.Errorf("sqlite: snapshot: %q is not a table or column name", n)
		}
	}
	return nil
}

// Tables lists the store's tables, SQLite's own excluded.
func (sn *Snapshot) Tables(ctx context.Context) ([]string, error) {
	rows, err := sn.tx.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: snapshot: tables: %w", err)
	}
	return scanStrings(rows)
}

// Columns lists a table's columns in their order; none for a table the
// store does not have.
func (sn *Snapshot) Columns(ctx context.Context, table string) ([]string, error) {
	if err := checkNames(table); err != nil {
		return nil, err
	}
	rows, err := sn.tx.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, fmt.Errorf("sqlite: snapshot: columns of %s: %w", table, err)
	}
	return scanStrings(rows)
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("sqlite: snapshot: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: snapshot: %w", err)
	}
	return out, nil
}

// Count counts a table's rows.
func (sn *Snapshot) Count(ctx context.Context, table string) (int64, error) {
	if err := checkNames(table); err != nil {
		return 0, err
	}
	var n int64
	if err := sn.tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: snapshot: count %s: %w", table, err)
	}
	return n, nil
}

// LastID is the highest id a table's AUTOINCREMENT ever handed out (rows
// since deleted included), 0 when none: a copy must never hand those ids
// out again, since message and outbox ids are idempotency keys.
func (sn *Snapshot) LastID(ctx context.Context, table string) (int64, error) {
	if err := checkNames(table); err != nil {
		return 0, err
	}
	var seq, maxID sql.NullInt64
	err := sn.tx.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = ?`, table).Scan(&seq)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sqlite: snapshot: last id of %s: %w", table, err)
	}
	if err := sn.tx.QueryRowContext(ctx, `SELECT max(id) FROM `+table).Scan(&maxID); err != nil {
		return 0, fmt.Errorf("sqlite: snapshot: last id of %s: %w", table, err)
	}
	return max(seq.Int64, maxID.Int64), nil
}

// Rows calls fn with the named columns of every row of a table, in no
// particular order. Values come as SQLite holds them (int64, float64,
// string, []byte or nil), in a slice fn must not keep; an error from fn
// ends the reading and is returned as is.
func (sn *Snapshot) Rows(ctx context.Context, table string, columns []string, fn func(values []any) error) error {
	if err := checkNames(append([]string{table}, columns...)...); err != nil {
		return err
	}
	rows, err := sn.tx.QueryContext(ctx, `SELECT `+strings.Join(columns, ", ")+` FROM `+table)
	if err != nil {
		return fmt.Errorf("sqlite: snapshot: read %s: %w", table, err)
	}
	defer rows.Close()
	values := make([]any, len(columns))
	ptrs := make([]any, len(columns))
	for rows.Next() {
		for i := range values {
			values[i] = nil
			ptrs[i] = &values[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("sqlite: snapshot: read %s: %w", table, err)
		}
		if err := fn(values); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: snapshot: read %s: %w", table, err)
	}
	return nil
}
