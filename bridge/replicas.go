package bridge

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/bridge/outbox"
)

// Replicas makes an engine one of several processes sharing its store
// (PostgreSQL). What one process did alone is then split by leases (see
// Leases and Singleton), each renewed every TTL/3, released at shutdown
// and fencing the writes made under it:
//
//   - "outbox/<destination>": one sender per outbox destination across the
//     replicas, so that each stream's order and each platform's rate
//     limits hold (see package outbox, shared.go). A replica that enqueues
//     for a destination it does not hold leaves the entry to the holder,
//     which it wakes over Fanout (OutboxTopic), and which finds it within
//     Poll all the same if the wake-up is lost.
//   - "timers": the SLA deadlines and the answers the AI owes, kept in the
//     store, are watched by one replica (see runTimers).
//
// A nil Replicas (SQLite, one process) changes nothing.
type Replicas struct {
	Leases Leases
	// Holder names this replica, unique among them.
	Holder string
	// TTL is how long a replica that died keeps a lease from the others.
	// Default 15s.
	TTL time.Duration
	// Poll is how often a lease holder looks at the store for work other
	// replicas left it (outbox entries, new deadlines). Default 500ms.
	Poll time.Duration
	// Fanout, when set, carries the outbox's wake-ups between the
	// replicas (topic OutboxTopic): Tell publishes on it, and Run wakes
	// this replica's senders on the others' notices.
	Fanout Fanout
	// Tell, when set, is told after a commit that enqueued entries for a
	// destination another replica sends for: the place to publish a
	// wake-up, on whose receipt that replica calls Engine.WakeOutbox. Nil:
	// over Fanout when there is one; else the holder finds them within
	// Poll.
	Tell func(d Destination)
}

func (r *Replicas) withDefaults() *Replicas {
	c := *r
	if c.TTL <= 0 {
		c.TTL = 15 * time.Second
	}
	if c.Poll <= 0 {
		c.Poll = 500 * time.Millisecond
	}
	return &c
}

// LeaseObserver is an optional capability of an Observer: it is told of
// each lease this replica takes and loses (metrics of holders and
// takeovers).
type LeaseObserver interface {
	LeaseAcquired(l Lease)
	LeaseLost(l Lease)
}

// leaseBook keeps the engine's singletons, for HeldLeases.
type leaseBook struct {
	mu  sync.Mutex
	all []*Singleton
}

// Singleton makes the Singleton that runs work under lease name with this
// replica's leases (a connection only one replica may keep: Telegram long
// polling, Slack Socket Mode, the Discord gateway): the Observer hears of
// it, and HeldLeases lists it. Only with Replicas.
func (e *Engine) Singleton(name string, work Runner) *Singleton {
	r := e.opts.Replicas
	if r == nil {
		r = &Replicas{} // its Run says what is missing
	}
	s := &Singleton{Name: name, Holder: r.Holder, Leases: r.Leases, TTL: r.TTL, Work: work, Logger: e.log}
	if lo, ok := e.obs.(LeaseObserver); ok {
		s.OnAcquired, s.OnLost = lo.LeaseAcquired, lo.LeaseLost
	}
	e.leases.mu.Lock()
	e.leases.all = append(e.leases.all, s)
	e.leases.mu.Unlock()
	return s
}

// HeldLeases lists the leases this replica holds now (outbox destinations,
// timers, connections made with Singleton), by name; none without
// Replicas.
func (e *Engine) HeldLeases() []Lease {
	e.leases.mu.Lock()
	defer e.leases.mu.Unlock()
	var held []Lease
	for _, s := range e.leases.all {
		if l, ok := s.Held(); ok {
			held = append(held, l)
		}
	}
	slices.SortFunc(held, func(a, b Lease) int { return strings.Compare(a.Name, b.Name) })
	return held
}

// WakeOutbox makes this replica's sender of d look at the store at once:
// another replica enqueued for it (the cross-replica wake-up's entry
// point). Nothing happens while this replica does not hold d.
func (e *Engine) WakeOutbox(d Destination) { e.outbox.Wake(d) }

// runnerFunc adapts a function to Runner.
type runnerFunc func(ctx context.Context) error

func (f runnerFunc) Run(ctx context.Context) error { return f(ctx) }

// sharedOutbox sets up the outbox of one replica among several: each
// destination is sent under its lease.
func (e *Engine) sharedOutbox(cfg *outbox.Config) {
	if e.opts.Replicas == nil {
		return
	}
	cfg.PollEvery = e.opts.Replicas.Poll
	cfg.Elsewhere = e.opts.Replicas.Tell
	if cfg.Elsewhere == nil && e.opts.Replicas.Fanout != nil {
		e.wakeups = newOutboxWakeups(e, e.opts.Replicas.Fanout)
		cfg.Elsewhere = e.wakeups.Tell
	}
	cfg.Fenced = func(err error) bool { return errors.Is(err, ErrLeaseLost) }
	cfg.Claim = func(ctx context.Context, d Destination, send func(context.Context) error) error {
		return e.Singleton("outbox/"+d.String(), runnerFunc(send)).Run(ctx)
	}
}
