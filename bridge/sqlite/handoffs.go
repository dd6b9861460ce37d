package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

const handoffCols = `id, conversation_id, team, state, owner, owner_name, owner_ref, priority,
	trigger_name, reason, previous_id, deadline, thread_workspace, thread_channel, thread_id,
	lead_step, lead_draft, declined, created_at, updated_at, closed_at, summary, offer, offer_deadline`

func scanHandoff(r scanner, h *bridge.Handoff) error {
	var (
		previous                                          sql.NullInt64
		deadline, created, updated, closed, offerDeadline sql.NullInt64
		draft, declined, offer                            sql.NullString
	)
	if err := r.Scan(&h.ID, &h.ConversationID, &h.Team, &h.State, &h.Owner, &h.OwnerName, &h.OwnerRef,
		&h.Priority, &h.Trigger, &h.Reason, &previous, &deadline,
		&h.Thread.Workspace, &h.Thread.Channel, &h.Thread.ThreadID,
		&h.LeadStep, &draft, &declined, &created, &updated, &closed, &h.Summary, &offer, &offerDeadline); err != nil {
		return err
	}
	if err := fromJSON(offer, &h.Offer); err != nil {
		return fmt.Errorf("offer: %w", err)
	}
	h.Offer.Deadline = timeOf(offerDeadline)
	h.Previous = bridge.HandoffID(previous.Int64)
	if err := fromJSON(draft, &h.LeadDraft); err != nil {
		return fmt.Errorf("lead draft: %w", err)
	}
	if err := fromJSON(declined, &h.Declined); err != nil {
		return fmt.Errorf("declined: %w", err)
	}
	h.Deadline, h.CreatedAt = timeOf(deadline), timeOf(created)
	h.UpdatedAt, h.ClosedAt = timeOf(updated), timeOf(closed)
	return nil
}

