package rig

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// runEvery calls poll at once and then every interval until ctx ends.
func runEvery(ctx context.Context, interval time.Duration, poll func(context.Context)) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		poll(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// pollSignal wakes the waiters of a poller after each of its polls.
type pollSignal struct {
	mu      sync.Mutex
	changed chan struct{}
}

// polled tells the waiters that a poll has ended.
func (p *pollSignal) polled() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.changed != nil {
		close(p.changed)
	}
	p.changed = make(chan struct{})
}

// waitFor blocks until cond holds (checked after every poll) or ctx ends;
// who and what name the wait in its error.
func (p *pollSignal) waitFor(ctx context.Context, who, what string, cond func() bool) error {
	for {
		p.mu.Lock()
		if p.changed == nil {
			p.changed = make(chan struct{})
		}
		ch := p.changed
		p.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("%s: waiting for %s: %w", who, what, context.Cause(ctx))
		}
	}
}

// runOnChange calls poll at once and then at each change of a fake (changed
// gives the channel closed by its next change) until ctx ends.
func runOnChange(ctx context.Context, changed func() <-chan struct{}, poll func()) {
	for {
		ch := changed()
		poll()
		select {
		case <-ctx.Done():
			return
		case <-ch:
		}
	}
}
