package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Cursor returns the named platform cursor, "" when it was never set.
func (t *tx) Cursor(ctx context.Context, name string) (string, error) {
	var v string
	err := t.queryRow(ctx, `SELECT value FROM cursors WHERE name = $1`+t.lockRow(), name).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("postgres: cursor %s: %w", name, err)
	}
	return v, nil
}

// SetCursor creates or replaces the named cursor.
func (t *tx) SetCursor(ctx context.Context, name, value string) error {
	if err := t.writable("set cursor"); err != nil {
		return err
	}
	_, err := t.exec(ctx,
		`INSERT INTO cursors (name, value, updated_at) VALUES ($1, $2, $3)
		 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		name, value, t.now().UnixNano())
	if err != nil {
		return fmt.Errorf("postgres: set cursor %s: %w", name, err)
	}
	return nil
}
