package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// SetAgentStatus records agent's status, replacing the one before.
func (t *tx) SetAgentStatus(ctx context.Context, agent bridge.AgentID, s bridge.AgentStatus, at time.Time) error {
	if err := t.writable("set agent status"); err != nil {
		return err
	}
	if at.IsZero() {
		at = t.now()
	}
	_, err := t.exec(ctx,
		`INSERT INTO agent_status (agent, status, updated_at) VALUES ($1, $2, $3)
		 ON CONFLICT (agent) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
		string(agent), string(s), at.UnixNano())
	if err != nil {
		return fmt.Errorf("postgres: set status of agent %s: %w", agent, err)
	}
	return nil
}

// AgentStatuses maps every agent who ever set a status to it.
func (t *tx) AgentStatuses(ctx context.Context) (map[bridge.AgentID]bridge.AgentStatus, error) {
	rows, err := t.query(ctx, `SELECT agent, status FROM agent_status`)
	if err != nil {
		return nil, fmt.Errorf("postgres: agent statuses: %w", err)
	}
	type row struct{ a, s string }
	rs, err := collect(t, rows, func(r pgx.Rows) (row, error) {
		var v row
		err := r.Scan(&v.a, &v.s)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: agent statuses: %w", err)
	}
	out := make(map[bridge.AgentID]bridge.AgentStatus, len(rs))
	for _, v := range rs {
		out[bridge.AgentID(v.a)] = bridge.AgentStatus(v.s)
	}
	return out, nil
}

// ActiveHandoffCounts maps every owner of an active handoff to how many
// they own.
func (t *tx) ActiveHandoffCounts(ctx context.Context) (map[bridge.AgentID]int, error) {
	rows, err := t.query(ctx, `SELECT owner, COUNT(*) FROM handoffs WHERE state = 'active' GROUP BY owner`)
	if err != nil {
		return nil, fmt.Errorf("postgres: active handoff counts: %w", err)
	}
	type row struct {
		a string
		n int
	}
	rs, err := collect(t, rows, func(r pgx.Rows) (row, error) {
		var v row
		err := r.Scan(&v.a, &v.n)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: active handoff counts: %w", err)
	}
	out := make(map[bridge.AgentID]int, len(rs))
	for _, v := range rs {
		out[bridge.AgentID(v.a)] = v.n
	}
	return out, nil
}
