package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// HandoffCounts counts handoffs by team and state.
func (t *tx) HandoffCounts(ctx context.Context) ([]bridge.HandoffCount, error) {
	rows, err := t.query(ctx, `SELECT team, state, COUNT(*) FROM handoffs GROUP BY team, state ORDER BY team, state`)
	if err != nil {
		return nil, fmt.Errorf("postgres: handoff counts: %w", err)
	}
	out, err := collect(t, rows, func(r pgx.Rows) (bridge.HandoffCount, error) {
		var c bridge.HandoffCount
		err := r.Scan(&c.Team, &c.State, &c.N)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: handoff counts: %w", err)
	}
	return out, nil
}
