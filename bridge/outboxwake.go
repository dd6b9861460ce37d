package bridge

import (
	"context"
	"sync"
	"time"
)

// OutboxTopic is the Fanout topic of the outbox's wake-ups between
// replicas: a replica that enqueued entries for a destination another
// replica sends for publishes the destination's name on it, and the
// holder's sender looks at the store at once instead of at its next poll.
const OutboxTopic = "outbox"

// publishTimeout bounds one wake-up's publication: a fan-out that does not
// answer only leaves the entries to the holder's poll.
const publishTimeout = 5 * time.Second

// outboxWakeups carries the outbox's wake-ups over Replicas.Fanout. Tell
// runs on the path of a commit, so it only notes the destination; one
// goroutine publishes, a destination once however often it was told since
// the last publication. A wake-up is a hint: lost, the poll finds the
// entries all the same.
type outboxWakeups struct {
	e       *Engine
	fanout  Fanout
	mu      sync.Mutex
	pending map[Destination]bool
	kick    chan struct{}
}

func newOutboxWakeups(e *Engine, f Fanout) *outboxWakeups {
	return &outboxWakeups{e: e, fanout: f, pending: map[Destination]bool{}, kick: make(chan struct{}, 1)}
}

// Tell notes that d got entries this replica does not send.
func (w *outboxWakeups) Tell(d Destination) {
	w.mu.Lock()
	w.pending[d] = true
	w.mu.Unlock()
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// run listens for the other replicas' wake-ups and publishes this one's
// until ctx ends.
func (w *outboxWakeups) run(ctx context.Context) {
	stop := w.fanout.Subscribe(OutboxTopic, w)
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.kick:
		}
		w.mu.Lock()
		told := w.pending
		w.pending = map[Destination]bool{}
		w.mu.Unlock()
		for d := range told {
			w.publish(ctx, d)
		}
	}
}

func (w *outboxWakeups) publish(ctx context.Context, d Destination) {
	pctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	if err := w.fanout.Publish(pctx, OutboxTopic, []byte(d.String())); err != nil && ctx.Err() == nil {
		w.e.log.Warn("cannot wake the outbox's sender on another replica; it finds the entries at its next poll",
			"destination", d, "err", err)
	}
}

// Notice is another replica's wake-up: this replica's sender of the
// destination, if it holds it, looks at the store.
func (w *outboxWakeups) Notice(payload []byte) {
	d, err := ParseDestination(string(payload))
	if err != nil {
		w.e.log.Warn("outbox wake-up for no known destination", "payload", string(payload), "err", err)
		return
	}
	w.e.WakeOutbox(d)
}

// Resync: wake-ups may have been lost while the listener was away; every
// sender this replica holds looks at the store.
func (w *outboxWakeups) Resync() { w.e.outbox.WakeAll() }
