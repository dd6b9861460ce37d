package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// AdapterState returns the value an adapter keeps under key, "" when none.
func (t *tx) AdapterState(ctx context.Context, namespace, key string) (string, error) {
	var v string
	err := t.queryRow(ctx, `SELECT value FROM adapter_state WHERE namespace = ? AND key = ?`, namespace, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: adapter state %s/%s: %w", namespace, key, err)
	}
	return v, nil
}

// PutAdapterState creates or replaces an adapter's value.
func (t *tx) PutAdapterState(ctx context.Context, namespace, key, value string) error {
	if err := t.writable("put adapter state"); err != nil {
		return err
	}
	_, err := t.exec(ctx,
		`INSERT INTO adapter_state (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)
		 ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		namespace, key, value, t.now().UnixNano())
	if err != nil {
		return fmt.Errorf("sqlite: put adapter state %s/%s: %w", namespace, key, err)
	}
	return nil
}

// DeleteAdapterState removes an adapter's value, if there is one.
func (t *tx) DeleteAdapterState(ctx context.Context, namespace, key string) error {
	if err := t.writable("delete adapter state"); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM adapter_state WHERE namespace = ? AND key = ?`, namespace, key); err != nil {
		return fmt.Errorf("sqlite: delete adapter state %s/%s: %w", namespace, key, err)
	}
	return nil
}
