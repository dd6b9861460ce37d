package bridge_test

import (
	"context"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// TestNotificationsYieldToHandoffs: while events are being written (a burst
// of handoffs), notifications wait for a gap, for NotifyYield at most; the
// thread the agents work in is opened at once either way.
func TestNotificationsYieldToHandoffs(t *testing.T) {
	tests := []struct {
		name  string
		yield time.Duration
		gap   bool // the writes pause while the notification waits
	}{
		{"sent in the first gap", time.Hour, true},
		{"sent when the wait runs out", 50 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yielding := make(chan struct{}, 16)
			h := newTunedHarness(t, func(o *bridge.Options, e *bridge.Engine) {
				o.NotifyYield = tt.yield
				if e != nil {
					e.OnYield(func() { yielding <- struct{}{} })
				}
			})
			ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
			defer cancel()

			release := h.engine.HoldWrites()
			defer func() { release() }()
			out := h.say(bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "u1"}, "m1", "talk to a human")
			if out.Handoff == 0 {
				t.Fatal("no handoff started")
			}
			h.thread(out.Handoff) // opened while the writes go on
			select {
			case <-yielding:
			case <-ctx.Done():
				t.Fatal("the notifier never waited for a gap")
			}
			if tt.gap {
				if got := len(h.ops.All()); got != 0 {
					t.Fatalf("%d notifications sent while events were being written, want them to wait", got)
				}
				release()
				release = func() {}
			}
			if _, err := h.ops.WaitFor(ctx, "the notification", func(got []bridge.Notification) bool { return len(got) >= 1 }); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRolledBackMessageFreesItsConversation: a transaction that queued a
// message for the user and then failed sends nothing, and the
// conversation's next messages still go out (the message's place at the
// head of the conversation was held for it until the end of the
// transaction).
func TestRolledBackMessageFreesItsConversation(t *testing.T) {
	h := newHarness(t)
	user := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "u1"}
	out := h.say(user, "m1", "hello")
	if _, err := h.web.WaitCount(h.ctx, user.ChatID, 1); err != nil {
		t.Fatal(err)
	}
	if err := h.engine.EnqueueThenFail(h.ctx, out.Conversation, user); err == nil {
		t.Fatal("the failing transaction succeeded")
	}
	h.say(user, "m2", "hello again")
	ds, err := h.web.WaitCount(h.ctx, user.ChatID, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Message.Text == "never sent" {
			t.Fatal("a rolled-back message reached the user")
		}
	}
}
