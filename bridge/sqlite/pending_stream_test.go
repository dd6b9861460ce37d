package sqlite

import (
	"context"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

func TestPendingInStream(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		d := bridge.WorkspaceDestination(bridge.WorkspaceSlack)
		var ids []bridge.OutboxID
		update(t, s, func(tx bridge.Tx) error {
			for _, stream := range []string{"a", "b", "a", "a", "a"} {
				e := &bridge.OutboxEntry{Destination: d, Stream: stream, Op: bridge.OpThreadPost, Payload: []byte(`{}`)}
				if err := tx.Enqueue(ctx, e); err != nil {
					return err
				}
				ids = append(ids, e.ID)
			}
			// The first is delivered and the fourth failed: neither is pending.
			if err := tx.MarkDelivered(ctx, ids[0], time.Now()); err != nil {
				return err
			}
			return tx.MarkFailed(ctx, ids[3], time.Now(), "gone")
		})
		view(t, s, func(tx bridge.Tx) error {
			got, err := tx.PendingInStream(ctx, d, "a", 10)
			if err != nil {
				return err
			}
			if len(got) != 2 || got[0].ID != ids[2] || got[1].ID != ids[4] {
				t.Errorf("pending in a = %+v, want entries %d and %d", got, ids[2], ids[4])
			}
			one, err := tx.PendingInStream(ctx, d, "a", 1)
			if err == nil && (len(one) != 1 || one[0].ID != ids[2]) {
				t.Errorf("limit 1 = %+v", one)
			}
			return err
		})
	})
}
