package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// testQueueTold: what a waiting user was told starts empty, is written
// only over the value it was read as (to the nanosecond), survives other
// writes of the handoff, and is refused in a read-only transaction.
func testQueueTold(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	h := bridge.Handoff{Team: "support", State: bridge.StatePending, CreatedAt: t0, UpdatedAt: t0}
	seedHandoff(t, s, &h)
	other := bridge.Handoff{Team: "support", State: bridge.StatePending, CreatedAt: t0, UpdatedAt: t0}
	seedHandoff(t, s, &other)

	read := func(id bridge.HandoffID) bridge.QueueTold {
		t.Helper()
		var told bridge.QueueTold
		view(t, s, func(tx bridge.Tx) error {
			var err error
			told, err = tx.QueueTold(ctx, id)
			return err
		})
		return told
	}
	set := func(prev, next bridge.QueueTold) bool {
		t.Helper()
		var ok bool
		update(t, s, func(tx bridge.Tx) error {
			var err error
			ok, err = tx.SetQueueTold(ctx, h.ID, prev, next)
			return err
		})
		return ok
	}
	if got := read(h.ID); got != (bridge.QueueTold{}) {
		t.Fatalf("a new handoff's queue place told = %+v, want none", got)
	}
	first := bridge.QueueTold{Place: 6, TextPlace: 6, TextAt: t0}
	if !set(bridge.QueueTold{}, first) {
		t.Fatal("the first SetQueueTold over the empty value did not write")
	}
	if got := read(h.ID); got != first {
		t.Fatalf("queue place told = %+v, want %+v", got, first)
	}
	// A second teller read the empty value too: it loses.
	if set(bridge.QueueTold{}, bridge.QueueTold{Place: 6}) {
		t.Error("SetQueueTold over a value that changed meanwhile wrote")
	}
	// Only the time differs (by a nanosecond): still a stale read.
	if set(bridge.QueueTold{Place: 6, TextPlace: 6, TextAt: t0.Add(time.Nanosecond)}, bridge.QueueTold{Place: 5}) {
		t.Error("SetQueueTold over a value read with another time wrote")
	}
	second := bridge.QueueTold{Place: 3, TextPlace: 3, TextAt: t0.Add(3*time.Minute + time.Nanosecond)}
	if !set(first, second) {
		t.Fatal("SetQueueTold over the value read did not write")
	}

	// Other writes of the handoff leave it alone, and other handoffs have
	// their own.
	update(t, s, func(tx bridge.Tx) error {
		stored, err := tx.Handoff(ctx, h.ID)
		if err != nil {
			return err
		}
		stored.Reason = "moved"
		_, err = tx.UpdateHandoff(ctx, stored, stored.State, stored.Owner)
		return err
	})
	if got := read(h.ID); got != second {
		t.Errorf("after UpdateHandoff the queue place told = %+v, want %+v", got, second)
	}
	if got := read(other.ID); got != (bridge.QueueTold{}) {
		t.Errorf("another handoff's queue place told = %+v, want none", got)
	}
	if !set(second, bridge.QueueTold{}) || read(h.ID) != (bridge.QueueTold{}) {
		t.Error("SetQueueTold back to the empty value did not write")
	}

	err := s.View(ctx, func(tx bridge.Tx) error {
		_, err := tx.SetQueueTold(ctx, h.ID, bridge.QueueTold{}, first)
		return err
	})
	if err == nil {
		t.Error("SetQueueTold in a View succeeded")
	}
	err = s.View(ctx, func(tx bridge.Tx) error {
		_, err := tx.QueueTold(ctx, 999999)
		return err
	})
	if !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("QueueTold of a missing handoff = %v, want ErrNotFound", err)
	}
}
