package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
		 VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		int64(e.HandoffID), string(e.Kind), e.Actor, string(e.From), string(e.To), e.Note, at.UnixNano())
	if err != nil {
		return fmt.Errorf("postgres: add event to handoff %s: %w", e.HandoffID, err)
	}
	e.At = at
	return nil
}

// HandoffEvents returns h's timeline in the order it was written.
func (t *tx) HandoffEvents(ctx context.Context, h bridge.HandoffID) ([]bridge.HandoffEvent, error) {
	rows, err := t.query(ctx,
		`SELECT handoff_id, kind, actor, from_state, to_state, note, at
		 FROM handoff_events WHERE handoff_id = $1 ORDER BY id`, int64(h))
	if err != nil {
		return nil, fmt.Errorf("postgres: events of handoff %s: %w", h, err)
	}
	es, err := collect(t, rows, func(r pgx.Rows) (bridge.HandoffEvent, error) {
		var (
			e  bridge.HandoffEvent
			at int64
		)
		err := r.Scan(&e.HandoffID, &e.Kind, &e.Actor, &e.From, &e.To, &e.Note, &at)
		e.At = unixTime(at)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: events of handoff %s: %w", h, err)
	}
	return es, nil
}

// RecentJoinWaits lists the times to join (request to first join) of the
// team's latest joined handoffs, newest request first, walking the team's
// handoffs from the newest and stopping at limit.
func (t *tx) RecentJoinWaits(ctx context.Context, team bridge.TeamID, limit int) ([]time.Duration, error) {
	rows, err := t.query(ctx,
		`SELECT joined - created_at FROM (
		   SELECT h.id, h.created_at,
		          (SELECT MIN(e.at) FROM handoff_events e
		           WHERE e.handoff_id = h.id AND e.kind = 'handoff.joined') AS joined
		   FROM handoffs h WHERE h.team = $1 ORDER BY h.id DESC) AS recent
		 WHERE joined IS NOT NULL ORDER BY id DESC LIMIT $2`, string(team), limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: join waits of team %s: %w", team, err)
	}
	waits, err := collect(t, rows, func(r pgx.Rows) (time.Duration, error) {
		var ns int64
		err := r.Scan(&ns)
		return time.Duration(ns), err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: join waits of team %s: %w", team, err)
	}
	return waits, nil
}

var _ bridge.JoinWaitsTx = (*tx)(nil)
