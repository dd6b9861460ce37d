package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Cursor returns the named platform cursor, "" when it was never set.
func (t *tx) Cursor(ctx context.Context, name string) (string, error) {
	var v string
	err := t.queryRow(ctx, `SELECT value FROM cursors WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: cursor %s: %w", name, err)
	}
	return v, nil
}

// SetCursor creates or replaces the named cursor.
func (t *tx) SetCursor(ctx context.Context, name, value string) error {
	if err := t.writable("set cursor"); err != nil {
		return err
	}
	_, err := t.exec(ctx,
		`INSERT INTO cursors (name, value, updated_at) VALUES (?, ?, ?)
		 ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		name, value, t.now().UnixNano())
	if err != nil {
		return fmt.Errorf("sqlite: set cursor %s: %w", name, err)
	}
	return nil
}
