package bridgetest

import (
	"context"
	"fmt"
	"sync"

	"github.com/handoffbridge/handoff/internal/waitfor"
)

// recorder is a list that tests can wait on: every append wakes the waiters.
type recorder[T any] struct {
	mu      sync.Mutex
	items   []T
	changes waitfor.Changes
}

func (r *recorder[T]) add(v T) {
	r.mu.Lock()
	r.items = append(r.items, v)
	r.mu.Unlock()
	r.changes.Notify()
}

// Last returns the last element of s, or the zero value when s is empty.
func Last[T any](s []T) T {
	var zero T
	if len(s) == 0 {
		return zero
	}
	return s[len(s)-1]
}

func (r *recorder[T]) all() []T {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]T(nil), r.items...)
}

// waitFor blocks until ok holds for the recorded items, or ctx ends. The
// bound on a ctx without a deadline is a guard against a hung test, not a
// synchronisation device.
func (r *recorder[T]) waitFor(ctx context.Context, what string, ok func([]T) bool) ([]T, error) {
	var items []T
	if err := r.changes.Until(ctx, what, func() bool {
		items = r.all()
		return ok(items)
	}); err != nil {
		return items, fmt.Errorf("%w (have %d items)", err, len(items))
	}
	return items, nil
}

// failures is a queue of errors to return from the next calls.
type failures struct {
	mu   sync.Mutex
	errs []error
}

func (f *failures) push(errs ...error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, errs...)
}

func (f *failures) next() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.errs) == 0 {
		return nil
	}
	err := f.errs[0]
	f.errs = f.errs[1:]
	return err
}
