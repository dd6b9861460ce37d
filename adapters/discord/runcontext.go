package discord

import (
	"context"
	"sync"
)

// runContext is the context of the gateway's current Run, for work its
// events start. Between Runs (before the first, or while another replica
// holds the gateway) it is a cancelled one: no gateway event arrives then.
type runContext struct {
	mu  sync.Mutex
	cur context.Context
}

// start begins a Run's context, derived from ctx; stop ends it.
func (r *runContext) start(ctx context.Context) (run context.Context, stop context.CancelFunc) {
	run, stop = context.WithCancel(ctx)
	r.mu.Lock()
	r.cur = run
	r.mu.Unlock()
	return run, stop
}

func (r *runContext) ctx() context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx
	}
	return r.cur
}