func scanHandoffs(rows *sql.Rows) ([]bridge.Handoff, error) {
	defer rows.Close()
	var hs []bridge.Handoff
	for rows.Next() {
		var h bridge.Handoff
		if err := scanHandoff(rows, &h); err != nil {
			return nil, err
		}
		hs = append(hs, h)
	}
	return hs, rows.Err()
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
		return fmt.Errorf("sqlite: create handoff: %w", err)
	}
	created := fill(h.CreatedAt, t.now())
	updated := fill(h.UpdatedAt, created)
	var id int64
	err = t.queryRow(ctx,
		`INSERT INTO handoffs (conversation_id, team, state, owner, owner_name, owner_ref, priority,
			priority_rank, trigger_name, reason, previous_id, deadline, thread_workspace, thread_channel,
			thread_id, lead_step, lead_draft, declined, created_at, updated_at, closed_at, summary, offer, offer_deadline)
		 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		int64(h.ConversationID), string(h.Team), string(h.State), string(h.Owner), h.OwnerName, h.OwnerRef,
		string(h.Priority), h.Priority.Rank(), h.Trigger, h.Reason, nullID(h.Previous), nanos(h.Deadline),
		string(h.Thread.Workspace), h.Thread.Channel, h.Thread.ThreadID, string(h.LeadStep), draft, declined,
		created.UnixNano(), updated.UnixNano(), nanos(h.ClosedAt), h.Summary, offer, nanos(h.Offer.Deadline)).Scan(&id)
	if err != nil {
		return fmt.Errorf("sqlite: create handoff for conversation %s: %w", h.ConversationID, err)
	}
	h.ID, h.CreatedAt, h.UpdatedAt = bridge.HandoffID(id), created, updated
	return nil
}

// Handoff returns the handoff with id.
func (t *tx) Handoff(ctx context.Context, id bridge.HandoffID) (*bridge.Handoff, error) {
	var h bridge.Handoff
	err := scanHandoff(t.queryRow(ctx, `SELECT `+handoffCols+` FROM handoffs WHERE id = ?`, int64(id)), &h)
	if err != nil {
		return nil, notFound("handoff "+id.String(), err)
	}
	return &h, nil
}

// OpenHandoff returns c's open handoff. The engine keeps at most one; should
// there be more, the newest is the one that counts.
func (t *tx) OpenHandoff(ctx context.Context, c bridge.ConversationID) (*bridge.Handoff, error) {
	var h bridge.Handoff
	err := scanHandoff(t.queryRow(ctx,
		`SELECT `+handoffCols+` FROM handoffs
		 WHERE conversation_id = ? AND state IN (?, ?, ?)
		 ORDER BY id DESC LIMIT 1`,
		int64(c), string(bridge.StatePending), string(bridge.StateActive), string(bridge.StateFallback)), &h)
	if err != nil {
		return nil, notFound("open handoff of conversation "+c.String(), err)
	}
	return &h, nil
}

// HandoffByThread finds the handoff whose thread is threadID in w.
func (t *tx) HandoffByThread(ctx context.Context, w bridge.WorkspaceKind, threadID string) (*bridge.Handoff, error) {
	what := fmt.Sprintf("handoff of thread %s/%s", w, threadID)
	if threadID == "" {
		return nil, fmt.Errorf("sqlite: %s: %w", what, bridge.ErrNotFound)
	}
	var h bridge.Handoff
	// thread_id <> '' lets SQLite use the partial index handoffs_thread.
	err := scanHandoff(t.queryRow(ctx,
		`SELECT `+handoffCols+` FROM handoffs
		 WHERE thread_workspace = ? AND thread_id = ? AND thread_id <> ''
		 ORDER BY id DESC LIMIT 1`,
		string(w), threadID), &h)
	if err != nil {
		return nil, notFound(what, err)
	}
	return &h, nil
}

// UpdateHandoff writes every mutable field of h in one conditional UPDATE
// that matches only while the stored state and owner are still expectState
// and expectOwner: of two racing Joins, the second finds the state changed
// and changes nothing. Reading first and writing after would let both win
// on a store whose transactions are not serialised.
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
		return false, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	updated := fill(h.UpdatedAt, t.now())
	res, err := t.exec(ctx,
		`UPDATE handoffs SET state = ?, owner = ?, owner_name = ?, owner_ref = ?, priority = ?,
			priority_rank = ?, team = ?, reason = ?, deadline = ?, thread_workspace = ?,
			thread_channel = ?, thread_id = ?, lead_step = ?, lead_draft = ?, declined = ?,
			updated_at = ?, closed_at = ?, summary = ?, offer = ?, offer_deadline = ?
		 WHERE id = ? AND state = ? AND owner = ?`,
		string(h.State), string(h.Owner), h.OwnerName, h.OwnerRef, string(h.Priority),
		h.Priority.Rank(), string(h.Team), h.Reason, nanos(h.Deadline), string(h.Thread.Workspace),
		h.Thread.Channel, h.Thread.ThreadID, string(h.LeadStep), draft, declined,
		updated.UnixNano(), nanos(h.ClosedAt), h.Summary, offer, nanos(h.Offer.Deadline),
		int64(h.ID), string(expectState), string(expectOwner))
	if err != nil {
		return false, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	if n == 1 {
		h.UpdatedAt = updated
		return true, nil
	}
	// Lost the race, or there is nothing to update: only the error differs,
	// and the write has already been decided, so this read is safe.
	var one int
	err = t.queryRow(ctx, `SELECT 1 FROM handoffs WHERE id = ?`, int64(h.ID)).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("sqlite: %s: %w", what, bridge.ErrNotFound)
	}
	if err != nil {
		return false, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return false, nil
}

// SetHandoffThread records the thread a workspace opened for h.
func (t *tx) SetHandoffThread(ctx context.Context, h bridge.HandoffID, ref bridge.ThreadRef) error {
	if err := t.writable("set handoff thread"); err != nil {
		return err
	}
	return t.execOne(ctx, "set thread of handoff "+h.String(),
		`UPDATE handoffs SET thread_workspace = ?, thread_channel = ?, thread_id = ? WHERE id = ?`,
		string(ref.Workspace), ref.Channel, ref.ThreadID, int64(h))
}

// queueOrder is the order of the queue: highest priority first, then
// oldest, then the id so that the order is total.
const queueOrder = ` ORDER BY priority_rank DESC, created_at, id`

// Handoffs lists the handoffs in states (all when empty) of team (all when
// empty), in queue order, at most limit (0: all).
func (t *tx) Handoffs(ctx context.Context, states []bridge.State, team bridge.TeamID, limit int) ([]bridge.Handoff, error) {
	var (
		where []string
		args  []any
	)
	if team != "" {
		where, args = append(where, "team = ?"), append(args, string(team))
	}
	if len(states) > 0 {
		where = append(where, "state IN (?"+strings.Repeat(", ?", len(states)-1)+")")
		for _, s := range states {
			args = append(args, string(s))
		}
	}
	q := `SELECT ` + handoffCols + ` FROM handoffs`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := t.query(ctx, q+queueOrder+` LIMIT ?`, append(args, limitArg(limit))...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: handoffs: %w", err)
	}
	hs, err := scanHandoffs(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: handoffs: %w", err)
	}
	return hs, nil
}

// ClosedHandoffs lists the resolved and abandoned handoffs of team (all
// when empty), most recently closed first, at most limit (0: all).
func (t *tx) ClosedHandoffs(ctx context.Context, team bridge.TeamID, limit int) ([]bridge.Handoff, error) {
	rows, err := t.query(ctx,
		`SELECT `+handoffCols+` FROM handoffs
		 WHERE (? = '' OR team = ?) AND state IN ('resolved', 'abandoned')
		 ORDER BY closed_at DESC, id DESC LIMIT ?`,
		string(team), string(team), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: closed handoffs: %w", err)
	}
	hs, err := scanHandoffs(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: closed handoffs: %w", err)
	}
	return hs, nil
}

// QueuePosition is 1 + the number of pending handoffs of h's team ahead of
// h in queue order. It uses h's priority, team and creation time as given,
// so it also answers "where would h stand".
func (t *tx) QueuePosition(ctx context.Context, h *bridge.Handoff) (int, error) {
	rank, created := h.Priority.Rank(), h.CreatedAt.UnixNano()
	var n int
	err := t.queryRow(ctx,
		`SELECT COUNT(*) FROM handoffs
		 WHERE team = ? AND state = 'pending' AND id <> ?
		   AND (priority_rank > ?
		        OR (priority_rank = ? AND (created_at < ? OR (created_at = ? AND id < ?))))`,
		string(h.Team), int64(h.ID), rank, rank, created, created, int64(h.ID)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlite: queue position of handoff %s: %w", h.ID, err)
	}
	return n + 1, nil
}

// NextDeadline is the earliest deadline of a pending handoff.
func (t *tx) NextDeadline(ctx context.Context) (time.Time, bool, error) {
	var d sql.NullInt64
	// The literal 'pending' and IS NOT NULL match the partial index
	// handoffs_deadline.
	err := t.queryRow(ctx,
		`SELECT MIN(d) FROM (
			SELECT MIN(deadline) AS d FROM handoffs WHERE state = 'pending' AND deadline IS NOT NULL
			UNION ALL
			SELECT MIN(offer_deadline) FROM handoffs WHERE state = 'pending' AND offer_deadline IS NOT NULL)`).Scan(&d)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("sqlite: next deadline: %w", err)
	}
	return timeOf(d), d.Valid, nil
}

// DueHandoffs lists pending handoffs whose deadline is at or before now,
// earliest deadline first.
func (t *tx) DueHandoffs(ctx context.Context, now time.Time, limit int) ([]bridge.Handoff, error) {
	rows, err := t.query(ctx,
		`SELECT `+handoffCols+` FROM handoffs
		 WHERE state = 'pending' AND (deadline <= ? OR offer_deadline <= ?)
		 ORDER BY MIN(COALESCE(deadline, offer_deadline), COALESCE(offer_deadline, deadline)), id LIMIT ?`,
		now.UnixNano(), now.UnixNano(), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: due handoffs: %w", err)
	}
	hs, err := scanHandoffs(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: due handoffs: %w", err)
	}
	return hs, nil
}

var _ bridge.QueueTx = (*tx)(nil)

// QueuedHandoffs lists team's pending handoffs in queue order, at most
// limit (0: all), with only what a place in the queue needs.
func (t *tx) QueuedHandoffs(ctx context.Context, team bridge.TeamID, limit int) ([]bridge.QueuedHandoff, error) {
	rows, err := t.query(ctx, `SELECT id, conversation_id, team, created_at FROM handoffs
		WHERE team = ? AND state = 'pending'`+queueOrder+` LIMIT ?`, string(team), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: queued handoffs: %w", err)
	}
	defer rows.Close()
	var out []bridge.QueuedHandoff
	for rows.Next() {
		var q bridge.QueuedHandoff
		var created sql.NullInt64
		if err := rows.Scan(&q.ID, &q.ConversationID, &q.Team, &created); err != nil {
			return nil, fmt.Errorf("sqlite: queued handoffs: %w", err)
		}
		q.CreatedAt = timeOf(created)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: queued handoffs: %w", err)
	}
	return out, nil
}
