package outbox

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Config is what an Outbox works with.
type Config struct {
	Store    Store
	Clock    Clock
	Log      *slog.Logger
	Observer Observer
	// Merger joins queued entries; nil sends every entry alone.
	Merger Merger
	// Concurrency is how many entries one destination sends at once, each
	// of a different stream.
	Concurrency int
	// MaxAge is how long an entry is retried before it is given up.
	MaxAge time.Duration
	// Yield waits for a gap between the engine's writes; notifiers call it
	// before each look at the store. Nil: they do not wait.
	Yield func(ctx context.Context)
	// RecordFault is told when the store refuses to record a destination's
	// results (err set) and when it records them again (err nil), so that
	// health checks can say so. Nil: nobody is told.
	RecordFault func(d Destination, err error)
	// Unrecordable reports whether recording a result failed for good (what
	// it needs is gone), not for a store that is full or busy: the entry is
	// then marked failed at once instead of held. Nil: only maxRecordTries
	// ends the tries.
	Unrecordable func(err error) bool

	// Claim, when set, makes this outbox one of several replicas' sharing
	// the store (see shared.go): Run sends a destination's entries only
	// inside Claim's send, which Claim runs while this replica holds the
	// destination, so that each destination has one sender across the
	// replicas. send's context is cancelled when the hold ends; results
	// are recorded with that context's values (the hold's fencing token).
	// Claim returns when ctx ends, or when send returned (drained). Nil:
	// this process alone delivers every destination.
	Claim func(ctx context.Context, d Destination, send func(ctx context.Context) error) error
	// PollEvery is how often a sender looks at the store for entries it
	// was not told of: those enqueued by another replica. 0: never (one
	// process tells its senders of everything it enqueues).
	PollEvery time.Duration
	// Elsewhere is told, after a commit, of a destination that got entries
	// while this replica does not send for it: the place for a wake-up of
	// the replica that does (see Outbox.Wake). Nil: the sender finds them
	// within PollEvery.
	Elsewhere func(d Destination)
	// Fenced reports whether recording a result was refused because this
	// replica's hold on the destination ended (its lease moved on): the
	// result is dropped, and the new holder sends the entry again. Nil:
	// no error is such a refusal.
	Fenced func(err error) bool
}

// Outbox delivers the entries of its destinations, one sender each.
// Register every destination with Add before Run.
type Outbox struct {
	cfg         Config
	dispatchers map[Destination]*dispatcher
}

// New makes an outbox with no destinations.
func New(cfg Config) *Outbox {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 1
	}
	if cfg.Yield == nil {
		cfg.Yield = func(context.Context) {}
	}
	if cfg.Unrecordable == nil {
		cfg.Unrecordable = func(error) bool { return false }
	}
	if cfg.Fenced == nil {
		cfg.Fenced = func(error) bool { return false }
	}
	if cfg.Elsewhere == nil {
		cfg.Elsewhere = func(Destination) {}
	}
	if cfg.RecordFault == nil {
		cfg.RecordFault = func(Destination, error) {}
	}
	return &Outbox{cfg: cfg, dispatchers: map[Destination]*dispatcher{}}
}

// Add registers destination d, whose entries s performs. Call before Run.
func (o *Outbox) Add(d Destination, s Sender) {
	o.dispatchers[d] = newDispatcher(&o.cfg, d, s)
}

// Run delivers until ctx ends, or, once Drain was called, until nothing is
// due and nothing is in flight.
func (o *Outbox) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, d := range o.dispatchers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if o.cfg.Claim == nil {
				d.run(ctx)
				return
			}
			d.runClaimed(ctx, o.cfg.Claim)
		}()
	}
	wg.Wait()
}

// Drain makes Run return once every destination is idle with nothing due.
func (o *Outbox) Drain() {
	for _, d := range o.dispatchers {
		d.drain()
	}
}
