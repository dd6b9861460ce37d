package discord_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestReplyBurstIsMerged: 200 replies an agent writes at once in a handoff's
// thread reach a Discord user by direct message, with Discord's rate limits
// on (5 messages per 5 s to a channel), in order and once each, in a
// handful of messages headed by the agent's name: one at a time they
// would take over three minutes.
func TestReplyBurstIsMerged(t *testing.T) {
	const burst = 200
	e := newEnv(t)
	uma := e.fake.NewUser("Uma")
	dm := e.fake.NewDM(uma)
	e.say(dm, uma, "I want to talk to a human")
	h := e.openHandoff()
	card := e.card(h.ID)
	e.click(e.desk, card, fmt.Sprintf("hb:join:%d", h.ID), e.ana)
	e.waitFake("the joined notice", func() bool { return len(botLines(e, dm, "joined")) > 0 })
	for i := range burst {
		e.say(card, e.ana, bridgetest.BurstReply(i))
	}
	// Bound: a minute, where one reply at a time would need 200 s.
	ctx, cancel := context.WithTimeout(e.ctx, time.Minute)
	defer cancel()
	last := bridgetest.BurstReply(burst - 1)
	var texts []string
	if err := e.fake.WaitFor(ctx, "the last reply", func() bool {
		texts = botLines(e, dm, "")
		return len(texts) > 0 && strings.Contains(texts[len(texts)-1], last)
	}); err != nil {
		t.Fatalf("%v (%d messages)", err, len(texts))
	}
	bridgetest.CheckBurst(t, texts, burst, 10, "**Ana**: ")
}

// botLines are the bot's messages in a channel that contain want.
func botLines(e *env, channel, want string) []string {
	var out []string
	for _, m := range e.fake.Messages(channel) {
		if m.Author != nil && m.Author.Bot && strings.Contains(m.Content, want) {
			out = append(out, m.Content)
		}
	}
	return out
}
