package enginetest

import (
	"context"
	"sync"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// NewEngine makes an engine with o, failing the test if o is refused.
func NewEngine(t testing.TB, o bridge.Options) *bridge.Engine {
	t.Helper()
	e, err := bridge.New(o)
	if err != nil {
		t.Fatalf("new engine: %v", err)
	}
	return e
}

// Start runs each runner in its own goroutine on a context derived from
// ctx. The returned stop cancels that context and returns once every
// runner has returned; it is for harnesses that stop and start the bridge
// within a test, the others use Run.
func Start(ctx context.Context, runners ...bridge.Runner) (stop func()) {
	runCtx, cancel := context.WithCancel(ctx)
	var running sync.WaitGroup
	for _, r := range runners {
		running.Go(func() { _ = r.Run(runCtx) })
	}
	return func() {
		cancel()
		running.Wait()
	}
}

// Run starts runners as Start does and stops them when the test ends.
// ctx is usually context.WithoutCancel(t.Context()), so that they run
// until this cleanup stops them rather than stopping on their own as the
// test's context ends.
func Run(t testing.TB, ctx context.Context, runners ...bridge.Runner) {
	t.Cleanup(Start(ctx, runners...))
}

// Idle is an engine on st that is never run and answers every question
// with nothing: what tests of an adapter's own keys and state (which the
// adapter reaches through the Engine) need of it.
func Idle(t testing.TB, st bridge.Store) *bridge.Engine {
	t.Helper()
	return NewEngine(t, bridge.Options{Store: st, Responder: bridge.ResponderFunc(
		func(context.Context, bridge.Question) (bridge.Reply, error) { return bridge.Reply{}, nil })})
}
