package discord_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

func TestWebUserHandoffThroughDiscordThread(t *testing.T) {
	e := newEnv(t)
	chat := "w1"
	e.webSays(chat, "m1", "hello")
	out := e.webSays(chat, "m2", "I want to talk to a human")
	if out.Handoff == 0 {
		t.Fatal("no handoff was requested")
	}
	h := out.Handoff
	card := e.card(h)
	e.waitButtons(card, fmt.Sprintf("hb:join:%d", h), fmt.Sprintf("hb:reject:%d", h))
	// The conversation so far is in the thread, which has the card's id.
	e.threadHas(card, "Hi there! How can I help?")

	// Ana joins with the button: the card turns active, the user is told.
	e.click(e.desk, card, fmt.Sprintf("hb:join:%d", h), e.ana)
	e.waitButtons(card, fmt.Sprintf("hb:resolve:%d", h), fmt.Sprintf("hb:reject:%d", h))
	cardMsg, _ := e.fake.MessageByID(card)
	if state := cardMsg.Embeds[0].Fields[0].Value; !strings.Contains(state, "Active") || !strings.Contains(state, "<@"+e.ana.ID+">") {
		t.Fatalf("card state after join: %q", state)
	}
	waitWeb(t, e.web, chat, "joined notice", webText("has joined"))

	// Ana's reply reaches the user under her name, Markdown intact.
	e.say(card, e.ana, "Hi, I'm **Ana**. How can I help?")
	got := waitWeb(t, e.web, chat, "Ana's reply", webText("I'm **Ana**"))
	if got.Message.Author != "Ana" || got.Message.Role != bridge.RoleAgent {
		t.Fatalf("reply shown as %q (%s), want Ana (agent)", got.Message.Author, got.Message.Role)
	}

	// The user's answer appears in the thread; mentions typed by the user
	// ping nobody.
	e.webSays(chat, "m3", "thanks @everyone <@"+e.bob.ID+"> <@&"+e.salesRole+">")
	msgs := e.threadHas(card, "thanks @")
	for _, m := range msgs {
		if m.Author.ID != e.fake.Bot.ID {
			continue
		}
		if len(m.Pings) > 0 || m.AllowedMentions == nil {
			t.Fatalf("thread message %q pings %v (allowed_mentions %+v)", m.Content, m.Pings, m.AllowedMentions)
		}
	}

	// Bob is not the owner: his reply is a note, marked with a reaction,
	// and so is Ana's note-prefixed one. Neither reaches the user.
	bobNote := e.say(card, e.bob, "I can take the next one")
	anaNote := e.say(card, e.ana, "// checking the CRM")
	e.waitFake("note reactions", func() bool {
		rs := e.fake.Reactions()
		has := func(id string) bool {
			return slices.ContainsFunc(rs, func(r discordfake.Reaction) bool { return r.MessageID == id && r.Emoji == "📝" })
		}
		return has(bobNote.ID) && has(anaNote.ID)
	})

	// An edit of a relayed reply reaches the user; so does an attachment.
	first := e.say(card, e.ana, "The price is 10€")
	waitWeb(t, e.web, chat, "price", webText("10€"))
	if err := e.fake.EditAs(card, first.ID, "The price is 12€"); err != nil {
		t.Fatal(err)
	}
	waitWeb(t, e.web, chat, "edit", func(d bridgetest.Delivery) bool { return d.Kind == "edit" && strings.Contains(d.Message.Text, "12€") })
	e.say(card, e.ana, "Here is the quote", &discordgo.MessageAttachment{Filename: "quote.pdf", ContentType: "application/pdf", Size: 1234})
	att := waitWeb(t, e.web, chat, "attachment", func(d bridgetest.Delivery) bool { return d.Kind == "message" && len(d.Message.Attachments) == 1 })
	if a := att.Message.Attachments[0]; a.Name != "quote.pdf" || !strings.HasPrefix(a.URL, "https://cdn.discordapp.com/") {
		t.Fatalf("attachment: %+v", a)
	}
	// A user's attachment shows in the thread as a link.
	if _, err := e.engine.Handle(e.ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat}, PlatformID: "m4", Text: "my screenshot",
		Attachments: []bridge.Attachment{{Name: "shot.png", URL: "https://files.example.com/shot.png"}}}); err != nil {
		t.Fatal(err)
	}
	e.threadHas(card, "[shot.png](https://files.example.com/shot.png)")

	// Ana typing shows "agent is typing" to the user.
	e.fake.StartTyping(card, e.ana)
	waitWeb(t, e.web, chat, "typing", func(d bridgetest.Delivery) bool { return d.Kind == "typing" && d.Message.Author == "Ana" })

	for _, d := range e.web.To(chat) {
		if strings.Contains(d.Message.Text, "next one") || strings.Contains(d.Message.Text, "CRM") {
			t.Fatalf("a note reached the user: %q", d.Message.Text)
		}
	}

	// Resolve: the user is told, the thread is renamed and archived, and
	// the AI answers again.
	e.click(e.desk, card, fmt.Sprintf("hb:resolve:%d", h), e.ana)
	waitWeb(t, e.web, chat, "resolved notice", webText("closed this conversation"))
	e.waitFake("thread renamed and archived", func() bool {
		ch, _ := e.fake.Channel(card)
		return strings.HasPrefix(ch.Name, "✅") && ch.ThreadMetadata.Archived
	})
	e.waitButtons(card)
	e.webSays(chat, "m5", "hello again")
	waitWeb(t, e.web, chat, "AI again", func(d bridgetest.Delivery) bool {
		return d.Kind == "message" && d.Message.Role == bridge.RoleAI && d.Message.Text == "Hi there! How can I help?" && d.Message.MessageID > got.Message.MessageID
	})
	// Nothing the bot posted echoed back as an agent message.
	for _, d := range e.web.To(chat) {
		if d.Kind == "message" && d.Message.Role == bridge.RoleAgent && strings.Contains(d.Message.Text, "👤") {
			t.Fatalf("the bot's own thread post came back to the user: %q", d.Message.Text)
		}
	}
}
