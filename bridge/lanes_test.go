package bridge

import (
	"context"
	"runtime"
	"sync"
	"testing"
)

// Work for one conversation runs one at a time in arrival order; a caller
// that gives up leaves the lane usable.
func TestLanesOrderAndCancel(t *testing.T) {
	l := newLanes()
	ctx := t.Context()
	if err := l.acquire(ctx, 1); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.acquire(ctx, 1); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			l.release(1)
		}()
		// Wait until goroutine i is queued before starting the next.
		for {
			l.mu.Lock()
			n := len(l.lanes[1].waiters)
			l.mu.Unlock()
			if n == i+1 {
				break
			}
			runtime.Gosched()
		}
	}
	// A caller that gives up while waiting is removed from the queue.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.acquire(cctx, 1); err == nil {
		t.Fatal("a cancelled wait acquired the lane")
	}
	// Another conversation is not blocked by conversation 1.
	if err := l.acquire(ctx, 2); err != nil {
		t.Fatal(err)
	}
	l.release(2)

	l.release(1)
	wg.Wait()
	for i, got := range order {
		if got != i {
			t.Fatalf("order = %v, want 0..4", order)
		}
	}
	if len(l.lanes) != 0 {
		t.Fatalf("%d idle lanes kept", len(l.lanes))
	}
}
