package bridge

import (
	"context"
	"encoding/json"
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
	// yields is set for notifiers: they go out in the gaps between the
	// events being written, up to Options.NotifyYield late.
	yields bool

	wakeC    chan struct{}
	mu       sync.Mutex
	inFlight map[string]bool
	// finished holds entries whose result was recorded since the current
	// read of the outbox began: that read may still list them as due.
	finished map[OutboxID]bool
	draining bool
	// dirty lists the streams that got a new entry or finished one since
	// the last look: usually only their heads need reading. fullScan asks
	// for a look at every stream (at start, for retries coming due, after
	// an error, and at most every fullScanEvery while busy).
	dirty    map[string]bool
	fullScan bool
	lastFull time.Time
	// ready are entries handed over from memory by the transaction that
	// wrote them (see work.handOver); their streams are reserved in
	// inFlight already.
	ready []OutboxEntry
	// behind lists the streams that got a new entry while one of theirs
	// was in flight: after it, they must be read again.
	behind map[string]bool

	// results carries finished sends to the recorder, which writes many of
	// them in one transaction: under load, one commit per batch instead of
	// one per message.
	results chan delivery
}

// delivery is the outcome of sending one entry.
type delivery struct {
	entry OutboxEntry
	// merged are the entries after entry that went out with it (thread
	// posts queued behind one another); they are delivered with it.
	merged []OutboxEntry
	sent   sent
	err    error
	at     time.Time
	// fromMemory is set for an entry handed over by the transaction that
	// wrote it: anything queued behind it was announced by touch.
	fromMemory bool
}

// recordBatch bounds how many results one transaction records.
const recordBatch = 256

// notifyLinger is how long a notifier's delivery result waits for others
// to be recorded with it.
const notifyLinger = 50 * time.Millisecond

func newDispatcher(e *Engine, d Destination, p RatePolicy) *dispatcher {
	return &dispatcher{e: e, dest: d, policy: p, wakeC: make(chan struct{}, 1), inFlight: map[string]bool{},
		finished: map[OutboxID]bool{}, results: make(chan delivery, 2*e.opts.DeliveryConcurrency),
		dirty: map[string]bool{}, behind: map[string]bool{}, fullScan: true, yields: d.Kind == DestinationNotifier}
}

// fullScanEvery bounds how long a busy sender goes without looking at every
// stream, so that a retry coming due is not starved by fresh traffic.
const fullScanEvery = time.Second

// touch marks streams as having news, and wakes the sender.
func (d *dispatcher) touch(streams []string) {
	d.mu.Lock()
	for _, s := range streams {
		d.dirty[s] = true
		if d.inFlight[s] {
			d.behind[s] = true
		}
	}
	d.mu.Unlock()
	d.wake()
}

func (d *dispatcher) wake() {
	select {
	case d.wakeC <- struct{}{}:
	default:
	}
}

// reserve marks stream as in flight for an entry about to be handed over,
// unless it already is.
func (d *dispatcher) reserve(stream string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inFlight[stream] {
		return false
	}
	d.inFlight[stream] = true
	return true
}

// offer hands over a committed entry whose stream was reserved.
func (d *dispatcher) offer(entry OutboxEntry) {
	d.mu.Lock()
	d.ready = append(d.ready, entry)
	d.mu.Unlock()
	d.wake()
}

