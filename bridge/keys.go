package bridge

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
)

// KeysTx keeps the secret keys the bridge makes for itself (the key that
// signs widget session tokens when none is configured): created once,
// never changed, so that what they signed stays valid across restarts.
// They are kept in the store's own file, which is private to the bridge
// (0600); they are never logged.
type KeysTx interface {
	// Key returns the key named name, or an error wrapping ErrNotFound.
	Key(ctx context.Context, name string) ([]byte, error)
	// AddKey stores a new key under name. A name already taken is an
	// error: a key is never replaced.
	AddKey(ctx context.Context, name string, key []byte) error
}

// keySize is the length of a generated key: 256 bits.
const keySize = 32

// Key returns the secret key named name, made with crypto/rand and stored
// the first time it is asked for.
func (e *Engine) Key(ctx context.Context, name string) ([]byte, error) {
	var key []byte
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		key, err = tx.Key(ctx, name)
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		key = make([]byte, keySize)
		_, _ = rand.Read(key) // crypto/rand.Read never fails (Go 1.24+)
		return tx.AddKey(ctx, name, key)
	})
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", name, err)
	}
	return key, nil
}
