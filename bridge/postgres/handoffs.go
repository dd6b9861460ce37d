package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

const handoffCols = `id, conversation_id, team, state, owner, owner_name, owner_ref, priority,
	trigger_name, reason, previous_id, deadline, thread_workspace, thread_channel, thread_id,
	lead_step, lead_draft, declined, created_at, updated_at, closed_at, summary, offer, offer_deadline`

func scanHandoff(r pgx.Row) (bridge.Handoff, error) {
	var (
		h                               bridge.Handoff
		previous                        *int64
		deadline, closed, offerDeadline *int64
		created, updated                int64
		draft, declined, offer          []byte
	)
	if err := r.Scan(&h.ID, &h.ConversationID, &h.Team, &h.State, &h.Owner, &h.OwnerName, &h.OwnerRef,
		&h.Priority, &h.Trigger, &h.Reason, &previous, &deadline,
		&h.Thread.Workspace, &h.Thread.Channel, &h.Thread.ThreadID,
		&h.LeadStep, &draft, &declined, &created, &updated, &closed, &h.Summary, &offer, &offerDeadline); err != nil {
		return h, err
	}
	if err := fromJSON(offer, &h.Offer); err != nil {
		return h, fmt.Errorf("offer: %w", err)
	}
	h.Offer.Deadline = timeOf(offerDeadline)
	h.Previous = idOf[bridge.HandoffID](previous)
	if err := fromJSON(draft, &h.LeadDraft); err != nil {
		return h, fmt.Errorf("lead draft: %w", err)
	}
	if err := fromJSON(declined, &h.Declined); err != nil {
		return h, fmt.Errorf("declined: %w", err)
	}
	h.Deadline, h.CreatedAt = timeOf(deadline), unixTime(created)
	h.UpdatedAt, h.ClosedAt = unixTime(updated), timeOf(closed)
	return h, nil
}

func (t *tx) scanHandoffs(rows pgx.Rows) ([]bridge.Handoff, error) {
	return collect(t, rows, func(r pgx.Rows) (bridge.Handoff, error) { return scanHandoff(r) })
}

// handoffJSON encodes the JSON columns of h.
func handoffJSON(h *bridge.Handoff) (draft, declined, offer any, err error) {
	if draft, err = toJSON(h.LeadDraft, h.LeadDraft == bridge.Lead{}); err != nil {
		return nil, nil, nil, fmt.Errorf("lead draft: %w", err)
	}
	if declined, err = toJSON(h.Declined, len(h.Declined) == 0); err != nil {
		return nil, nil, nil, fmt.Errorf("declined: %w", err)
	}
	if offer, err = toJSON(h.Offer, h.Offer.IsZero()); err != nil {
		return nil, nil, nil, fmt.Errorf("offer: %w", err)
	}
	return draft, declined, offer, nil
}

// CreateHandoff stores h, sets h.ID and fills its zero creation and update
// times.
func (t *tx) CreateHandoff(ctx context.Context, h *bridge.Handoff) error {
	if err := t.writable("create handoff"); err != nil {
		return err
	}
	draft, declined, offer, err := handoffJSON(h)
	if err != nil {
		return fmt.Errorf("postgres: create handoff: %w", err)
	}
	created := fill(h.CreatedAt, t.now())
	updated := fill(h.UpdatedAt, created)
	var id int64
	err = t.queryRow(ctx,
		`INSERT INTO handoffs (conversation_id, team, state, owner, owner_name, owner_ref, priority,
			priority_rank, trigger_name, reason, previous_id, deadline, thread_workspace, thread_channel,
			thread_id, lead_step, lead_draft, declined, created_at, updated_at, closed_at, summary, offer, offer_deadline)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
		 RETURNING id`,
		int64(h.ConversationID), string(h.Team), string(h.State), string(h.Owner), h.OwnerName, h.OwnerRef,
		string(h.Priority), h.Priority.Rank(), h.Trigger, h.Reason, nullID(h.Previous), nanos(h.Deadline),
		string(h.Thread.Workspace), h.Thread.Channel, h.Thread.ThreadID, string(h.LeadStep), draft, declined,
		created.UnixNano(), updated.UnixNano(), nanos(h.ClosedAt), h.Summary, offer, nanos(h.Offer.Deadline)).Scan(&id)
	if err != nil {
		return fmt.Errorf("postgres: create handoff for conversation %s: %w", h.ConversationID, err)
	}
	h.ID, h.CreatedAt, h.UpdatedAt = bridge.HandoffID(id), created, updated
	return nil
}

// Handoff returns the handoff with id.
func (t *tx) Handoff(ctx context.Context, id bridge.HandoffID) (*bridge.Handoff, error) {
	h, err := scanHandoff(t.queryRow(ctx, `SELECT `+handoffCols+` FROM handoffs WHERE id = $1`+t.lockRow(), int64(id)))
	if err != nil {
		return nil, notFound("handoff "+id.String(), err)
	}
	return &h, nil
}

