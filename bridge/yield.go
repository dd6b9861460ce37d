package bridge

import (
	"context"
	"sync"
	"time"
)

// notifyYieldMax bounds how long notifications wait for the engine's
// writes to pause: during a burst of handoffs, agents still hear of a
// waiting user within seconds.
const notifyYieldMax = 2 * time.Second

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

// yieldToEvents waits until no event is being written, or until the oldest
// of the entries about to go out has waited notifyYieldMax, or ctx ends.
func (e *Engine) yieldToEvents(ctx context.Context, due []OutboxEntry) {
	quiet := e.writing.quietC()
	select {
	case <-quiet:
		return
	default:
	}
	oldest := due[0].CreatedAt
	for _, d := range due[1:] {
		if d.CreatedAt.Before(oldest) {
			oldest = d.CreatedAt
		}
	}
	wait := oldest.Add(notifyYieldMax).Sub(e.clock.Now())
	if wait <= 0 {
		return
	}
	t := e.clock.NewTimer(wait)
	defer t.Stop()
	select {
	case <-quiet:
	case <-t.C():
	case <-ctx.Done():
	}
}
