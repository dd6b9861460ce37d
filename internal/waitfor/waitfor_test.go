package waitfor

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// counter is state with a Changes, as a fake keeps it.
type counter struct {
	mu      sync.Mutex
	n       int
	changes Changes
}

func (c *counter) add() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	c.changes.Notify()
}

func (c *counter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// TestUntilSeesEveryChange: changes from many goroutines, racing the
// waiter, all reach it: none is lost between a check and the wait.
func TestUntilSeesEveryChange(t *testing.T) {
	const writers, each = 8, 200
	var c counter
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range each {
				c.add()
			}
		})
	}
	checks := 0
	err := c.changes.Until(t.Context(), "every increment", func() bool {
		checks++
		return c.get() == writers*each
	})
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if checks > writers*each+1 {
		t.Errorf("%d checks for %d changes: more than one per change", checks, writers*each)
	}
}

// TestUntilWaitsForTheSignal: a condition that holds only after a change
// is not met before it, and is met once the change is signalled.
func TestUntilWaitsForTheSignal(t *testing.T) {
	var c counter
	checked := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		done <- c.changes.Until(t.Context(), "one", func() bool {
			select {
			case checked <- struct{}{}:
			default:
			}
			return c.get() == 1
		})
	}()
	<-checked // the first check has run and failed
	select {
	case err := <-done:
		t.Fatalf("Until returned %v before the change", err)
	default:
	}
	c.add()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestUntilEndsWithItsContext(t *testing.T) {
	var c counter
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := c.changes.Until(ctx, "never", func() bool { return false })
	if !errors.Is(err, context.Canceled) || err.Error() != "waiting for never: context canceled" {
		t.Errorf("Until with a cancelled context = %v, want it named and wrapping context.Canceled", err)
	}
	ctx, cancel = context.WithTimeout(t.Context(), time.Millisecond)
	defer cancel()
	if err := c.changes.Until(ctx, "never", func() bool { return false }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Until past its deadline = %v, want DeadlineExceeded", err)
	}
}
