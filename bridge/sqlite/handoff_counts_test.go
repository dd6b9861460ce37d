package sqlite

import (
	"context"
	"reflect"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

func TestHandoffCounts(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		conv := seedConversation(t, s, "c")
		update(t, s, func(tx bridge.Tx) error {
			for _, h := range []bridge.Handoff{
				{Team: "sales", State: bridge.StatePending},
				{Team: "support", State: bridge.StateResolved},
				{Team: "support", State: bridge.StateResolved},
				{Team: "support", State: bridge.StateActive},
			} {
				h.ConversationID = conv
				if err := tx.CreateHandoff(ctx, &h); err != nil {
					return err
				}
			}
			return nil
		})
		view(t, s, func(tx bridge.Tx) error {
			got, err := tx.HandoffCounts(ctx)
			if err != nil {
				return err
			}
			want := []bridge.HandoffCount{
				{Team: "sales", State: bridge.StatePending, N: 1},
				{Team: "support", State: bridge.StateActive, N: 1},
				{Team: "support", State: bridge.StateResolved, N: 2},
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("HandoffCounts = %+v, want %+v", got, want)
			}
			return nil
		})
	})
}