// unreserve frees a stream reserved for an entry that was not committed.
func (d *dispatcher) unreserve(stream string) {
	d.mu.Lock()
	delete(d.inFlight, stream)
	d.dirty[stream] = true
	d.mu.Unlock()
	d.wake()
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
	recorded := make(chan struct{})
	go func() { defer close(recorded); d.recordLoop() }()
	defer func() {
		wg.Wait() // every send has handed its result over
		close(d.results)
		<-recorded
	}()
	for ctx.Err() == nil {
		var due []OutboxEntry
		var next time.Time
		var hasNext bool
		now := d.e.clock.Now()
		d.mu.Lock()
		clear(d.finished)
		full := d.fullScan || now.Sub(d.lastFull) >= fullScanEvery
		streams := make([]string, 0, len(d.dirty))
		for s := range d.dirty {
			streams = append(streams, s)
		}
		clear(d.dirty)
		if full {
			d.fullScan, d.lastFull = false, now
		}
		ready := d.ready
		d.ready = nil
		d.mu.Unlock()
		if d.yields && (full || len(streams) > 0 || len(ready) > 0) {
			// A notifier waits for a gap before anything, its reads
			// included.
			d.e.yieldToEvents(ctx)
			now = d.e.clock.Now()
		}
		var err error
		if full {
			due, err = d.dueEverywhere(ctx, now, 2*cap(sem)+64)
		} else if len(streams) > 0 {
			due, err = d.dueIn(ctx, streams, now)
		}
		if err != nil {
			if ctx.Err() == nil {
				d.e.log.Error("read outbox", "destination", d.dest, "err", err)
			}
			hasNext, next = true, d.e.clock.Now().Add(time.Second)
			d.mu.Lock()
			d.fullScan = true // look everywhere next time
			d.mu.Unlock()
		}
		started := 0
		for i := range len(ready) + len(due) {
			var entry OutboxEntry
			fromMemory := i < len(ready)
			if fromMemory {
				entry = ready[i] // its stream is reserved for it
			} else {
				entry = due[i-len(ready)]
				d.mu.Lock()
				busy := d.inFlight[entry.Stream] || d.finished[entry.ID]
				if !busy {
					d.inFlight[entry.Stream] = true
				}
				d.mu.Unlock()
				if busy {
					continue
				}
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
				res, ok := d.deliver(ctx, &entry)
				<-sem
				if !ok {
					d.release(&entry, true) // not attempted: it stays due
					return
				}
				res.fromMemory = fromMemory
				d.results <- res
			}()
		}
		if started > 0 {
			continue // look again at once: more may be due
		}
		d.mu.Lock()
		idle := len(d.inFlight) == 0
		draining := d.draining
		d.mu.Unlock()
		if idle && err == nil {
			// Only an idle sender sleeps until the next retry; a busy one is
			// woken by its own deliveries, so it need not ask.
			err = d.e.store.View(ctx, func(tx Tx) error {
				var err error
				next, hasNext, err = tx.NextOutboxTry(ctx, d.dest)
				return err
			})
			if err != nil && ctx.Err() == nil {
				d.e.log.Error("read outbox", "destination", d.dest, "err", err)
				hasNext, next = true, d.e.clock.Now().Add(time.Second)
			}
		}
		if draining && idle && (!hasNext || next.After(d.e.clock.Now())) {
			return
		}
		var timer Timer
		var fire <-chan time.Time
		if hasNext && idle {
			wait := next.Sub(d.e.clock.Now())
			if wait <= 0 && !full {
				// Came due while this look was made (the clock moved on):
				// look everywhere at once rather than arm a timer for a
				// time already past.
				d.mu.Lock()
				d.fullScan = true
				d.mu.Unlock()
				continue
			}
			timer = d.e.clock.NewTimer(max(wait, time.Millisecond))
			fire = timer.C()
		}
		select {
		case <-ctx.Done():
		case <-d.wakeC:
		case <-fire:
			d.mu.Lock()
			d.fullScan = true // a retry came due: it is in no dirty stream
			d.mu.Unlock()
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// deliver sends one entry. ok is false when it was not attempted or was cut
// off by shutdown: then nothing is recorded and it is sent again later.
func (d *dispatcher) deliver(ctx context.Context, entry *OutboxEntry) (res delivery, ok bool) {
	if d.policy != nil {
		if err := d.policy.Wait(ctx, entry); err != nil {
			return res, false // shutting down: the entry stays for the next start
		}
	}
	out, merged := d.mergeBacklog(ctx, entry)
	s, err := d.e.send(ctx, out)
	if ctx.Err() != nil && err != nil {
		return res, false // cut off by shutdown: it will be sent again after restart
	}
	return delivery{entry: *entry, merged: merged, sent: s, err: err, at: d.e.clock.Now()}, true
}

// maxMerged bounds how many queued thread posts go out as one delivery.
const maxMerged = 50

// mergeAfter is how long a post must have waited before the posts queued
// behind it are looked for.
const mergeAfter = 200 * time.Millisecond

// mergeBacklog joins the thread posts queued behind entry into one
// delivery, in order, so that a rate-limited thread (Slack's one message a
// second per channel) catches up instead of falling further behind. With
// nothing queued behind it, entry goes out alone.
func (d *dispatcher) mergeBacklog(ctx context.Context, entry *OutboxEntry) (*OutboxEntry, []OutboxEntry) {
	// Only a post that had to wait (a retry, or pacing) can have others
	// queued behind it; a fresh one goes out without the extra read.
	fresh := entry.Attempts == 0 && d.e.clock.Now().Sub(entry.CreatedAt) < mergeAfter
	if entry.Op != OpThreadPost || fresh {
		return entry, nil
	}
	var queued []OutboxEntry
	err := d.e.store.View(ctx, func(tx Tx) error {
		var err error
		queued, err = tx.PendingInStream(ctx, d.dest, entry.Stream, maxMerged)
		return err
	})
	if err != nil || len(queued) < 2 || queued[0].ID != entry.ID {
		return entry, nil
	}
	var head ThreadPayload
	if err := decode(entry, &head); err != nil {
		return entry, nil
	}
	var merged []OutboxEntry
	for _, q := range queued[1:] {
		var p ThreadPayload
		if q.Op != OpThreadPost || decode(&q, &p) != nil || p.Handoff != head.Handoff {
			break
		}
		head.Posts = append(head.Posts, p.Posts...)
		merged = append(merged, q)
	}
	if len(merged) == 0 {
		return entry, nil
	}
	raw, err := json.Marshal(head)
	if err != nil {
		return entry, nil
	}
	out := *entry
	out.Payload = raw
	return &out, merged
}

// release ends an entry's turn: its stream may send its next entry. look
// says whether to read the stream again: its next entry may be waiting, or
// (after a failure) the entry itself.
func (d *dispatcher) release(entry *OutboxEntry, look bool) {
	d.mu.Lock()
	delete(d.inFlight, entry.Stream)
	d.finished[entry.ID] = true
	if look || d.behind[entry.Stream] {
		d.dirty[entry.Stream] = true
	}
	delete(d.behind, entry.Stream)
	d.mu.Unlock()
	d.wake()
}

// dueEverywhere reads the due heads of every stream.
func (d *dispatcher) dueEverywhere(ctx context.Context, now time.Time, limit int) ([]OutboxEntry, error) {
	var due []OutboxEntry
	err := d.e.store.View(ctx, func(tx Tx) error {
		var err error
		due, err = tx.DueOutbox(ctx, d.dest, now, limit)
		return err
	})
	return due, err
}

// dueIn reads the heads of the given streams, keeping those that are due:
// a point lookup each, instead of a look at every stream.
func (d *dispatcher) dueIn(ctx context.Context, streams []string, now time.Time) ([]OutboxEntry, error) {
	var due []OutboxEntry
	err := d.e.store.View(ctx, func(tx Tx) error {
		for _, s := range streams {
			head, err := tx.PendingInStream(ctx, d.dest, s, 1)
			if err != nil {
				return err
			}
			if len(head) == 1 && !head[0].NextTry.After(now) {
				due = append(due, head[0])
			}
		}
		return nil
	})
	return due, err
}

// recordLoop writes results as they come, as many per transaction as are
// waiting, until results is closed. Results the store refuses are held and
// tried again after a backoff (see unrecorded).
func (d *dispatcher) recordLoop() {
	// Notifications are not in a hurry: their results wait a moment for
	// company, so that a burst costs the single SQLite writer a few
	// commits instead of one per event, and the handoffs themselves keep
	// the writer.
	linger := time.Duration(0)
	if d.dest.Kind == DestinationNotifier {
		linger = notifyLinger
	}
	held := &unrecorded{clock: d.e.clock}
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
	recorded, refused := batch, []delivery(nil)
	err := d.record(batch)
	if err != nil && len(batch) > 1 {
		// One bad result must not cost the others their record.
		recorded, err = nil, nil
		for _, r := range batch {
			if e := d.record([]delivery{r}); e != nil {
				refused, err = append(refused, r), e
				continue
			}
			recorded = append(recorded, r)
		}
	} else if err != nil {
		recorded, refused = nil, batch
	}
	// The store's health is told before any stream moves on, so that
	// what follows a recorded entry never sees a stale fault.
	if len(refused) > 0 {
		d.e.storeFaults.set(d.dest, err)
		held.hold(refused)
		d.e.log.Error("record delivery; the entries wait, in flight, for the store to take their result",
			"destination", d.dest, "entries", len(refused), "first", refused[0].entry.ID, "tries", held.tries+1, "err", err)
	} else if held.recorded() {
		d.e.storeFaults.clear(d.dest)
	}
	d.releaseAll(recorded)
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
		d.e.log.Warn("stopping with deliveries the store did not record; they are sent again after the next start",
			"destination", d.dest, "entries", len(rs), "err", err)
	}
	d.releaseAll(rs)
}

// record stores the results of a batch of sends in one transaction.
func (d *dispatcher) record(batch []delivery) error {
	ctx := context.Background()
	return d.e.updateInBackground(ctx, func(w *work) error {
		for i := range batch {
			if err := d.recordOne(ctx, w, &batch[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (d *dispatcher) recordOne(ctx context.Context, w *work, r *delivery) error {
	entry, err, now := &r.entry, r.err, r.at
	var retry *RetryAfterError
	var permanent *PermanentError
	switch {
	case err == nil:
		obs, op, delay := d.e.obs, entry.Op, now.Sub(entry.CreatedAt)
		w.after = append(w.after, func() { obs.Delivered(d.dest, op, delay) })
		if err := w.tx.MarkDelivered(ctx, entry.ID, now); err != nil {
			return err
		}
		for _, m := range r.merged {
			delay := now.Sub(m.CreatedAt)
			w.after = append(w.after, func() { obs.Delivered(d.dest, op, delay) })
			if err := w.tx.MarkDelivered(ctx, m.ID, now); err != nil {
				return err
			}
		}
		return d.e.keep(ctx, w, entry, r.sent)
	case errors.As(err, &permanent) || now.Sub(entry.CreatedAt) > d.e.opts.MaxDeliveryAge:
		d.e.obs.DeliveryFailed(d.dest, entry.Op, "permanent")
		d.e.log.Error("delivery failed for good", "destination", d.dest, "op", entry.Op, "entry", entry.ID, "attempts", entry.Attempts+1, "err", err)
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
