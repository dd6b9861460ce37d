package teams_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/teams/teamsfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

func TestWebUserHandoffThroughTeamsThread(t *testing.T) {
	e := newEnv(t)
	chat := "w1"
	h, card := e.handoff(chat)
	e.waitButtons(card, "Join", "Decline")
	// The conversation so far is in the card's reply chain.
	e.threadHas(card, "Hi there! How can I help?")

	// Ana joins with the card's button: the card is updated in place, the
	// user told.
	e.click(card, e.ana, "Join")
	e.waitButtons(card, "Resolve", "Hand back")
	waitWeb(t, e.web, chat, "joined notice", bridgetest.MessageContaining("has joined"))
	if got := e.state(h); got.State != bridge.StateActive || got.Owner != "ana" {
		t.Fatalf("after Ana's join: %s owned by %q", got.State, got.Owner)
	}

	// Ana's reply, in Teams' HTML, reaches the user as Markdown under her
	// name; the mention of the bot is dropped.
	first := e.say(card, e.ana, "<p><at>Handoff</at> Hi, I'm <strong>Ana</strong>. The price is 10€</p>")
	got := waitWeb(t, e.web, chat, "Ana's reply", bridgetest.MessageContaining("I'm **Ana**"))
	if got.Message.Author != "Ana" || got.Message.Role != bridge.RoleAgent || strings.Contains(got.Message.Text, "Handoff") {
		t.Fatalf("reply shown as %q by %q (%s)", got.Message.Text, got.Message.Author, got.Message.Role)
	}

	// The user's answer appears in the thread, escaped.
	e.webSays(chat, "m3", "thanks **a lot** <b>")
	e.threadHas(card, `thanks \*\*a lot\*\* &lt;b`)

	// Ana edits her reply: the user sees the edit; then deletes it.
	if status, err := e.fake.Edit(e.ctx, e.desk, card, first.ID, e.ana, "<p>The price is 12€</p>"); err != nil || status != 200 {
		t.Fatalf("edit: %d %v", status, err)
	}
	waitWeb(t, e.web, chat, "edit", func(d bridgetest.Delivery) bool { return d.Kind == "edit" && strings.Contains(d.Message.Text, "12€") })
	if status, err := e.fake.Delete(e.ctx, e.desk, card, first.ID, e.ana); err != nil || status != 200 {
		t.Fatalf("delete: %d %v", status, err)
	}
	waitWeb(t, e.web, chat, "deletion", func(d bridgetest.Delivery) bool { return d.Kind == "delete" })

	// Bob is not the owner: his reply stays a note, and only he is told.
	e.say(card, e.bob, "<p>I can take the next one</p>")
	e.toldPrivately(e.bob, "only Ana")
	// Ana's note-prefixed reply stays internal too.
	e.say(card, e.ana, "<p>// checking the CRM</p>")
	e.toldPrivately(e.ana, "Internal note")

	// Ana typing shows to the user; the user's typing shows in the thread.
	if status, err := e.fake.Typing(e.ctx, e.desk, card, e.ana); err != nil || status != 200 {
		t.Fatalf("typing: %d %v", status, err)
	}
	waitWeb(t, e.web, chat, "typing", func(d bridgetest.Delivery) bool { return d.Kind == "typing" && d.Message.Author == "Ana" })
	if _, err := e.engine.Handle(e.ctx, bridge.UserTyping{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat}}); err != nil {
		t.Fatal(err)
	}
	e.waitFake("the bot typing in the thread", func() bool {
		return slices.ContainsFunc(e.fake.Calls(), func(c teamsfake.Call) bool {
			return c.Conversation == e.thread(card) && strings.Contains(string(c.Body), `"type":"typing"`) && c.Status == 200
		})
	})

	for _, d := range e.web.To(chat) {
		if strings.Contains(d.Message.Text, "next one") || strings.Contains(d.Message.Text, "CRM") {
			t.Fatalf("a note reached the user: %q", d.Message.Text)
		}
	}

	// Resolve: the card loses its buttons, the user is told, the AI
	// answers again.
	e.click(card, e.ana, "Resolve")
	waitWeb(t, e.web, chat, "resolved notice", bridgetest.MessageContaining("closed this conversation"))
	e.waitButtons(card)
	if st := e.state(h).State; st != bridge.StateResolved {
		t.Fatalf("after resolve: %s", st)
	}
	e.webSays(chat, "m5", "hello again")
	waitWeb(t, e.web, chat, "AI again", func(d bridgetest.Delivery) bool {
		return d.Kind == "message" && d.Message.Role == bridge.RoleAI && d.Message.MessageID > got.Message.MessageID
	})
}
