package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var offerContracts = []contract{
	{"OfferKeptAndTimed", testOfferKeptAndTimed},
}

// testOfferKeptAndTimed: a handoff's offer is kept whole, and its deadline
// is a timer like the SLA deadline: NextDeadline and DueHandoffs see the
// earlier of the two, and an offer withdrawn stops its timer.
func testOfferKeptAndTimed(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	d1, d2 := t0.Add(time.Minute), t0.Add(2*time.Minute)
	offer := bridge.HandoffOffer{To: "ben", Name: "Ben", Deadline: d1, Tried: []bridge.AgentID{"ana", "ben"}}
	offered := &bridge.Handoff{State: bridge.StatePending, Deadline: d2.Add(time.Hour), Offer: offer}
	slaOnly := &bridge.Handoff{State: bridge.StatePending, Deadline: d2}
	for _, h := range []*bridge.Handoff{slaOnly, offered} {
		seedHandoff(t, s, h)
	}
	view(t, s, func(tx bridge.Tx) error {
		got, err := tx.Handoff(ctx, offered.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got.Offer.Tried, offer.Tried) || got.Offer.To != "ben" || got.Offer.Name != "Ben" || !got.Offer.Deadline.Equal(d1) {
			t.Errorf("stored offer = %+v, want %+v", got.Offer, offer)
		}
		if d, ok, err := tx.NextDeadline(ctx); err != nil || !ok || !d.Equal(d1) {
			t.Errorf("NextDeadline = %v, %v, %v; want the offer's %v", d, ok, err, d1)
		}
		for _, tt := range []struct {
			now  time.Time
			want []bridge.HandoffID
		}{
			{d1.Add(-1), nil},
			{d1, []bridge.HandoffID{offered.ID}},
			{d2, []bridge.HandoffID{offered.ID, slaOnly.ID}},
		} {
			hs, err := tx.DueHandoffs(ctx, tt.now, 0)
			if err != nil {
				return err
			}
			if got := ids(hs, handoffID); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DueHandoffs(%v) = %v, want %v", tt.now.Sub(t0), got, tt.want)
			}
		}
		return nil
	})
	withdrawn := *offered
	withdrawn.Offer = bridge.HandoffOffer{Tried: offer.Tried}
	update(t, s, func(tx bridge.Tx) error {
		ok, err := tx.UpdateHandoff(ctx, &withdrawn, bridge.StatePending, "")
		if !ok && err == nil {
			t.Error("UpdateHandoff of the offer did not write")
		}
		return err
	})
	view(t, s, func(tx bridge.Tx) error {
		if d, ok, err := tx.NextDeadline(ctx); err != nil || !ok || !d.Equal(d2) {
			t.Errorf("NextDeadline after the offer ended = %v, %v, %v; want %v", d, ok, err, d2)
		}
		got, err := tx.Handoff(ctx, offered.ID)
		if err == nil && (got.Offer.To != "" || !got.Offer.Deadline.IsZero() || len(got.Offer.Tried) != 2) {
			t.Errorf("offer after it ended = %+v", got.Offer)
		}
		return err
	})
}
