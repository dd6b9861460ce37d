package bridge

import (
	"context"
	"sync"
	"time"
)

// writeActivity tells when the engine is writing events (a user's message,
// an agent's click, an SLA timer), so that notifications can go out in the
// gaps instead of competing with the handoffs for the single SQLite writer
// and the CPU. A notification is never more urgent than the handoff it is
// about.
type writeActivity struct {
	mu    sync.Mutex
	n     int
	quiet chan struct{} // closed when n drops to 0; nil while n is 0
}

// closedQuiet is what a quiet engine hands out.
var closedQuiet = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func (a *writeActivity) enter() {
	a.mu.Lock()
	if a.n == 0 {
		a.quiet = make(chan struct{})
	}
	a.n++
	a.mu.Unlock()
}

func (a *writeActivity) leave() {
	a.mu.Lock()
	a.n--
	if a.n == 0 {
		close(a.quiet)
		a.quiet = nil
	}
	a.mu.Unlock()
}

// quietC is closed once no event is being written.
func (a *writeActivity) quietC() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.n == 0 {
		return closedQuiet
	}
	return a.quiet
}

// yieldToEvents waits until no event is being written, or for
// Options.NotifyYield, or until ctx ends.
//
// The bound is kept in real time, not on the engine's clock: it is a
// pause of the sender, not a time of the domain, and a test's clock must
// not be stopped by it.
func (e *Engine) yieldToEvents(ctx context.Context) {
	quiet := e.writing.quietC()
	select {
	case <-quiet:
		return
	default:
	}
	if e.yielding != nil {
		e.yielding()
	}
	t := time.NewTimer(e.opts.NotifyYield)
	defer t.Stop()
	select {
	case <-quiet:
	case <-t.C:
	case <-ctx.Done():
	}
}
