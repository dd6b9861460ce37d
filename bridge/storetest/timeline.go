package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var timelineContracts = []contract{
	{"HandoffTimeline", testHandoffTimeline},
	{"Leads", testLeads},
}

// testHandoffTimeline: a handoff's events come back in the order they were
// written, whatever their times, and only its own.
func testHandoffTimeline(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	h, other := &bridge.Handoff{State: bridge.StatePending}, &bridge.Handoff{State: bridge.StatePending}
	seedHandoff(t, s, h)
	seedHandoff(t, s, other)
	events := []bridge.HandoffEvent{
		{HandoffID: h.ID, Kind: bridge.EventRequested, Actor: "user", To: bridge.StatePending, At: t0.Add(time.Minute)},
		{HandoffID: h.ID}, // zero values; At from the clock
		{HandoffID: h.ID, Kind: bridge.EventJoined, Actor: "ana", From: bridge.StatePending, To: bridge.StateActive,
			Note: "on it", At: t0.Add(-time.Minute)}, // written last, listed last even though older
	}
	update(t, s, func(tx bridge.Tx) error {
		if err := tx.AddHandoffEvent(ctx, &bridge.HandoffEvent{HandoffID: other.ID, Kind: bridge.EventRequested}); err != nil {
			return err
		}
		for i := range events[:2] {
			if err := tx.AddHandoffEvent(ctx, &events[i]); err != nil {
				return err
			}
		}
		return nil
	})
	// A later transaction appends.
	update(t, s, func(tx bridge.Tx) error { return tx.AddHandoffEvent(ctx, &events[2]) })
	if !events[1].At.Equal(clock.Now()) {
		t.Errorf("zero At filled with %v, want the clock's", events[1].At)
	}
	view(t, s, func(tx bridge.Tx) error {
		got, err := tx.HandoffEvents(ctx, h.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, events) {
			t.Errorf("HandoffEvents =\n%+v\nwant\n%+v", got, events)
		}
		if none, err := tx.HandoffEvents(ctx, 9999); err != nil || len(none) != 0 {
			t.Errorf("HandoffEvents(missing) = %v, %v; want none and no error", none, err)
		}
		return nil
	})
}

// testLeads: leads come back newest first, every field kept.
func testLeads(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	h := &bridge.Handoff{State: bridge.StateFallback}
	seedHandoff(t, s, h)
	leads := []bridge.Lead{
		{}, // zero values
		{HandoffID: h.ID, ConversationID: h.ConversationID, Team: "sales", Name: "Zoë", Email: "z@example.com",
			Phone: "+351 000", Message: "call me", CreatedAt: t0.Add(-time.Hour)},
		{Name: "third"},
	}
	update(t, s, func(tx bridge.Tx) error {
		for i := range leads {
			if err := tx.AddLead(ctx, &leads[i]); err != nil {
				return err
			}
			if leads[i].ID == 0 {
				t.Errorf("AddLead did not set the id")
			}
		}
		return nil
	})
	if !leads[0].CreatedAt.Equal(clock.Now()) {
		t.Errorf("zero CreatedAt filled with %v, want the clock's", leads[0].CreatedAt)
	}
	view(t, s, func(tx bridge.Tx) error {
		all, err := tx.Leads(ctx, 0)
		if err != nil {
			return err
		}
		want := []bridge.Lead{leads[2], leads[1], leads[0]}
		if !reflect.DeepEqual(all, want) {
			t.Errorf("Leads =\n%+v\nwant\n%+v", all, want)
		}
		two, err := tx.Leads(ctx, 2)
		if err != nil || !reflect.DeepEqual(two, want[:2]) {
			t.Errorf("Leads(2) = %+v, %v; want the newest two", two, err)
		}
		return nil
	})
}
