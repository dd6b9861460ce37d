package bridge_test

import (
	"context"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// TestNotificationsYieldToHandoffs: while events are being written (a burst
// of handoffs), notifications wait for a gap, at most two seconds; the
// thread the agents work in is opened at once either way.
func TestNotificationsYieldToHandoffs(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
	defer cancel()
	notified := func(n int) {
		t.Helper()
		if _, err := h.ops.WaitFor(ctx, "notifications", func(got []bridge.Notification) bool { return len(got) >= n }); err != nil {
			t.Fatal(err)
		}
	}
	threadOpened := func(out bridge.Outcome) {
		t.Helper()
		if out.Handoff == 0 {
			t.Fatal("no handoff started")
		}
		h.thread(out.Handoff)
	}

	// A gap comes: the notification goes out in it.
	release := h.engine.HoldWrites()
	threadOpened(h.say(bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "u1"}, "m1", "talk to a human"))
	if err := h.clock.WaitTimer(ctx, h.clock.Now().Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := len(h.ops.All()); got != 0 {
		t.Fatalf("%d notifications sent while events were being written, want them to wait", got)
	}
	release()
	notified(1)

	// No gap: the notification goes out two seconds late, not later.
	release = h.engine.HoldWrites()
	defer release()
	threadOpened(h.say(bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "u2"}, "m2", "talk to a human"))
	if err := h.clock.WaitTimer(ctx, h.clock.Now().Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := len(h.ops.All()); got != 1 {
		t.Fatalf("%d notifications before the wait ran out, want 1", got)
	}
	h.clock.Advance(2 * time.Second)
	notified(2)
}
