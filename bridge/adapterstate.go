package bridge

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// AdapterStateTx is the adapters' own durable key-value space inside a
// transaction: what an adapter must remember across restarts that is none
// of the core's business (a platform's update offset, the last message
// read in a channel, a user's messaging window). Each adapter writes only
// under its namespace, so two adapters never share a key.
type AdapterStateTx interface {
	// AdapterState returns the value kept under namespace and key, ""
	// when there is none.
	AdapterState(ctx context.Context, namespace, key string) (string, error)
	// PutAdapterState creates or replaces the value under namespace and key.
	PutAdapterState(ctx context.Context, namespace, key, value string) error
	// DeleteAdapterState removes the value; removing a missing one is no
	// error.
	DeleteAdapterState(ctx context.Context, namespace, key string) error
}

// AdapterState is one adapter's handle on its namespace of the store's
// adapter state: the durable port an adapter gets from Engine.AdapterState
// instead of the whole Store. Each call is a transaction of its own.
type AdapterState struct {
	engine    *Engine // read at each call, so taking a handle never dereferences it
	namespace string
}

// AdapterState returns the durable key-value space of the adapter named
// namespace (by convention its kind: "telegram", "console").
func (e *Engine) AdapterState(namespace string) *AdapterState {
	return &AdapterState{engine: e, namespace: namespace}
}

// Get returns the value under key, "" when there is none.
func (s *AdapterState) Get(ctx context.Context, key string) (string, error) {
	var v string
	err := s.engine.store.View(ctx, func(tx Tx) error {
		var err error
		v, err = tx.AdapterState(ctx, s.namespace, key)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("read %s state %s: %w", s.namespace, key, err)
	}
	return v, nil
}

// Put creates or replaces the value under key.
func (s *AdapterState) Put(ctx context.Context, key, value string) error {
	return s.PutAll(ctx, map[string]string{key: value})
}

// PutAll writes several keys in one transaction: all of them or none.
func (s *AdapterState) PutAll(ctx context.Context, values map[string]string) error {
	keys := slices.Sorted(maps.Keys(values))
	err := s.engine.write(ctx, func(tx Tx) error {
		for _, k := range keys {
			if err := tx.PutAdapterState(ctx, s.namespace, k, values[k]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write %s state %v: %w", s.namespace, keys, err)
	}
	return nil
}

// Delete removes the value under key.
func (s *AdapterState) Delete(ctx context.Context, key string) error {
	if err := s.engine.write(ctx, func(tx Tx) error { return tx.DeleteAdapterState(ctx, s.namespace, key) }); err != nil {
		return fmt.Errorf("delete %s state %s: %w", s.namespace, key, err)
	}
	return nil
}

// Modify replaces the value under key with what fn makes of it ("" when
// there is none), in one transaction: no other write to the store comes
// between the read and the write, so concurrent Modifys of one key never
// lose an update. An error from fn changes nothing and is returned.
func (s *AdapterState) Modify(ctx context.Context, key string, fn func(old string) (string, error)) error {
	err := s.engine.write(ctx, func(tx Tx) error {
		old, err := tx.AdapterState(ctx, s.namespace, key)
		if err != nil {
			return err
		}
		v, err := fn(old)
		if err != nil || v == old {
			return err
		}
		return tx.PutAdapterState(ctx, s.namespace, key, v)
	})
	if err != nil {
		return fmt.Errorf("modify %s state %s: %w", s.namespace, key, err)
	}
	return nil
}
