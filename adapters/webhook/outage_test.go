package webhook_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/webhook/webhookfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// A receiver down for an hour (answering 503, then not answering at all)
// loses nothing: once it is back every event arrives exactly once, in
// order within each handoff, and the delivery log tells the story.
func TestReceiverDownForASimulatedHourLosesNothing(t *testing.T) {
	clock := bridgetest.NewClock(t0)
	rcv := webhookfake.NewReceiver(secret, webhookfake.WithClock(clock.Now))
	defer rcv.Close()
	rcv.Down(503)
	r := newRig(t, clock, 0, namedNotifier{"crm", hook(t, rcv, clock)})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	var handoffs []bridge.HandoffID
	for i := range 3 {
		chat := fmt.Sprint("u", i)
		h := r.say(chat, chat+"-1", "talk to a human").Handoff
		clock.Advance(time.Second)
		r.act("U-ANA", h, bridge.ActJoin)
		clock.Advance(time.Second)
		r.act("U-ANA", h, bridge.ActResolve)
		handoffs = append(handoffs, h)
	}
	// The user-facing side did not wait for the receiver.
	r.waitUser(ctx, "u2", "has closed this conversation")

	// One simulated hour, a minute at a time; each minute the sender runs
	// whatever retries are due, then waits on its timer again.
	start := clock.Now()
	for clock.Now().Sub(start) < time.Hour {
		if clock.Now().Sub(start) == 30*time.Minute {
			rcv.Down(0) // from errors to silence: connections drop
		}
		clock.Advance(time.Minute)
		if err := clock.WaitTimer(ctx, clock.Now().Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(rcv.Accepted()); n != 0 {
		t.Fatalf("accepted %d while down", n)
	}
	failedWhileDown := rcv.Stats().Failed
	if failedWhileDown < 3*10 { // each handoff's head retried with backoff, about 19 times an hour
		t.Errorf("only %d attempts in an hour down; want the retries to go on", failedWhileDown)
	}

	rcv.Up()
	clock.Advance(6 * time.Minute) // past the longest backoff (5m + 20% jitter)
	got, err := rcv.WaitAccepted(ctx, 9)
	if err != nil {
		t.Fatal(err)
	}
	if st := rcv.Stats(); st.Duplicates != 0 || len(got) != 9 {
		t.Errorf("after the outage: %d accepted, stats %+v; want 9 and no duplicates", len(got), st)
	}
	perHandoff := map[bridge.HandoffID][]string{}
	for _, d := range got {
		perHandoff[d.Payload.Handoff] = append(perHandoff[d.Payload.Handoff], d.Event)
	}
	for _, h := range handoffs {
		if got := strings.Join(perHandoff[h], " "); got != "handoff.requested handoff.joined handoff.resolved" {
			t.Errorf("handoff %d events arrived as %q", h, got)
		}
	}

	r.waitUntil(ctx, "the outbox drained", r.outboxEmpty)
	// The delivery log: all delivered, the first of each handoff after
	// many attempts, with the last error kept.
	log, err := r.store.Deliveries(ctx, bridge.DestinationNotifier, "crm", 0)
	if err != nil {
		t.Fatal(err)
	}
	retried := 0
	for _, d := range log {
		if d.Status != bridge.DeliveryDelivered {
			t.Errorf("entry %d is %s after the outage", d.ID, d.Status)
		}
		if d.Attempts > 10 {
			retried++
			if d.LastError == "" {
				t.Errorf("entry %d: %d failed attempts and no last error", d.ID, d.Attempts)
			}
		}
	}
	if len(log) != 9 || retried != 3 {
		t.Errorf("delivery log: %d entries, %d retried many times; want 9 and 3 (the heads of the streams)", len(log), retried)
	}
}
