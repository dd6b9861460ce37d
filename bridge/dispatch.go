package bridge

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// dispatcher sends one destination's outbox entries. Entries of one stream
// go one at a time, in order; different streams go in parallel, up to the
// engine's DeliveryConcurrency. A slow or failing destination only delays
// itself.
type dispatcher struct {
	e      *Engine
	dest   Destination
	policy RatePolicy

	wakeC    chan struct{}
	mu       sync.Mutex
	inFlight map[string]bool
	// finished holds entries whose result was recorded since the current
	// read of the outbox began: that read may still list them as due.
	finished map[OutboxID]bool
	draining bool
}

func newDispatcher(e *Engine, d Destination, p RatePolicy) *dispatcher {
	return &dispatcher{e: e, dest: d, policy: p, wakeC: make(chan struct{}, 1), inFlight: map[string]bool{}, finished: map[OutboxID]bool{}}
}

func (d *dispatcher) wake() {
	select {
	case d.wakeC <- struct{}{}:
	default:
	}
}

// drain makes run return once nothing is due and nothing is in flight.
func (d *dispatcher) drain() {
	d.mu.Lock()
	d.draining = true
	d.mu.Unlock()
	d.wake()
}

func (d *dispatcher) run(ctx context.Context) {
	sem := make(chan struct{}, d.e.opts.DeliveryConcurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	for ctx.Err() == nil {
		var due []OutboxEntry
		var next time.Time
		var hasNext bool
		d.mu.Lock()
		clear(d.finished)
		d.mu.Unlock()
		err := d.e.store.View(ctx, func(tx Tx) error {
			var err error
			due, err = tx.DueOutbox(ctx, d.dest, d.e.clock.Now(), 2*cap(sem)+64)
			if err != nil {
				return err
			}
			next, hasNext, err = tx.NextOutboxTry(ctx, d.dest)
			return err
		})
		if err != nil {
			if ctx.Err() == nil {
				d.e.log.Error("read outbox", "destination", d.dest, "err", err)
			}
			hasNext, next = true, d.e.clock.Now().Add(time.Second)
		}
		started := 0
		for i := range due {
			entry := due[i]
			d.mu.Lock()
			busy := d.inFlight[entry.Stream] || d.finished[entry.ID]
			if !busy {
				d.inFlight[entry.Stream] = true
			}
			d.mu.Unlock()
			if busy {
				continue
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			started++
			wg.Add(1)
			go func() {
				defer wg.Done()
				d.deliver(ctx, &entry)
				d.mu.Lock()
				delete(d.inFlight, entry.Stream)
				d.finished[entry.ID] = true
				d.mu.Unlock()
				<-sem
				d.wake()
			}()
		}
		if started > 0 {
			continue // look again at once: more may be due
		}
		d.mu.Lock()
		idle := len(d.inFlight) == 0
		draining := d.draining
		d.mu.Unlock()
		if draining && idle && (!hasNext || next.After(d.e.clock.Now())) {
			return
		}
		var timer Timer
		var fire <-chan time.Time
		if hasNext && idle {
			timer = d.e.clock.NewTimer(max(next.Sub(d.e.clock.Now()), time.Millisecond))
			fire = timer.C()
		}
		select {
		case <-ctx.Done():
		case <-d.wakeC:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// deliver sends one entry and records the result.
func (d *dispatcher) deliver(ctx context.Context, entry *OutboxEntry) {
	if d.policy != nil {
		if err := d.policy.Wait(ctx, entry); err != nil {
			return // shutting down: the entry stays for the next start
		}
	}
	err := d.e.send(ctx, entry)
	if ctx.Err() != nil && err != nil {
		return // cut off by shutdown: it will be sent again after restart
	}
	now := d.e.clock.Now()
	var retry *RetryAfterError
	var permanent *PermanentError
	rerr := d.e.update(context.WithoutCancel(ctx), func(w *work) error {
		switch {
		case err == nil:
			obs := d.e.obs
			w.after = append(w.after, func() { obs.Delivered(d.dest, entry.Op, now.Sub(entry.CreatedAt)) })
			return w.tx.MarkDelivered(ctx, entry.ID, now)
		case errors.As(err, &permanent) || now.Sub(entry.CreatedAt) > d.e.opts.MaxDeliveryAge:
			d.e.log.Error("delivery failed for good", "destination", d.dest, "op", entry.Op, "entry", entry.ID, "attempts", entry.Attempts+1, "err", err)
			d.e.obs.DeliveryFailed(d.dest, entry.Op, "permanent")
			if err := w.tx.MarkFailed(ctx, entry.ID, now, err.Error()); err != nil {
				return err
			}
			return w.reportFailure(ctx, entry, err)
		case errors.As(err, &retry):
			d.e.obs.DeliveryFailed(d.dest, entry.Op, "rate_limited")
			d.e.log.Warn("destination asked to slow down", "destination", d.dest, "entry", entry.ID, "retry_after", retry.After)
			return w.tx.MarkRetry(ctx, entry.ID, now.Add(retry.After), err.Error())
		default:
			d.e.obs.DeliveryFailed(d.dest, entry.Op, "retry")
			wait := backoff(entry.Attempts)
			d.e.log.Warn("delivery failed; will retry", "destination", d.dest, "op", entry.Op, "entry", entry.ID, "attempts", entry.Attempts+1, "retry_in", wait, "err", err)
			return w.tx.MarkRetry(ctx, entry.ID, now.Add(wait), err.Error())
		}
	})
	if rerr != nil {
		d.e.log.Error("record delivery", "destination", d.dest, "entry", entry.ID, "err", rerr)
	}
}

// backoff is exponential from 1s, capped at 5 minutes, with ±20% jitter so
// that entries failing together do not retry together.
func backoff(attempts int) time.Duration {
	d := time.Second << min(attempts, 9)
	d = min(d, 5*time.Minute)
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * jitter)
}

// reportFailure tells the agents when a message could not reach the user.
func (w *work) reportFailure(ctx context.Context, entry *OutboxEntry, cause error) error {
	if entry.Op != OpUserMessage && entry.Op != OpUserEdit {
		return nil
	}
	var p UserMessagePayload
	if err := decode(entry, &p); err != nil || p.Handoff == 0 {
		return err
	}
	h, err := w.tx.Handoff(ctx, p.Handoff)
	if err != nil {
		return fmt.Errorf("report failed delivery: %w", err)
	}
	return w.systemLine(ctx, h, fill(w.s.Messages.DeliveryFailed, "{error}", cause.Error()))
}
