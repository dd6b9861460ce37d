package discord_test

import (
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

// dmHandoff opens a handoff for a new DM user and returns the user, the
// DM and the card (whose thread has the card's id).
func (e *env) dmHandoff(name string) (discordgo.User, string, string) {
	e.t.Helper()
	u := e.fake.NewUser(name)
	dm := e.fake.NewDM(u)
	e.say(dm, u, "talk to a human")
	var h *bridge.Handoff
	e.waitFake("handoff opened", func() bool {
		_ = e.store.View(e.ctx, func(tx bridge.Tx) error {
			hs, err := tx.Handoffs(e.ctx, nil, "", 0)
			if len(hs) > 0 {
				h = &hs[0]
			}
			return err
		})
		return h != nil
	})
	card := e.card(h.ID)
	e.threadHas(card, "talk to a human")
	return u, dm, card
}

// TestEveryKindReachesTheThread: a Discord user's voice message reaches
// the thread as its file; stickers, polls and forwards as a line; a
// message with nothing Discord lets a bot read shows as a visible
// "[unsupported message]" rather than nothing.
func TestEveryKindReachesTheThread(t *testing.T) {
	e := newEnv(t)
	uma, dm, card := e.dmHandoff("Uma")
	cases := []struct {
		name, content string
		like          discordgo.Message
		want          string // in the thread's post
	}{
		{name: "voice message", like: discordgo.Message{Flags: discordgo.MessageFlagsIsVoiceMessage,
			Attachments: []*discordgo.MessageAttachment{{Filename: "voice-message.ogg", ContentType: "audio/ogg", Size: 12000, DurationSecs: 3.5, Waveform: "AAAA"}}},
			want: "voice-message.ogg"},
		{name: "sticker", like: discordgo.Message{StickerItems: []*discordgo.StickerItem{{ID: "749054660769218631", Name: "Wave", FormatType: discordgo.StickerFormatTypeLottie}}},
			want: "sticker Wave"},
		{name: "poll", like: discordgo.Message{Poll: &discordgo.Poll{Question: discordgo.PollMedia{Text: "Which plan?"},
			Answers: []discordgo.PollAnswer{{AnswerID: 1, Media: &discordgo.PollMedia{Text: "Basic"}}, {AnswerID: 2, Media: &discordgo.PollMedia{Text: "Pro"}}}}},
			want: "Poll: Which plan?\n\\- Basic\n\\- Pro"},
		{name: "forward", like: discordgo.Message{MessageSnapshots: []discordgo.MessageSnapshot{{Message: &discordgo.Message{Content: "see this order 42"}}}},
			want: "Forwarded: see this order 42"},
		{name: "nothing readable", want: "unsupported message"},
	}
	for _, c := range cases {
		if _, err := e.fake.SayWith(dm, uma, c.content, c.like); err != nil {
			t.Fatal(err)
		}
		e.threadHas(card, c.want)
	}
}
