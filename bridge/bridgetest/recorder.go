package bridgetest

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// recorder is a list that tests can wait on: every append wakes the waiters.
type recorder[T any] struct {
	mu      sync.Mutex
	items   []T
	changed chan struct{}
}

func (r *recorder[T]) add(v T) {
	r.mu.Lock()
	r.items = append(r.items, v)
	ch := r.changed
	r.changed = nil
	r.mu.Unlock()
	if ch != nil {
		close(ch)
	}
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
// timeout is a guard against a hung test, not a synchronisation device.
func (r *recorder[T]) waitFor(ctx context.Context, what string, ok func([]T) bool) ([]T, error) {
	if _, has := ctx.Deadline(); !has {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
	}
	for {
		// Snapshot and wake-up channel are taken together, so an append
		// after the snapshot always wakes us; ok runs unlocked, so a failing
		// check cannot leave the recorder locked.
		r.mu.Lock()
		items := append([]T(nil), r.items...)
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		ch := r.changed
		r.mu.Unlock()
		if ok(items) {
			return items, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return items, fmt.Errorf("waiting for %s: %w (have %d items)", what, ctx.Err(), len(items))
		}
	}
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
