package sqlite

import (
	"context"
	"fmt"

	"github.com/handoffbridge/handoff/bridge"
)

// probeRead walks to the newest row of each busy table: the pages every
// new message, handoff and delivery is written next to. A damaged table
// fails it with "database disk image is malformed".
const probeRead = `SELECT
	(SELECT MAX(id) FROM conversations),
	(SELECT MAX(id) FROM messages),
	(SELECT MAX(id) FROM handoffs),
	(SELECT MAX(id) FROM outbox)`

const probeWrite = `INSERT INTO health (id, checked_at) VALUES (1, ?)
	ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`

// Probe checks that the store answers a cheap read of its busiest tables
// and takes a write of one row, for readiness. It does not scan the whole
// file: damage away from the newest rows shows only when those are read.
func (s *Store) Probe(ctx context.Context) error {
	return s.Update(ctx, func(btx bridge.Tx) error {
		t := btx.(*tx)
		var ids [4]*int64
		if err := t.queryRow(ctx, probeRead).Scan(&ids[0], &ids[1], &ids[2], &ids[3]); err != nil {
			return fmt.Errorf("sqlite: probe: read: %w", err)
		}
		if _, err := t.exec(ctx, probeWrite, t.now().UnixNano()); err != nil {
			return fmt.Errorf("sqlite: probe: write: %w", err)
		}
		return nil
	})
}
