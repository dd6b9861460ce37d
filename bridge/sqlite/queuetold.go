package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/handoffbridge/handoff/bridge"
)

// QueueTold reads what h's user was last told of their place.
func (t *tx) QueueTold(ctx context.Context, h bridge.HandoffID) (bridge.QueueTold, error) {
	var told bridge.QueueTold
	var at sql.NullInt64
	err := t.queryRow(ctx, `SELECT queue_place, queue_text_place, queue_text_at FROM handoffs WHERE id = ?`, int64(h)).
		Scan(&told.Place, &told.TextPlace, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return told, fmt.Errorf("sqlite: queue place told of handoff %s: %w", h, bridge.ErrNotFound)
	}
	if err != nil {
		return told, fmt.Errorf("sqlite: queue place told of handoff %s: %w", h, err)
	}
	told.TextAt = timeOf(at)
	return told, nil
}

// SetQueueTold writes next in one conditional UPDATE that matches only
// while the stored value is still prev.
func (t *tx) SetQueueTold(ctx context.Context, h bridge.HandoffID, prev, next bridge.QueueTold) (bool, error) {
	if err := t.writable("set queue place told"); err != nil {
		return false, err
	}
	res, err := t.exec(ctx,
		`UPDATE handoffs SET queue_place = ?, queue_text_place = ?, queue_text_at = ?
		 WHERE id = ? AND queue_place = ? AND queue_text_place = ? AND queue_text_at IS ?`,
		next.Place, next.TextPlace, nanos(next.TextAt),
		int64(h), prev.Place, prev.TextPlace, nanos(prev.TextAt))
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil {
			return n == 1, nil
		}
	}
	return false, fmt.Errorf("sqlite: set queue place told of handoff %s: %w", h, err)
}
