package outbox

import (
	"context"
	"time"
)

// maxMerged bounds how many queued entries go out as one delivery (the
// Merger bounds it further by length): a burst of 200 short replies to a
// user paced at one message every few seconds goes out in one or two.
const maxMerged = 200

// mergeAfter is how long an entry must have waited before the entries
// queued behind it are looked for.
const mergeAfter = 200 * time.Millisecond

// deliver paces and sends one entry, with what can join it. ok is false
// when it was not attempted or was cut off by shutdown: then nothing is
// recorded and it is sent again later.
func (d *dispatcher) deliver(ctx context.Context, entry *Entry) (res delivery, ok bool) {
	if err := d.sender.Pace(ctx, entry); err != nil {
		return res, false // shutting down: the entry stays for the next start
	}
	out, merged := d.mergeBacklog(ctx, entry)
	receipt, err := d.sender.Send(ctx, out)
	if ctx.Err() != nil && err != nil {
		return res, false // cut off by shutdown: it will be sent again after restart
	}
	return delivery{entry: *entry, merged: merged, receipt: receipt, err: err, at: d.cfg.Clock.Now()}, true
}

// mergeBacklog joins the entries queued behind entry into one delivery, in
// order (see Merger). With nothing that can join it, entry goes out alone.
func (d *dispatcher) mergeBacklog(ctx context.Context, entry *Entry) (*Entry, []Entry) {
	m := d.cfg.Merger
	if m == nil || !m.Mergeable(entry) {
		return entry, nil
	}
	// Only an entry that had to wait (a retry, or pacing) can have others
	// queued behind it; a fresh one goes out without the extra read.
	if entry.Attempts == 0 && d.cfg.Clock.Now().Sub(entry.CreatedAt) < mergeAfter {
		return entry, nil
	}
	var queued []Entry
	err := d.cfg.Store.View(ctx, func(tx Tx) error {
		var err error
		queued, err = tx.PendingInStream(ctx, d.dest, entry.Stream, maxMerged)
		return err
	})
	if err != nil || len(queued) < 2 || queued[0].ID != entry.ID {
		return entry, nil
	}
	out, joined := m.Merge(*entry, queued[1:])
	if joined <= 0 {
		return entry, nil
	}
	return &out, queued[1 : 1+min(joined, len(queued)-1)]
}
