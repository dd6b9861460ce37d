package telegram_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestReplyBurstIsMerged: 200 replies an agent sends at once reach a
// Telegram user, with Telegram's limits on (one message a second per
// chat), in order and once each, in a handful of messages headed by the
// agent's name: one a second, they would take over three minutes.
func TestReplyBurstIsMerged(t *testing.T) {
	const burst = 200
	r := newRig(t, telegramfake.Options{})
	eve := telegramfake.User{ID: 9009, FirstName: "Eve"}
	r.fake.UserSays(eve, "talk to a human")
	ops := r.thread("thread", func(ops []bridgetest.ThreadOp) bool { _, ok := firstOpen(ops); return ok })
	open, _ := firstOpen(ops)
	r.agent(bridge.AgentAction{Agent: ana, ThreadID: open.Thread, Action: bridge.ActJoin})
	r.waitVisible(eve.ID, "has joined")
	for i := range burst {
		r.agent(bridge.AgentMessage{Agent: ana, ThreadID: open.Thread, PlatformID: fmt.Sprintf("B%d", i), Text: bridgetest.BurstReply(i)})
	}
	// Bound: a minute, where one reply a second would need 200 s.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	last := bridgetest.BurstReply(burst - 1)
	sent, err := r.fake.WaitSent(ctx, eve.ID, "the last reply", func(s []telegramfake.Sent) bool {
		return len(s) > 0 && strings.Contains(s[len(s)-1].Visible, last)
	})
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range sent {
		texts = append(texts, m.Visible)
	}
	bridgetest.CheckBurst(t, texts, burst, 10, "Ana S.\n")
}
