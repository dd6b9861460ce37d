package sqlite

import (
	"context"
	"fmt"

	"github.com/handoffbridge/handoff/bridge"
)

// HandoffCounts counts handoffs by team and state.
func (t *tx) HandoffCounts(ctx context.Context) ([]bridge.HandoffCount, error) {
	rows, err := t.query(ctx, `SELECT team, state, COUNT(*) FROM handoffs GROUP BY team, state ORDER BY team, state`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: handoff counts: %w", err)
	}
	defer rows.Close()
	var out []bridge.HandoffCount
	for rows.Next() {
		var c bridge.HandoffCount
		var team, state string
		if err := rows.Scan(&team, &state, &c.N); err != nil {
			return nil, fmt.Errorf("sqlite: handoff counts: %w", err)
		}
		c.Team, c.State = bridge.TeamID(team), bridge.State(state)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: handoff counts: %w", err)
	}
	return out, nil
}
