package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// AddHandoffEvent appends e to its handoff's timeline, filling a zero At.
func (t *tx) AddHandoffEvent(ctx context.Context, e *bridge.HandoffEvent) error {
	if err := t.writable("add handoff event"); err != nil {
		return err
	}
	at := fill(e.At, t.now())
	_, err := t.exec(ctx,
		`INSERT INTO handoff_events (handoff_id, kind, actor, from_state, to_state, note, at)
		 VALUES (?, ?, ?, ?, ?, ?, ?)`,
		int64(e.HandoffID), string(e.Kind), e.Actor, string(e.From), string(e.To), e.Note, at.UnixNano())
	if err != nil {
		return fmt.Errorf("sqlite: add event to handoff %s: %w", e.HandoffID, err)
	}
	e.At = at
	return nil
}

// HandoffEvents returns h's timeline in the order it was written.
func (t *tx) HandoffEvents(ctx context.Context, h bridge.HandoffID) ([]bridge.HandoffEvent, error) {
	rows, err := t.query(ctx,
		`SELECT handoff_id, kind, actor, from_state, to_state, note, at
		 FROM handoff_events WHERE handoff_id = ? ORDER BY id`, int64(h))
	if err != nil {
		return nil, fmt.Errorf("sqlite: events of handoff %s: %w", h, err)
	}
	defer rows.Close()
	var es []bridge.HandoffEvent
	for rows.Next() {
		var (
			e  bridge.HandoffEvent
			at int64
		)
		if err := rows.Scan(&e.HandoffID, &e.Kind, &e.Actor, &e.From, &e.To, &e.Note, &at); err != nil {
			return nil, fmt.Errorf("sqlite: events of handoff %s: %w", h, err)
		}
		e.At = unixTime(at)
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: events of handoff %s: %w", h, err)
	}
	return es, nil
}

// RecentJoinWaits lists the times to join (request to first join) of the
// team's latest joined handoffs, newest request first. It walks the
// handoffs from the newest and stops at limit, so it costs little however
// long the history: "+team" keeps SQLite from using handoffs_queue, which
// would read all of the team's handoffs and sort them.
func (t *tx) RecentJoinWaits(ctx context.Context, team bridge.TeamID, limit int) ([]time.Duration, error) {
	rows, err := t.query(ctx,
		`SELECT joined - created_at FROM (
		   SELECT id, created_at,
		          (SELECT MIN(e.at) FROM handoff_events e
		           WHERE e.handoff_id = h.id AND e.kind = 'handoff.joined') AS joined
		   FROM handoffs h WHERE +team = ? ORDER BY id DESC)
		 WHERE joined IS NOT NULL ORDER BY id DESC LIMIT ?`, string(team), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: join waits of team %s: %w", team, err)
	}
	defer rows.Close()
	var waits []time.Duration
	for rows.Next() {
		var ns int64
		if err := rows.Scan(&ns); err != nil {
			return nil, fmt.Errorf("sqlite: join waits of team %s: %w", team, err)
		}
		waits = append(waits, time.Duration(ns))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: join waits of team %s: %w", team, err)
	}
	return waits, nil
}

var _ bridge.JoinWaitsTx = (*tx)(nil)
