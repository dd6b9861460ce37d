package outbox

import (
	"context"
	"sync"
	"time"
)

// fullScanEvery bounds how long a busy sender goes without looking at every
// stream, so that a retry coming due is not starved by fresh traffic.
const fullScanEvery = time.Second

// look is what one pass of the sender reads: every stream or only the
// streams with news, and the entries handed over from memory.
type look struct {
	full    bool
	streams []string
	ready   []Entry
}

// run sends until ctx ends, or once drained, and returns when every send
// it started is recorded (or given back).
func (d *dispatcher) run(ctx context.Context) {
	d.results = make(chan delivery, 2*d.cfg.Concurrency)
	d.recordCtx = context.WithoutCancel(ctx)
	sem := make(chan struct{}, d.cfg.Concurrency)
	var wg sync.WaitGroup
	recorded := make(chan struct{})
	go func() { defer close(recorded); d.recordLoop() }()
	defer func() {
		wg.Wait() // every send has handed its result over
		close(d.results)
		<-recorded
	}()
	for ctx.Err() == nil {
		l := d.takeNews(d.cfg.Clock.Now())
		due, err := d.readDue(ctx, l, 2*cap(sem)+64)
		started, ok := d.startAll(ctx, l.ready, due, sem, &wg)
		if !ok {
			return
		}
		if started > 0 {
			continue // look again at once: more may be due
		}
		if d.pause(ctx, l.full, err) {
			return
		}
	}
}

// takeNews takes what changed since the last look.
func (d *dispatcher) takeNews(now time.Time) look {
	d.mu.Lock()
	defer d.mu.Unlock()
	clear(d.finished)
	l := look{full: d.fullScan || now.Sub(d.lastFull) >= fullScanEvery, ready: d.ready}
	l.streams = make([]string, 0, len(d.dirty))
	for s := range d.dirty {
		l.streams = append(l.streams, s)
	}
	clear(d.dirty)
	if l.full {
		d.fullScan, d.lastFull = false, now
	}
	d.ready = nil
	return l
}

// readDue reads the due heads the look asks for. After an error the next
// look reads every stream.
func (d *dispatcher) readDue(ctx context.Context, l look, limit int) ([]Entry, error) {
	now := d.cfg.Clock.Now()
	if d.patient && (l.full || len(l.streams) > 0 || len(l.ready) > 0) {
		// A notifier waits for a gap before anything, its reads included.
		d.cfg.Yield(ctx)
		now = d.cfg.Clock.Now()
	}
	var due []Entry
	var err error
	if l.full {
		due, err = d.dueEverywhere(ctx, now, limit)
	} else if len(l.streams) > 0 {
		due, err = d.dueIn(ctx, l.streams, now)
	}
	if err != nil {
		if ctx.Err() == nil {
			d.cfg.Log.Error("read outbox", "destination", d.dest, "err", err)
		}
		d.lookEverywhere()
	}
	return due, err
}

// startAll starts a send for each entry whose stream is free, entries from
// memory first (their streams are reserved for them). ok is false when ctx
// ended while waiting for a free slot.
func (d *dispatcher) startAll(ctx context.Context, ready, due []Entry, sem chan struct{}, wg *sync.WaitGroup) (started int, ok bool) {
	for i := range len(ready) + len(due) {
		var entry Entry
		fromMemory := i < len(ready)
		if fromMemory {
			entry = ready[i]
		} else if entry = due[i-len(ready)]; !d.claim(&entry) {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return started, false
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
	return started, true
}

// pause waits, when a look started nothing, for news, for the next retry
// to come due, or for ctx to end. It reports true when the sender is
// drained and must stop.
func (d *dispatcher) pause(ctx context.Context, fullLook bool, readErr error) (stop bool) {
	idle, draining := d.idle()
	next, hasNext := d.nextTry(ctx, idle, readErr)
	if draining && idle && (!hasNext || next.After(d.cfg.Clock.Now())) {
		return true
	}
	var fire <-chan time.Time
	if hasNext && idle {
		wait := next.Sub(d.cfg.Clock.Now())
		if wait <= 0 && !fullLook {
			// Came due while this look was made (the clock moved on): look
			// everywhere at once rather than arm a timer for a time
			// already past.
			d.lookEverywhere()
			return false
		}
		timer := d.cfg.Clock.NewTimer(d.pollCap(max(wait, time.Millisecond)))
		defer timer.Stop()
		fire = timer.C()
	} else if d.cfg.PollEvery > 0 {
		timer := d.cfg.Clock.NewTimer(d.cfg.PollEvery)
		defer timer.Stop()
		fire = timer.C()
	}
	select {
	case <-ctx.Done():
	case <-d.wakeC:
	case <-fire:
		d.lookEverywhere() // a retry came due: it is in no dirty stream
	}
	return false
}

// nextTry is when the next retry comes due. Only an idle sender asks the
// store; a busy one is woken by its own deliveries. After a failed read,
// it is a second from now.
func (d *dispatcher) nextTry(ctx context.Context, idle bool, readErr error) (next time.Time, ok bool) {
	if readErr != nil {
		return d.cfg.Clock.Now().Add(time.Second), true
	}
	if !idle {
		return time.Time{}, false
	}
	err := d.cfg.Store.View(ctx, func(tx Tx) error {
		var err error
		next, ok, err = tx.NextOutboxTry(ctx, d.dest)
		return err
	})
	if err != nil {
		if ctx.Err() == nil {
			d.cfg.Log.Error("read outbox", "destination", d.dest, "err", err)
		}
		return d.cfg.Clock.Now().Add(time.Second), true
	}
	return next, ok
}

// dueEverywhere reads the due heads of every stream.
func (d *dispatcher) dueEverywhere(ctx context.Context, now time.Time, limit int) ([]Entry, error) {
	var due []Entry
	err := d.cfg.Store.View(ctx, func(tx Tx) error {
		var err error
		due, err = tx.DueOutbox(ctx, d.dest, now, limit)
		return err
	})
	return due, err
}

// dueIn reads the heads of the given streams, keeping those that are due:
// a point lookup each, instead of a look at every stream.
func (d *dispatcher) dueIn(ctx context.Context, streams []string, now time.Time) ([]Entry, error) {
	var due []Entry
	err := d.cfg.Store.View(ctx, func(tx Tx) error {
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
