package postgres

import (
	"context"
	"fmt"

	"github.com/handoffbridge/handoff/bridge"
)

// QueueTold reads what h's user was last told of their place. It takes
// no lock: SetQueueTold's condition decides between transactions.
func (t *tx) QueueTold(ctx context.Context, h bridge.HandoffID) (bridge.QueueTold, error) {
	var told bridge.QueueTold
	var at *int64
	err := t.queryRow(ctx, `SELECT queue_place, queue_text_place, queue_text_at FROM handoffs WHERE id = $1`, int64(h)).
		Scan(&told.Place, &told.TextPlace, &at)
	if err != nil {
		return told, notFound("queue place told of handoff "+h.String(), err)
	}
	told.TextAt = timeOf(at)
	return told, nil
}

// SetQueueTold writes next in one conditional UPDATE that matches only
// while the stored value is still prev. Of two replicas telling the same
// change, the second UPDATE waits for the first's row lock and, once it
// commits, finds the value changed (READ COMMITTED checks the WHERE again
// on the newest version of the row) and changes nothing.
func (t *tx) SetQueueTold(ctx context.Context, h bridge.HandoffID, prev, next bridge.QueueTold) (bool, error) {
	if err := t.writable("set queue place told"); err != nil {
		return false, err
	}
	tag, err := t.exec(ctx,
		`UPDATE handoffs SET queue_place = $1, queue_text_place = $2, queue_text_at = $3
		 WHERE id = $4 AND queue_place = $5 AND queue_text_place = $6 AND queue_text_at IS NOT DISTINCT FROM $7`,
		next.Place, next.TextPlace, nanos(next.TextAt),
		int64(h), prev.Place, prev.TextPlace, nanos(prev.TextAt))
	if err != nil {
		return false, fmt.Errorf("postgres: set queue place told of handoff %s: %w", h, err)
	}
	return tag.RowsAffected() == 1, nil
}
