package webhook_test

import (
	"context"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/webhook"
	"github.com/handoffbridge/handoff/adapters/webhook/webhookfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// A notifier that hangs and one that fails delay neither the handoff (the
// thread, the user's messages, the agent's replies) nor the notifier that
// works; the hanging one catches up, in order, once it answers.
func TestHangingOrFailingNotifierDelaysNothingElse(t *testing.T) {
	hanging := webhookfake.NewReceiver(secret)
	defer hanging.Close()
	hanging.Hold()
	failing := webhookfake.NewReceiver(secret)
	defer failing.Close()
	failing.Down(500)
	working := webhookfake.NewReceiver(secret)
	defer working.Close()
	slowHook, err := webhook.New(webhook.Options{URL: hanging.URL(), Secret: secret, Timeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, nil, 0,
		namedNotifier{"hanging", slowHook},
		namedNotifier{"failing", hook(t, failing, nil)},
		namedNotifier{"working", hook(t, working, nil)})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	h := r.say("u", "m1", "talk to a human").Handoff
	r.waitUser(ctx, "u", "queue")
	if _, err := hanging.WaitFor(ctx, "the request hanging", func(_ []webhookfake.Delivery, st webhookfake.Stats) bool { return st.Requests > 0 }); err != nil {
		t.Fatal(err)
	}
	r.act("U-ANA", h, bridge.ActJoin)
	// The card showing Ana as the owner comes after the thread's opening
	// is recorded (a thread's operations go out one after another): from
	// then on the engine knows the thread an agent replies in.
	var thread string
	if _, err := r.slack.WaitFor(ctx, "the card of the joined handoff", func(ops []bridgetest.ThreadOp) bool {
		thread = r.slack.ThreadOf(h)
		card, ok := bridgetest.LastCard(ops, thread)
		return thread != "" && ok && card.State == bridge.StateActive
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.engine.Handle(ctx, bridge.AgentMessage{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U-ANA"}, ThreadID: thread, PlatformID: "p1", Text: "Hi, Ana here"}); err != nil {
		t.Fatal(err)
	}
	r.waitUser(ctx, "u", "Hi, Ana here")
	r.say("u", "m2", "thanks, my order is late")
	if _, err := r.slack.WaitFor(ctx, "the user's message in the thread", func(ops []bridgetest.ThreadOp) bool {
		for _, p := range bridgetest.Posts(ops, thread) {
			if p.Text == "thanks, my order is late" {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := working.WaitAccepted(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if n := len(hanging.Accepted()); n != 0 {
		t.Fatalf("the hanging receiver answered %d", n)
	}
	// The failing receiver is tried on its own sender, in its own time:
	// wait for its first refusal rather than expect it already.
	if _, err := failing.WaitFor(ctx, "the failing receiver tried", func(_ []webhookfake.Delivery, st webhookfake.Stats) bool { return st.Failed > 0 }); err != nil {
		t.Fatal(err)
	}

	hanging.Release()
	got, err := hanging.WaitAccepted(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Event != "handoff.requested" || got[1].Event != "handoff.joined" {
		t.Errorf("the late receiver got %s then %s", got[0].Event, got[1].Event)
	}
}
