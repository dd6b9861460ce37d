package bridge_test

import (
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// The card's session is the current visit: it starts at the user's first
// message after a quiet gap, on every channel alike, whatever the channel
// itself says about the session.
func TestSessionStartsAfterIdleGap(t *testing.T) {
	kinds := []bridge.ChannelKind{bridge.ChannelWeb, bridge.ChannelTelegram, bridge.ChannelWhatsApp, bridge.ChannelDiscord}
	cases := []struct {
		name string
		gaps []time.Duration // before each of "hello", "hello again", "talk to a human"
		want time.Duration   // session start, from t0
	}{
		{"quiet longer than the gap starts a new session", []time.Duration{0, 10 * time.Minute, 45 * time.Minute}, 55 * time.Minute},
		{"a gap just over the setting starts a new session", []time.Duration{0, 20*time.Minute + time.Second, time.Minute}, 20*time.Minute + time.Second},
		{"gaps within the setting keep the session", []time.Duration{0, 19 * time.Minute, 20 * time.Minute}, 0},
	}
	for _, kind := range kinds {
		for _, tc := range cases {
			t.Run(string(kind)+"/"+tc.name, func(t *testing.T) {
				var ch bridge.UserChannel
				h := newTunedHarness(t, func(o *bridge.Options, e *bridge.Engine) {
					if e != nil && kind != bridge.ChannelWeb && kind != bridge.ChannelTelegram {
						ch = bridgetest.NewUserChannel(kind)
						e.RegisterUserChannel(ch)
					}
				}, func(s *bridge.Settings) { s.SessionIdleGap = 20 * time.Minute })
				addr := bridge.ChatAddress{Channel: kind, ChatID: "u1"}
				var out bridge.Outcome
				for i, text := range []string{"hello", "hello again", "talk to a human"} {
					h.clock.Advance(tc.gaps[i])
					var err error
					// A channel's own idea of the session (the widget's
					// token start) is not what the card shows.
					out, err = h.engine.Handle(h.ctx, bridge.UserMessage{Address: addr, PlatformID: text, Text: text,
						Context: bridge.UserContext{SessionStart: t0.Add(-24 * time.Hour)}})
					if err != nil {
						t.Fatal(err)
					}
				}
				thread := h.thread(out.Handoff)
				card, ok := bridgetest.LastCard(h.slack.Ops(), thread)
				if !ok {
					t.Fatal("no card")
				}
				if want := t0.Add(tc.want); !card.Context.SessionStart.Equal(want) {
					t.Errorf("session start = %s, want %s (t0+%s)", card.Context.SessionStart, want, tc.want)
				}
			})
		}
	}
}
