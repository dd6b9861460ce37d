package outbox

import (
	"context"
	"fmt"
	"slices"
)

// Batch is what one transaction of the engine enqueues: once the
// transaction commits, Committed tells the senders; if it does not,
// Abandoned frees what was reserved for it. Use a Batch for one
// transaction only.
type Batch struct {
	o *Outbox
	// woken lists the streams each destination got entries in, for the
	// senders to read.
	woken map[Destination][]string
	// ready are entries that head their streams, reserved with their
	// senders, to hand over from memory.
	ready []readyEntry
}

// readyEntry is an entry to hand to its sender after the commit.
type readyEntry struct {
	sender *dispatcher
	gen    uint64 // the sender's hold it was reserved in
	entry  Entry
}

// Batch starts the batch of a transaction.
func (o *Outbox) Batch() *Batch { return &Batch{o: o} }

// Enqueue stores e in tx, the transaction of the change that causes it.
func (b *Batch) Enqueue(ctx context.Context, tx Tx, e *Entry) error {
	if err := tx.Enqueue(ctx, e); err != nil {
		return fmt.Errorf("enqueue %s for %s: %w", e.Op, e.Destination, err)
	}
	ok, err := b.handOver(ctx, tx, e)
	if err != nil || ok {
		return err
	}
	if b.woken == nil {
		b.woken = map[Destination][]string{}
	}
	b.woken[e.Destination] = append(b.woken[e.Destination], e.Stream)
	return nil
}

// handOver reserves entry's stream with its sender when entry is the
// stream's head, so that it goes to the sender straight from memory once
// committed, instead of the sender reading it back: one read transaction
// less per message. ok is false when the stream has an older entry or its
// sender is busy with it; the sender then finds the entry in the store.
func (b *Batch) handOver(ctx context.Context, tx Tx, entry *Entry) (ok bool, err error) {
	sender := b.o.dispatchers[entry.Destination]
	if sender == nil || sender.patient || slices.Contains(b.woken[entry.Destination], entry.Stream) {
		// A notifier is in no hurry (it waits for a gap anyway): the
		// event's transaction does not spend a query on it.
		return false, nil
	}
	for _, r := range b.ready {
		if r.entry.Destination == entry.Destination && r.entry.Stream == entry.Stream {
			return false, nil // queued behind one of this transaction's own
		}
	}
	older, err := tx.PendingBefore(ctx, entry.Destination, entry.Stream, entry.ID)
	if err != nil {
		return false, fmt.Errorf("enqueue %s for %s: %w", entry.Op, entry.Destination, err)
	}
	if older {
		return false, nil
	}
	gen, ok := sender.reserve(entry.Stream)
	if !ok {
		return false, nil
	}
	b.ready = append(b.ready, readyEntry{sender: sender, gen: gen, entry: *entry})
	return true, nil
}

// Committed hands the batch's entries to their senders: from memory those
// reserved, and the streams of the others to read.
func (b *Batch) Committed() {
	for _, r := range b.ready {
		r.sender.offer(r.gen, r.entry)
	}
	for d, streams := range b.woken {
		if sender := b.o.dispatchers[d]; sender != nil && !sender.touch(streams) {
			b.o.cfg.Elsewhere(d)
		}
	}
}

// Abandoned frees the streams reserved for a transaction that rolled back:
// what they hold is read from the store.
func (b *Batch) Abandoned() {
	for _, r := range b.ready {
		r.sender.unreserve(r.gen, r.entry.Stream)
	}
}
