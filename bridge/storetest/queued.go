package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// testQueuedHandoffs: a team's queue as the live queue reads it is its
// pending handoffs in queue order (priority first, then oldest), the same
// as Handoffs lists them, with their conversation and request time; other
// teams' and other states' are left out, and the limit holds.
func testQueuedHandoffs(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	var supported bool
	view(t, s, func(tx bridge.Tx) error { _, supported = tx.(bridge.QueueTx); return nil })
	if !supported {
		t.Skip("the store's transactions are no bridge.QueueTx")
	}
	seed := func(team bridge.TeamID, state bridge.State, prio bridge.Priority, at time.Duration) {
		h := bridge.Handoff{Team: team, State: state, Priority: prio, CreatedAt: t0.Add(at), UpdatedAt: t0.Add(at)}
		seedHandoff(t, s, &h)
	}
	seed("queued", bridge.StatePending, bridge.PriorityNormal, 3*time.Minute)
	seed("queued", bridge.StatePending, bridge.PriorityNormal, time.Minute)
	seed("queued", bridge.StateActive, bridge.PriorityNormal, 0)
	seed("queued", bridge.StatePending, bridge.PriorityUrgent, 5*time.Minute)
	seed("elsewhere", bridge.StatePending, bridge.PriorityNormal, 0)
	seed("queued", bridge.StatePending, bridge.PriorityNormal, 2*time.Minute)

	view(t, s, func(tx bridge.Tx) error {
		want, err := tx.Handoffs(ctx, []bridge.State{bridge.StatePending}, "queued", 0)
		if err != nil {
			return err
		}
		got, err := tx.(bridge.QueueTx).QueuedHandoffs(ctx, "queued", 0)
		if err != nil {
			return err
		}
		if len(want) != 4 {
			t.Fatalf("Handoffs lists %d pending handoffs of the team, want 4", len(want))
		}
		same := slices.EqualFunc(got, want, func(q bridge.QueuedHandoff, h bridge.Handoff) bool {
			return q.ID == h.ID && q.ConversationID == h.ConversationID && q.Team == h.Team && q.CreatedAt.Equal(h.CreatedAt)
		})
		if !same {
			t.Errorf("QueuedHandoffs = %+v, want the pending handoffs in queue order %+v", got, want)
		}
		if !want[0].CreatedAt.Equal(t0.Add(5 * time.Minute)) {
			t.Errorf("the urgent handoff is not first: %+v", want[0])
		}
		two, err := tx.(bridge.QueueTx).QueuedHandoffs(ctx, "queued", 2)
		if err != nil {
			return err
		}
		if len(two) != 2 || two[0].ID != want[0].ID || two[1].ID != want[1].ID {
			t.Errorf("QueuedHandoffs(limit 2) = %+v, want the first two", two)
		}
		return nil
	})
}
