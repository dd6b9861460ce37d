package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/handoffbridge/handoff/bridge/outbox"
)

// The engine's side of package outbox: the ports it delivers through. The
// outbox schedules, paces, merges, records and retries; what an entry
// means (which adapter performs it, what its success teaches the store,
// whom its failure concerns) stays here.

func (e *Engine) newOutbox() *outbox.Outbox {
	cfg := outbox.Config{
		Store:       outboxStore{e},
		Clock:       outboxClock{e.clock},
		Log:         e.log,
		Observer:    e.obs,
		Merger:      deliveryMerger{e},
		Concurrency: e.opts.DeliveryConcurrency,
		MaxAge:      e.opts.MaxDeliveryAge,
		Yield:       e.yieldToEvents,
		// What a result needs is gone (a handoff row deleted): no retry
		// brings it back.
		Unrecordable: func(err error) bool { return errors.Is(err, ErrNotFound) },
		RecordFault: func(d Destination, err error) {
			if err != nil {
				e.storeFaults.set(d, err)
			} else {
				e.storeFaults.clear(d)
			}
		},
	}
	e.sharedOutbox(&cfg)
	return outbox.New(cfg)
}

// outboxStore runs the outbox's transactions: reads on the store, and the
// recording of results as a transaction of the engine, so that what a
// result causes (a line in the thread) is delivered like any entry.
type outboxStore struct{ e *Engine }

func (s outboxStore) View(ctx context.Context, fn func(outbox.Tx) error) error {
	return s.e.store.View(ctx, func(tx Tx) error { return fn(tx) })
}

// Record runs in the background: notifications need not yield to it.
func (s outboxStore) Record(ctx context.Context, fn func(outbox.RecordTx) error) error {
	return s.e.updateInBackground(ctx, func(w *work) error { return fn(recordTx{Tx: w.tx, w: w}) })
}

// recordTx is the engine's transaction as the outbox records in it.
type recordTx struct {
	Tx
	w *work
}

func (r recordTx) Delivered(ctx context.Context, entry *OutboxEntry, receipt outbox.Receipt) error {
	s, _ := receipt.(sent)
	return r.w.e.keep(ctx, r.w, entry, s)
}

func (r recordTx) GaveUp(ctx context.Context, entry *OutboxEntry, cause error) error {
	return r.w.reportFailure(ctx, entry, cause)
}

// outboxClock is the engine's clock for the outbox.
type outboxClock struct{ Clock }

func (c outboxClock) NewTimer(d time.Duration) outbox.Timer { return c.Clock.NewTimer(d) }

// destinationSender performs the entries of one destination through its
// adapter, paced by the adapter's policy if it has one.
type destinationSender struct {
	e      *Engine
	policy RatePolicy
}

func (s destinationSender) Pace(ctx context.Context, entry *OutboxEntry) error {
	if s.policy == nil {
		return nil
	}
	return s.policy.Wait(ctx, parcelOf(entry))
}

func (s destinationSender) Send(ctx context.Context, entry *OutboxEntry) (outbox.Receipt, error) {
	return s.e.send(ctx, entry)
}

// threadMerger joins thread posts queued behind one another into one post
// of many lines, so that a rate-limited thread catches up.
type threadMerger struct{}

func (threadMerger) Mergeable(entry *OutboxEntry) bool { return entry.Op == OpThreadPost }

// Merge joins the posts of the same handoff's thread that follow head.
func (threadMerger) Merge(head OutboxEntry, queued []OutboxEntry) (OutboxEntry, int) {
	var p ThreadPayload
	if err := decode(&head, &p); err != nil {
		return head, 0
	}
	joined := 0
	for _, q := range queued {
		var next ThreadPayload
		if q.Op != OpThreadPost || decode(&q, &next) != nil || next.Handoff != p.Handoff {
			break
		}
		p.Posts = append(p.Posts, next.Posts...)
		joined++
	}
	if joined == 0 {
		return head, 0
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return head, 0
	}
	head.Payload = raw
	return head, joined
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
