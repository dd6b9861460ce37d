package discord_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
)

// noRateLimits turns the fake's rate limits off, for tests about
// something else that post more than 5 messages in 5 s to a channel.
func noRateLimits(o *discordfake.Options, _ *discord.Options, _ *[]bridge.UserChannel) {
	o.Limits = &discordfake.Limits{}
}

// openHandoff waits for the one handoff of the test to be stored.
func (e *env) openHandoff() bridge.Handoff {
	e.t.Helper()
	var h bridge.Handoff
	e.waitFake("handoff opened", func() bool {
		found := false
		_ = e.store.View(e.ctx, func(tx bridge.Tx) error {
			hs, err := tx.Handoffs(e.ctx, nil, "", 0)
			if len(hs) > 0 {
				h, found = hs[0], true
			}
			return err
		})
		return found
	})
	return h
}

// threadLines are the lines of a thread that contain marker, each from
// the author's name on.
func (e *env) threadLines(thread, marker string) []string {
	var out []string
	for _, m := range e.fake.Messages(thread) {
		for _, l := range strings.Split(m.Content, "\n") {
			if strings.Contains(l, marker) {
				if i := strings.Index(l, "**: "); i >= 0 {
					l = l[i+4:]
				}
				out = append(out, l)
			}
		}
	}
	return out
}

// What a user writes by DM or in a support channel while the gateway is
// down reaches the agent after the reconnect, once each and in order,
// whether the session resumes (Discord replays) or has to identify again
// (the bridge reads the channel back from its cursor).
func TestUserMessagesWrittenDuringAGapArriveOnceInOrder(t *testing.T) {
	for _, where := range []string{"direct message", "support channel"} {
		for _, invalidate := range []bool{false, true} {
			name := where + "/resume"
			if invalidate {
				name = where + "/re-identify"
			}
			t.Run(name, func(t *testing.T) {
				e := newEnv(t, noRateLimits)
				uma := e.fake.NewUser("Uma")
				chat := e.support
				if where == "direct message" {
					chat = e.fake.NewDM(uma)
				}
				e.say(chat, uma, "I want to talk to a human")
				h := e.openHandoff()
				card := e.card(h.ID)
				e.click(e.desk, card, fmt.Sprintf("hb:join:%d", h.ID), e.ana)
				e.say(chat, uma, "before the gap")
				e.threadHas(card, "before the gap")

				before := e.fake.GatewayStats()
				e.fake.HoldConnections()
				if invalidate {
					e.fake.InvalidateSessions()
				}
				e.fake.DropConnections()
				e.waitFake("disconnected", func() bool { return !e.fake.Connected() })
				e.say(chat, uma, "during the gap 1")
				e.say(chat, uma, "during the gap 2")
				e.fake.ReleaseConnections()
				e.waitFake("reconnected", e.fake.Connected)
				e.say(chat, uma, "after the gap")
				e.threadHas(card, "after the gap")
				e.threadHas(card, "during the gap 2")

				want := []string{"before the gap", "during the gap 1", "during the gap 2", "after the gap"}
				if got := e.threadLines(card, "the gap"); strings.Join(got, "|") != strings.Join(want, "|") {
					t.Fatalf("the thread shows %q, want each once, in order: %q", got, want)
				}
				st := e.fake.GatewayStats()
				if invalidate && st.Identifies <= before.Identifies || !invalidate && st.Resumes <= before.Resumes {
					t.Fatalf("gateway stats %+v (before %+v)", st, before)
				}
			})
		}
	}
}
