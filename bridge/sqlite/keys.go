package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/handoffbridge/handoff/bridge"
)

// Key returns the secret key named name.
func (t *tx) Key(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := t.queryRow(ctx, `SELECT value FROM keys WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: key %s: %w", name, bridge.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: key %s: %w", name, err)
	}
	return v, nil
}

// AddKey stores a new key; the primary key refuses a second one of a name.
func (t *tx) AddKey(ctx context.Context, name string, key []byte) error {
	if err := t.writable("add key"); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `INSERT INTO keys (name, value, created_at) VALUES (?, ?, ?)`,
		name, key, t.now().UnixNano()); err != nil {
		return fmt.Errorf("sqlite: add key %s: %w", name, err)
	}
	return nil
}
