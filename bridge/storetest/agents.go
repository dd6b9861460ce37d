package storetest

import (
	"maps"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var agentContracts = []contract{
	{"AgentStatusLastWins", testAgentStatusLastWins},
	{"ActiveHandoffCounts", testActiveHandoffCounts},
}

// testAgentStatusLastWins: an agent's latest status replaces the one
// before; agents who never set one are absent; a read-only transaction
// cannot set one.
func testAgentStatusLastWins(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	view(t, s, func(tx bridge.Tx) error {
		st, err := tx.AgentStatuses(ctx)
		if err != nil || len(st) != 0 {
			t.Errorf("AgentStatuses of a new store = %v, %v; want none", st, err)
		}
		return nil
	})
	update(t, s, func(tx bridge.Tx) error {
		if err := tx.SetAgentStatus(ctx, "ana", bridge.StatusAvailable, clock.Now()); err != nil {
			return err
		}
		return tx.SetAgentStatus(ctx, "ben", bridge.StatusAway, clock.Now())
	})
	update(t, s, func(tx bridge.Tx) error { return tx.SetAgentStatus(ctx, "ana", bridge.StatusAway, clock.Now()) })
	view(t, s, func(tx bridge.Tx) error {
		st, err := tx.AgentStatuses(ctx)
		want := map[bridge.AgentID]bridge.AgentStatus{"ana": bridge.StatusAway, "ben": bridge.StatusAway}
		if err != nil || !maps.Equal(st, want) {
			t.Errorf("AgentStatuses = %v, %v; want %v", st, err, want)
		}
		return nil
	})
	err := s.View(ctx, func(tx bridge.Tx) error { return tx.SetAgentStatus(ctx, "ana", bridge.StatusAvailable, clock.Now()) })
	if err == nil {
		t.Error("SetAgentStatus in a read-only transaction succeeded")
	}
}

// testActiveHandoffCounts: only active handoffs count, per owner, across
// teams.
func testActiveHandoffCounts(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	for _, h := range []bridge.Handoff{
		{Team: "support", State: bridge.StateActive, Owner: "ana"},
		{Team: "sales", State: bridge.StateActive, Owner: "ana"},
		{Team: "support", State: bridge.StateActive, Owner: "ben"},
		{Team: "support", State: bridge.StateResolved, Owner: "ben"},
		{Team: "support", State: bridge.StatePending},
	} {
		h.CreatedAt, h.UpdatedAt = t0, t0
		seedHandoff(t, s, &h)
	}
	view(t, s, func(tx bridge.Tx) error {
		got, err := tx.ActiveHandoffCounts(t.Context())
		want := map[bridge.AgentID]int{"ana": 2, "ben": 1}
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("ActiveHandoffCounts = %v, %v; want %v", got, err, want)
		}
		return nil
	})
}