// OpenHandoff returns c's open handoff. The engine keeps at most one; should
// there be more, the newest is the one that counts.
func (t *tx) OpenHandoff(ctx context.Context, c bridge.ConversationID) (*bridge.Handoff, error) {
	h, err := scanHandoff(t.queryRow(ctx,
		`SELECT `+handoffCols+` FROM handoffs
		 WHERE conversation_id = $1 AND state IN ($2, $3, $4)
		 ORDER BY id DESC LIMIT 1`+t.lockRow(),
		int64(c), string(bridge.StatePending), string(bridge.StateActive), string(bridge.StateFallback)))
	if err != nil {
		return nil, notFound("open handoff of conversation "+c.String(), err)
	}
	return &h, nil
}

// HandoffByThread finds the handoff whose thread is threadID in w.
func (t *tx) HandoffByThread(ctx context.Context, w bridge.WorkspaceKind, threadID string) (*bridge.Handoff, error) {
	what := fmt.Sprintf("handoff of thread %s/%s", w, threadID)
	if threadID == "" {
		return nil, fmt.Errorf("postgres: %s: %w", what, bridge.ErrNotFound)
	}
	// thread_id <> '' matches the partial index handoffs_thread.
	h, err := scanHandoff(t.queryRow(ctx,
		`SELECT `+handoffCols+` FROM handoffs
		 WHERE thread_workspace = $1 AND thread_id = $2 AND thread_id <> ''
		 ORDER BY id DESC LIMIT 1`+t.lockRow(),
		string(w), threadID))
	if err != nil {
		return nil, notFound(what, err)
	}
	return &h, nil
}

