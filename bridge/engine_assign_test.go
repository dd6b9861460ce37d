package bridge_test

import (
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// An offer's deadline is stored: one that passed while the bridge was down
// passes the request to the next available agent at start, and the SLA
// window still runs.
func TestOfferPassedWhileDown(t *testing.T) {
	h := newHarness(t, func(s *bridge.Settings) {
		s.Teams["support"].Assignment, s.Teams["support"].OfferTimeout = bridge.AssignRoundRobin, time.Minute
		s.Teams["support"].SLA = time.Hour
	})
	for _, a := range []string{"U-ANA", "U-BOB"} {
		if _, err := h.engine.Handle(h.ctx, bridge.AgentStatusChange{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: a},
			Status: bridge.StatusAvailable}); err != nil {
			t.Fatal(err)
		}
	}
	hid := h.say(webUser, "1", "talk to a human").Handoff
	h.thread(hid)
	if got := h.handoff(hid); got.Offer.To != "ana" || !got.Offer.Deadline.Equal(t0.Add(time.Minute)) {
		t.Fatalf("offer before the restart: %+v", got.Offer)
	}
	h.shutdown()
	h.clock.Advance(2 * time.Minute)
	h.start()
	// Passing the offer on sets the timer for Bob's offer: wait for it.
	if err := h.clock.WaitTimer(h.ctx, t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	got := h.handoff(hid)
	if got.Offer.To != "bob" || got.State != bridge.StatePending || !got.Deadline.Equal(t0.Add(time.Hour)) {
		t.Fatalf("after the offer passed: %+v", got)
	}
}
