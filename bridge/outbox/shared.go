package outbox

import (
	"context"
	"time"
)

// Replicas sharing one store each run an Outbox with every destination
// registered, but a destination's entries are sent by one replica at a
// time: the one whose Config.Claim runs its send (in package bridge, the
// holder of the destination's lease). One sender per destination keeps
// what a single process guarantees: each stream's entries go out one at a
// time in order, and the destination's pacing (held in the sender's
// memory) covers all of its traffic, so the platform's rate limits hold.
//
// An entry enqueued on a replica that does not send for its destination
// is not handed over from memory: the holder finds it in the store, told
// by Config.Elsewhere's wake-up when there is one, and at the latest by
// its poll (Config.PollEvery). A hold that ends (the lease lost, or the
// replica stopping) forgets what it had in memory; the next hold, here or
// on another replica, starts with a look at every stream.

// runClaimed sends d's entries while claim holds the destination, until
// ctx ends or, once draining, claim returns.
func (d *dispatcher) runClaimed(ctx context.Context, claim func(context.Context, Destination, func(context.Context) error) error) {
	claimCtx, stop := context.WithCancel(ctx)
	defer stop()
	d.mu.Lock()
	d.standby = stop
	draining := d.draining
	d.mu.Unlock()
	if draining {
		return // stopping before it ever held the destination
	}
	err := claim(claimCtx, d.dest, func(ctx context.Context) error {
		d.hold()
		defer d.letGo()
		d.run(ctx)
		return nil
	})
	if err != nil && ctx.Err() == nil {
		d.cfg.Log.Error("claim destination", "destination", d.dest, "err", err)
	}
}

// hold starts a hold on the destination: whatever an earlier hold knew is
// forgotten (another replica may have sent it since), and the first look
// reads every stream.
func (d *dispatcher) hold() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.active = true
	d.gen++
	d.reset()
}

// letGo ends the hold: entries enqueued from now on are left to the
// replica that holds the destination next.
func (d *dispatcher) letGo() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.active = false
	d.gen++
	d.reset()
}

func (d *dispatcher) reset() {
	clear(d.inFlight)
	clear(d.finished)
	clear(d.dirty)
	clear(d.behind)
	d.ready = nil
	d.fullScan = true
}

// Wake makes d's sender look at every stream at once: another replica
// enqueued for it. Nothing happens while this replica does not send for d.
func (o *Outbox) Wake(d Destination) {
	if sender := o.dispatchers[d]; sender != nil {
		sender.lookEverywhere()
		sender.wake()
	}
}

// WakeAll wakes every sender this replica holds: wake-ups from other
// replicas may have been lost.
func (o *Outbox) WakeAll() {
	for d := range o.dispatchers {
		o.Wake(d)
	}
}

// pollCap bounds a wait by the poll, when there is one: entries enqueued
// on another replica are found within it.
func (d *dispatcher) pollCap(wait time.Duration) time.Duration {
	if d.cfg.PollEvery > 0 {
		return min(wait, d.cfg.PollEvery)
	}
	return wait
}

// dropFenced ends the turns of results the store refused because this
// replica's hold ended: the entries stay due for the new holder, which
// sends them again (the one duplicate a crash also allows).
func (d *dispatcher) dropFenced(rs []delivery) {
	for i := range rs {
		d.cfg.Log.Warn("delivery result refused: another replica sends for this destination now, and sends the entry again",
			"destination", d.dest, "entry", rs[i].entry.ID)
		d.release(&rs[i].entry, true)
	}
}
