package postgres

import (
	"context"
	"fmt"

	"github.com/handoffbridge/handoff/bridge"
)

var _ bridge.StoreProber = (*Store)(nil)

// probeRead reads the newest row of each busy table: a cheap query that
// fails when the tables cannot be read.
const probeRead = `SELECT
	(SELECT MAX(id) FROM conversations),
	(SELECT MAX(id) FROM messages),
	(SELECT MAX(id) FROM handoffs),
	(SELECT MAX(id) FROM outbox)`

const probeWrite = `INSERT INTO health (id, checked_at) VALUES (1, $1)
	ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`

// Probe checks that the database answers a cheap read of the busiest
// tables and takes a write of one row, for readiness: a server that is
// down, read-only (a standby, a full disk) or out of connections fails it.
func (s *Store) Probe(ctx context.Context) error {
	return s.Update(ctx, func(btx bridge.Tx) error {
		t := btx.(*tx)
		var ids [4]*int64
		if err := t.queryRow(ctx, probeRead).Scan(&ids[0], &ids[1], &ids[2], &ids[3]); err != nil {
			return fmt.Errorf("postgres: probe: read: %w", err)
		}
		if _, err := t.exec(ctx, probeWrite, t.now().UnixNano()); err != nil {
			return fmt.Errorf("postgres: probe: write: %w", err)
		}
		return nil
	})
}
