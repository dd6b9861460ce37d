package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// AdapterState returns the value an adapter keeps under key, "" when none.
// In a write transaction it locks the row, like every lookup of one row
// there (see lockRow): adapters read, change and write back (the console's
// thread lines).
func (t *tx) AdapterState(ctx context.Context, namespace, key string) (string, error) {
	var v string
	err := t.queryRow(ctx, `SELECT value FROM adapter_state WHERE namespace = $1 AND key = $2`+t.lockRow(),
		namespace, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("postgres: adapter state %s/%s: %w", namespace, key, err)
	}
	return v, nil
}

// PutAdapterState creates or replaces an adapter's value.
func (t *tx) PutAdapterState(ctx context.Context, namespace, key, value string) error {
	if err := t.writable("put adapter state"); err != nil {
		return err
	}
	_, err := t.exec(ctx,
		`INSERT INTO adapter_state (namespace, key, value, updated_at) VALUES ($1, $2, $3, $4)
		 ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		namespace, key, value, t.now().UnixNano())
	if err != nil {
		return fmt.Errorf("postgres: put adapter state %s/%s: %w", namespace, key, err)
	}
	return nil
}

// DeleteAdapterState removes an adapter's value, if there is one.
func (t *tx) DeleteAdapterState(ctx context.Context, namespace, key string) error {
	if err := t.writable("delete adapter state"); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM adapter_state WHERE namespace = $1 AND key = $2`, namespace, key); err != nil {
		return fmt.Errorf("postgres: delete adapter state %s/%s: %w", namespace, key, err)
	}
	return nil
}