// UpdateHandoff writes every mutable field of h in one conditional UPDATE
// that matches only while the stored state and owner are still expectState
// and expectOwner. Of two racing Joins, on one replica or two, the second
// UPDATE waits for the first's row lock and, once it commits, finds the
// state changed (READ COMMITTED checks the WHERE again on the newest
// version of the row) and changes nothing.
//
// It reports false when the handoff moved on, and ErrNotFound when there is
// no such handoff.
func (t *tx) UpdateHandoff(ctx context.Context, h *bridge.Handoff, expectState bridge.State, expectOwner bridge.AgentID) (bool, error) {
	if err := t.writable("update handoff"); err != nil {
		return false, err
	}
	what := "update handoff " + h.ID.String()
	draft, declined, offer, err := handoffJSON(h)
	if err != nil {
		return false, fmt.Errorf("postgres: %s: %w", what, err)
	}
	updated := fill(h.UpdatedAt, t.now())
	tag, err := t.exec(ctx,
		`UPDATE handoffs SET state = $1, owner = $2, owner_name = $3, owner_ref = $4, priority = $5,
			priority_rank = $6, team = $7, reason = $8, deadline = $9, thread_workspace = $10,
			thread_channel = $11, thread_id = $12, lead_step = $13, lead_draft = $14, declined = $15,
			updated_at = $16, closed_at = $17, summary = $18, offer = $19, offer_deadline = $20
		 WHERE id = $21 AND state = $22 AND owner = $23`,
		string(h.State), string(h.Owner), h.OwnerName, h.OwnerRef, string(h.Priority),
		h.Priority.Rank(), string(h.Team), h.Reason, nanos(h.Deadline), string(h.Thread.Workspace),
		h.Thread.Channel, h.Thread.ThreadID, string(h.LeadStep), draft, declined,
		updated.UnixNano(), nanos(h.ClosedAt), h.Summary, offer, nanos(h.Offer.Deadline),
		int64(h.ID), string(expectState), string(expectOwner))
	if err != nil {
		return false, fmt.Errorf("postgres: %s: %w", what, err)
	}
	if tag.RowsAffected() == 1 {
		h.UpdatedAt = updated
		return true, nil
	}
	// Lost the race, or there is nothing to update: only the error differs,
	// and the write has already been decided, so this read is safe.
	var one int
	err = t.queryRow(ctx, `SELECT 1 FROM handoffs WHERE id = $1`, int64(h.ID)).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, fmt.Errorf("postgres: %s: %w", what, bridge.ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return false, nil
}

// SetHandoffThread records the thread a workspace opened for h.
func (t *tx) SetHandoffThread(ctx context.Context, h bridge.HandoffID, ref bridge.ThreadRef) error {
	if err := t.writable("set handoff thread"); err != nil {
		return err
	}
	return t.execOne(ctx, "set thread of handoff "+h.String(),
		`UPDATE handoffs SET thread_workspace = $1, thread_channel = $2, thread_id = $3 WHERE id = $4`,
		string(ref.Workspace), ref.Channel, ref.ThreadID, int64(h))
}

// queueOrder is the order of the queue: highest priority first, then
// oldest, then the id so that the order is total.
const queueOrder = ` ORDER BY priority_rank DESC, created_at, id`

// Handoffs lists the handoffs in states (all when empty) of team (all when
// empty), in queue order, at most limit (0: all).
func (t *tx) Handoffs(ctx context.Context, states []bridge.State, team bridge.TeamID, limit int) ([]bridge.Handoff, error) {
	var stateArg []string // NULL: every state
	for _, s := range states {
		stateArg = append(stateArg, string(s))
	}
	rows, err := t.query(ctx,
		`SELECT `+handoffCols+` FROM handoffs
		 WHERE ($1 = '' OR team = $1) AND ($2::text[] IS NULL OR state = ANY ($2))`+queueOrder+` LIMIT $3`,
		string(team), stateArg, limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: handoffs: %w", err)
	}
	hs, err := t.scanHandoffs(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: handoffs: %w", err)
	}
	return hs, nil
}

// ClosedHandoffs lists the resolved and abandoned handoffs of team (all
// when empty), most recently closed first, at most limit (0: all).
func (t *tx) ClosedHandoffs(ctx context.Context, team bridge.TeamID, limit int) ([]bridge.Handoff, error) {
	rows, err := t.query(ctx,
		`SELECT `+handoffCols+` FROM handoffs
		 WHERE ($1 = '' OR team = $1) AND state IN ('resolved', 'abandoned')
		 ORDER BY closed_at DESC, id DESC LIMIT $2`,
		string(team), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: closed handoffs: %w", err)
	}
	hs, err := t.scanHandoffs(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: closed handoffs: %w", err)
	}
	return hs, nil
}

// QueuePosition is 1 + the number of pending handoffs of h's team ahead of
// h in queue order. It uses h's priority, team and creation time as given,
// so it also answers "where would h stand".
func (t *tx) QueuePosition(ctx context.Context, h *bridge.Handoff) (int, error) {
	var n int
	err := t.queryRow(ctx,
		`SELECT COUNT(*) FROM handoffs
		 WHERE team = $1 AND state = 'pending' AND id <> $2
		   AND (priority_rank > $3
		        OR (priority_rank = $3 AND (created_at < $4 OR (created_at = $4 AND id < $2))))`,
		string(h.Team), int64(h.ID), h.Priority.Rank(), h.CreatedAt.UnixNano()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("postgres: queue position of handoff %s: %w", h.ID, err)
	}
	return n + 1, nil
}

// NextDeadline is the earliest deadline of a pending handoff.
func (t *tx) NextDeadline(ctx context.Context) (time.Time, bool, error) {
	var d *int64
	// The literal 'pending' and IS NOT NULL match the partial index
	// handoffs_deadline.
	err := t.queryRow(ctx,
		`SELECT MIN(d) FROM (
			SELECT MIN(deadline) AS d FROM handoffs WHERE state = 'pending' AND deadline IS NOT NULL
			UNION ALL
			SELECT MIN(offer_deadline) FROM handoffs WHERE state = 'pending' AND offer_deadline IS NOT NULL) AS timers`).Scan(&d)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("postgres: next deadline: %w", err)
	}
	return timeOf(d), d != nil, nil
}

// DueHandoffs lists pending handoffs whose deadline is at or before now,
// earliest deadline first.
func (t *tx) DueHandoffs(ctx context.Context, now time.Time, limit int) ([]bridge.Handoff, error) {
	rows, err := t.query(ctx,
		`SELECT `+handoffCols+` FROM handoffs
		 WHERE state = 'pending' AND (deadline <= $1 OR offer_deadline <= $1)
		 ORDER BY LEAST(deadline, offer_deadline), id LIMIT $2`,
		now.UnixNano(), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: due handoffs: %w", err)
	}
	hs, err := t.scanHandoffs(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: due handoffs: %w", err)
	}
	return hs, nil
}

var _ bridge.QueueTx = (*tx)(nil)

// QueuedHandoffs lists team's pending handoffs in queue order, at most
// limit (0: all), with only what a place in the queue needs.
func (t *tx) QueuedHandoffs(ctx context.Context, team bridge.TeamID, limit int) ([]bridge.QueuedHandoff, error) {
	rows, err := t.query(ctx, `SELECT id, conversation_id, team, created_at FROM handoffs
		WHERE team = $1 AND state = 'pending'`+queueOrder+` LIMIT $2`, string(team), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: queued handoffs: %w", err)
	}
	qs, err := collect(t, rows, func(r pgx.Rows) (bridge.QueuedHandoff, error) {
		var q bridge.QueuedHandoff
		var created int64
		err := r.Scan(&q.ID, &q.ConversationID, &q.Team, &created)
		q.CreatedAt = unixTime(created)
		return q, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: queued handoffs: %w", err)
	}
	return qs, nil
}
