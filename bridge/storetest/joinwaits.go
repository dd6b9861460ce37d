package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// testJoinWaits: the times to join of a team's latest joined handoffs,
// newest request first, from each one's first join; handoffs never joined
// and other teams' are left out.
func testJoinWaits(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	var supported bool
	view(t, s, func(tx bridge.Tx) error { _, supported = tx.(bridge.JoinWaitsTx); return nil })
	if !supported {
		t.Skip("the store's transactions are no bridge.JoinWaitsTx")
	}
	conv := seedConversation(t, s, "join-waits")
	join := func(team bridge.TeamID, took ...time.Duration) {
		h := bridge.Handoff{ConversationID: conv, Team: team, State: bridge.StatePending, CreatedAt: t0, UpdatedAt: t0}
		seedHandoff(t, s, &h)
		update(t, s, func(tx bridge.Tx) error {
			for _, d := range took {
				if err := tx.AddHandoffEvent(ctx, &bridge.HandoffEvent{HandoffID: h.ID, Kind: bridge.EventJoined,
					From: bridge.StatePending, To: bridge.StateActive, At: t0.Add(d)}); err != nil {
					return err
				}
			}
			return tx.AddHandoffEvent(ctx, &bridge.HandoffEvent{HandoffID: h.ID, Kind: bridge.EventResolved, At: t0.Add(time.Hour)})
		})
	}
	join("support", time.Minute)
	join("support", 5*time.Minute, time.Minute*2) // requeued and joined again: the first join counts
	join("support")                               // never joined
	join("sales", 7*time.Minute)
	join("support", 3*time.Minute)

	var got []time.Duration
	view(t, s, func(tx bridge.Tx) error {
		jt := tx.(bridge.JoinWaitsTx)
		var err error
		got, err = jt.RecentJoinWaits(ctx, "support", 10)
		if err != nil {
			return err
		}
		if two, err := jt.RecentJoinWaits(ctx, "support", 2); err != nil || !slices.Equal(two, []time.Duration{3 * time.Minute, 2 * time.Minute}) {
			t.Errorf("RecentJoinWaits(support, 2) = %v, %v; want [3m 2m]", two, err)
		}
		return nil
	})
	if want := []time.Duration{3 * time.Minute, 2 * time.Minute, time.Minute}; !slices.Equal(got, want) {
		t.Errorf("RecentJoinWaits(support, 10) = %v, want %v", got, want)
	}
}
