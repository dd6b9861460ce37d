package outbox

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// recordBatch bounds how many results one transaction records.
const recordBatch = 256

// notifyLinger is how long a notifier's delivery result waits for others
// to be recorded with it.
const notifyLinger = 50 * time.Millisecond

// recordLoop writes results as they come, as many per transaction as are
// waiting, until results is closed. Results the store refuses are held and
// tried again after a backoff (see unrecorded).
func (d *dispatcher) recordLoop() {
	// Notifications are not in a hurry: their results wait a moment for
	// company, so that a burst costs the single SQLite writer a few
	// commits instead of one per event, and the handoffs themselves keep
	// the writer.
	linger := time.Duration(0)
	if d.patient {
		linger = notifyLinger
	}
	held := &unrecorded{clock: d.cfg.Clock}
	defer held.stop()
	for {
		select {
		case first, ok := <-d.results:
			if !ok {
				d.recordAtExit(held)
				return
			}
			d.recordAndRelease(d.gather(first, linger), held)
		case <-held.due():
			d.recordAndRelease(held.take(), held)
		}
	}
}

// gather collects the results waiting behind first, up to recordBatch,
// waiting at most linger for more.
//
// The linger is kept in real time, not on Config.Clock, like the engine's
// yield to its writes: it is a pause of the sender, batching I/O, not a
// time of the domain. On a test's clock, which moves only when the test
// says, a notifier's result would wait for the test to move time before
// its stream could go on (backoffs and retries do use Config.Clock).
func (d *dispatcher) gather(first delivery, linger time.Duration) []delivery {
	batch := []delivery{first}
	var deadline <-chan time.Time
	if linger > 0 {
		timer := time.NewTimer(linger)
		defer timer.Stop()
		deadline = timer.C
	}
	for len(batch) < recordBatch {
		if deadline == nil {
			select {
			case r, ok := <-d.results:
				if !ok {
					return batch
				}
				batch = append(batch, r)
			default:
				return batch
			}
			continue
		}
		select {
		case r, ok := <-d.results:
			if !ok {
				return batch
			}
			batch = append(batch, r)
		case <-deadline:
			return batch
		}
	}
	return batch
}

// recordAndRelease records a batch and ends the turns of the entries
// recorded; those the store refused are held, their streams still in
// flight, so that nothing sent is sent again while the store cannot say so.
func (d *dispatcher) recordAndRelease(batch []delivery, held *unrecorded) {
	var recorded, refused, fenced []delivery
	err := d.record(batch)
	if err == nil {
		recorded = batch
	} else {
		// One bad result must not cost the others their record.
		for _, r := range batch {
			e := err
			if len(batch) > 1 {
				e = d.record([]delivery{r})
			}
			r.recordTries++
			if e == nil || d.abandonRecord(r, e) {
				recorded = append(recorded, r)
				continue
			}
			if d.cfg.Fenced(e) {
				fenced = append(fenced, r)
				continue
			}
			refused, err = append(refused, r), e
		}
	}
	// The store's health is told before any stream moves on, so that
	// what follows a recorded entry never sees a stale fault.
	if len(refused) > 0 {
		d.cfg.RecordFault(d.dest, err)
		held.hold(refused)
		d.cfg.Log.Error("record delivery; the entries wait, in flight, for the store to take their result",
			"destination", d.dest, "entries", len(refused), "first", refused[0].entry.ID, "tries", held.tries+1, "err", err)
	} else if held.recorded() {
		d.cfg.RecordFault(d.dest, nil)
	}
	d.releaseAll(recorded)
	d.dropFenced(fenced)
}

// maxRecordTries is how often a result is tried before its entry is
// marked failed: a store that stays full that long needs an operator, and
// the stream behind the entry must not wait for ever.
const maxRecordTries = 10

