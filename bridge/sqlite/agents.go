package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// SetAgentStatus records agent's status, replacing the one before.
func (t *tx) SetAgentStatus(ctx context.Context, agent bridge.AgentID, s bridge.AgentStatus, at time.Time) error {
	if err := t.writable("set agent status"); err != nil {
		return err
	}
	_, err := t.exec(ctx,
		`INSERT INTO agent_status (agent, status, updated_at) VALUES (?, ?, ?)
		 ON CONFLICT (agent) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
		string(agent), string(s), fill(at, t.now()).UnixNano())
	if err != nil {
		return fmt.Errorf("sqlite: set status of agent %s: %w", agent, err)
	}
	return nil
}

// AgentStatuses maps every agent who ever set a status to it.
func (t *tx) AgentStatuses(ctx context.Context) (map[bridge.AgentID]bridge.AgentStatus, error) {
	rows, err := t.query(ctx, `SELECT agent, status FROM agent_status`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: agent statuses: %w", err)
	}
	defer rows.Close()
	out := map[bridge.AgentID]bridge.AgentStatus{}
	for rows.Next() {
		var a, s string
		if err := rows.Scan(&a, &s); err != nil {
			return nil, fmt.Errorf("sqlite: agent statuses: %w", err)
		}
		out[bridge.AgentID(a)] = bridge.AgentStatus(s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: agent statuses: %w", err)
	}
	return out, nil
}

// ActiveHandoffCounts maps every owner of an active handoff to how many
// they own.
func (t *tx) ActiveHandoffCounts(ctx context.Context) (map[bridge.AgentID]int, error) {
	rows, err := t.query(ctx, `SELECT owner, COUNT(*) FROM handoffs WHERE state = 'active' GROUP BY owner`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: active handoff counts: %w", err)
	}
	defer rows.Close()
	out := map[bridge.AgentID]int{}
	for rows.Next() {
		var a string
		var n int
		if err := rows.Scan(&a, &n); err != nil {
			return nil, fmt.Errorf("sqlite: active handoff counts: %w", err)
		}
		out[bridge.AgentID(a)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: active handoff counts: %w", err)
	}
	return out, nil
}
