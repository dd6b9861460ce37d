package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Key returns the secret key named name.
func (t *tx) Key(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := t.queryRow(ctx, `SELECT value FROM keys WHERE name = $1`, name).Scan(&v)
	if err != nil {
		return nil, notFound("key "+name, err)
	}
	return v, nil
}

// AddKey stores a new key. A name already taken, even by a transaction
// that committed a moment ago (two replicas making the key at their first
// start), is refused with errTaken, and the Update runs once more, where
// Key finds the other's key: every replica signs with the same one.
func (t *tx) AddKey(ctx context.Context, name string, key []byte) error {
	if err := t.writable("add key"); err != nil {
		return err
	}
	var one int
	err := t.queryRow(ctx, `INSERT INTO keys (name, value, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO NOTHING RETURNING 1`, name, key, t.now().UnixNano()).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("name %w", t.note(errTaken))
	}
	if err != nil {
		return fmt.Errorf("postgres: add key %s: %w", name, err)
	}
	return nil
}