// abandonRecord marks r's entries failed, alone, when recording r failed
// for good (Unrecordable) or too often; it reports whether it did. An entry
// whose result can never be recorded would otherwise hold its stream and
// the store's health for ever.
func (d *dispatcher) abandonRecord(r delivery, cause error) bool {
	if !d.cfg.Unrecordable(cause) && r.recordTries < maxRecordTries {
		return false
	}
	ctx := d.recordCtx
	err := d.cfg.Store.Record(ctx, func(tx RecordTx) error {
		for _, e := range append([]Entry{r.entry}, r.merged...) {
			if err := tx.MarkFailed(ctx, e.ID, r.at, "result not recorded: "+cause.Error()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		d.cfg.Log.Error("mark an entry failed whose result cannot be recorded", "destination", d.dest, "entry", r.entry.ID, "err", err)
		return false
	}
	d.cfg.Log.Error("GAVE UP recording a delivery result; the entry is marked failed (it may have been sent) and its stream moves on",
		"destination", d.dest, "op", r.entry.Op, "entry", r.entry.ID, "tries", r.recordTries, "sent", r.err == nil, "err", cause)
	return true
}

// releaseAll ends the turns of recorded entries.
func (d *dispatcher) releaseAll(batch []delivery) {
	for i := range batch {
		// An entry from a read may have others behind it that nobody
		// announced (written before a restart); one handed over from
		// memory has them in behind.
		r := &batch[i]
		d.release(&r.entry, !r.fromMemory || r.err != nil || len(r.merged) > 0)
	}
}

// recordAtExit tries the held results once more when the sender stops.
// What the store still refuses stays in the outbox undelivered: it is sent
// again after the next start, once more at most.
func (d *dispatcher) recordAtExit(held *unrecorded) {
	rs := held.take()
	if len(rs) == 0 {
		return
	}
	if err := d.record(rs); err != nil {
		d.cfg.Log.Warn("stopping with deliveries the store did not record; they are sent again after the next start",
			"destination", d.dest, "entries", len(rs), "err", err)
	}
	d.releaseAll(rs)
}

// record stores the results of a batch of sends in one transaction. The
// metrics of deliveries are told once it commits.
func (d *dispatcher) record(batch []delivery) error {
	ctx := d.recordCtx
	var after []func()
	err := d.cfg.Store.Record(ctx, func(tx RecordTx) error {
		after = after[:0]
		for i := range batch {
			if err := d.recordOne(ctx, tx, &batch[i], &after); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, f := range after {
		f()
	}
	return nil
}

// recordOne records one result: delivered (with the entries merged into
// it), given up, or to retry after the destination's wait or a backoff.
func (d *dispatcher) recordOne(ctx context.Context, tx RecordTx, r *delivery, after *[]func()) error {
	entry, err, now := &r.entry, r.err, r.at
	var retry *RetryAfterError
	var permanent *PermanentError
	switch {
	case err == nil:
		return d.recordDelivered(ctx, tx, r, after)
	case errors.As(err, &permanent) || now.Sub(entry.CreatedAt) > d.cfg.MaxAge:
		d.cfg.Observer.DeliveryFailed(d.dest, entry.Op, "permanent")
		d.cfg.Log.Error("delivery failed for good", "destination", d.dest, "op", entry.Op, "entry", entry.ID, "attempts", entry.Attempts+1, "err", err)
		if err := tx.MarkFailed(ctx, entry.ID, now, err.Error()); err != nil {
			return err
		}
		return tx.GaveUp(ctx, entry, err)
	case errors.As(err, &retry):
		d.cfg.Observer.DeliveryFailed(d.dest, entry.Op, "rate_limited")
		d.cfg.Log.Warn("destination asked to slow down", "destination", d.dest, "entry", entry.ID, "retry_after", retry.After)
		return tx.MarkRetry(ctx, entry.ID, now.Add(retry.After), err.Error())
	default:
		d.cfg.Observer.DeliveryFailed(d.dest, entry.Op, "retry")
		wait := backoff(entry.Attempts)
		d.cfg.Log.Warn("delivery failed; will retry", "destination", d.dest, "op", entry.Op, "entry", entry.ID, "attempts", entry.Attempts+1, "retry_in", wait, "err", err)
		return tx.MarkRetry(ctx, entry.ID, now.Add(wait), err.Error())
	}
}

// recordDelivered marks an entry and those merged into it delivered, and
// keeps what the delivery learned.
func (d *dispatcher) recordDelivered(ctx context.Context, tx RecordTx, r *delivery, after *[]func()) error {
	obs, op, now := d.cfg.Observer, r.entry.Op, r.at
	for _, e := range append([]Entry{r.entry}, r.merged...) {
		delay := now.Sub(e.CreatedAt)
		*after = append(*after, func() { obs.Delivered(d.dest, op, delay) })
		if err := tx.MarkDelivered(ctx, e.ID, now); err != nil {
			return err
		}
	}
	return tx.Delivered(ctx, &r.entry, r.receipt)
}

// backoff is exponential from 1s, capped at 5 minutes, with ±20% jitter so
// that entries failing together do not retry together.
func backoff(attempts int) time.Duration {
	d := time.Second << min(attempts, 9)
	d = min(d, 5*time.Minute)
	jitter := 0.8 + 0.4*rand.Float64()
	return time.Duration(float64(d) * jitter)
}
