package whatsapp_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/whatsapp/whatsappfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestReplyBurstIsMerged: 200 replies an agent sends at once reach a
// WhatsApp user with the default pacing on (a burst of 45, then one
// message every 6 s per user) in order and once each: what the burst
// allowance does not take goes out merged, headed by the agent's name,
// instead of one message every 6 s for a quarter of an hour.
func TestReplyBurstIsMerged(t *testing.T) {
	const burst = 200
	r := newRig(t)
	open := r.active()
	for i := range burst {
		if _, err := r.engine.Handle(t.Context(), bridge.AgentMessage{Agent: ana, ThreadID: open.Thread, PlatformID: fmt.Sprintf("B%d", i),
			Text: bridgetest.BurstReply(i)}); err != nil {
			t.Fatal(err)
		}
	}
	// Bound: a minute, where the pacing alone would need 15 minutes.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	last := bridgetest.BurstReply(burst - 1)
	var sent []whatsappfake.Sent
	if err := r.fake.WaitFor(ctx, func() bool {
		sent = r.fake.Sent(sheena)
		return len(sent) > 0 && strings.Contains(sent[len(sent)-1].Text, last)
	}); err != nil {
		t.Fatalf("waiting for the last reply: %v (%d messages)", err, len(sent))
	}
	var texts []string
	for _, m := range sent {
		texts = append(texts, m.Text)
	}
	// The 45 of the burst allowance go alone, the rest merged.
	bridgetest.CheckBurst(t, texts, burst, 45+5, "*Ana S.*\n")
}
