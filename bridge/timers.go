package bridge

import (
	"context"
	"sync"
	"time"
)

// runTimers fires the SLA deadlines and answers what the AI owes, until
// ctx ends. Alone, it answers once at start (what a crash or a shutdown
// cut short) and sleeps until the next deadline, woken by every new one.
//
// With Replicas, one replica at a time does it, the holder of the
// "timers" lease: deadlines and unanswered messages are in the store, so
// a deadline created on a replica that died still fires, once (firing
// is a compare-and-set on the pending handoff, under its conversation's
// lease). The holder is not told of deadlines other replicas create, so
// it sleeps at most Replicas.Poll between looks; and it looks for
// unanswered messages every TTL, since a replica that died mid-turn
// leaves one behind (the conversation's lease keeps it from answering a
// turn still in progress elsewhere).
func (e *Engine) runTimers(ctx context.Context) {
	if e.opts.Replicas == nil {
		var wg sync.WaitGroup
		wg.Go(func() { e.runSLA(ctx) })
		e.answerAwaiting(ctx)
		wg.Wait()
		return
	}
	timers := e.Singleton("timers", runnerFunc(func(ctx context.Context) error {
		var wg sync.WaitGroup
		wg.Go(func() { e.runSLA(ctx) })
		e.recoverAnswers(ctx)
		wg.Wait()
		return nil
	}))
	if err := timers.Run(ctx); err != nil {
		e.log.Error("timers stopped", "err", err)
	}
}

// recoverAnswers answers what the AI owes, at once and then every TTL,
// until ctx ends.
func (e *Engine) recoverAnswers(ctx context.Context) {
	for {
		e.answerAwaiting(ctx)
		t := time.NewTimer(e.opts.Replicas.TTL)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// slaWait bounds a wait of the SLA timer: with Replicas, by the poll, so
// that a deadline another replica created is not slept past.
func (e *Engine) slaWait(d time.Duration, known bool) (time.Duration, bool) {
	if e.opts.Replicas == nil {
		return d, known
	}
	if !known {
		return e.opts.Replicas.Poll, true
	}
	return min(d, e.opts.Replicas.Poll), true
}
