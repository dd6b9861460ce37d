// Package waitfor lets a test wait until a condition holds on state that
// changes under it (a fake's recorded calls, a client's frames) without
// polling and without sleeping: the state's owner signals each change, and
// the waiter checks its condition again at each signal. A deadline bounds
// every wait, as the mark of a hung test, never as a way to let time pass.
package waitfor

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// DefaultBound is how long Until waits when its context has no deadline.
const DefaultBound = 20 * time.Second

// Changes tells waiters that some state has changed. The zero value is
// ready to use; it is safe for concurrent use.
type Changes struct {
	mu   sync.Mutex
	next chan struct{} // closed by the next Notify; nil until someone asks
}

// Notify wakes everyone waiting for a change. Call it after every change
// of the watched state; it may be called with the state's lock held.
func (c *Changes) Notify() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.next != nil {
		close(c.next)
		c.next = nil
	}
}

// Next returns a channel that is closed by the next Notify. Take it before
// reading the state, so that a change after the read is not missed.
func (c *Changes) Next() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.next == nil {
		c.next = make(chan struct{})
	}
	return c.next
}

// Until blocks until cond holds, checking it at once and after every
// Notify, or until ctx ends; a ctx without a deadline gets DefaultBound.
// cond runs on the caller's goroutine with no lock of Changes held; what
// names the condition in the error.
func (c *Changes) Until(ctx context.Context, what string, cond func() bool) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultBound)
		defer cancel()
	}
	for {
		next := c.Next()
		if cond() {
			return nil
		}
		select {
		case <-next:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		}
	}
}
