package mattermost_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// The whole flow: a user asks for a human, the card opens with the
// user's context and the history in its thread, Ana joins, they talk both
// ways (typing shown both ways), notes stay internal and are marked, the
// user's edit changes the thread, Ana's edit and deletion reach the user,
// Ana resolves, and the AI answers again.
func TestWholeFlow(t *testing.T) {
	e := newEnv(t, mattermostfake.Options{})
	const chat = "w1"
	e.userSays(chat, "hello")
	e.waitWeb(chat, "AI answer", bridgetest.HasMessage("Hi there!"))
	id, root := e.requestThread(chat)

	card := e.card(root)
	if got := card.Buttons(); !slices.Equal(got, []string{"join", "reject"}) {
		t.Fatalf("pending card buttons = %v", got)
	}
	for _, want := range []string{"Pending", "Uma w1", "203.0.113.9 PT", "https://shop.example/checkout", "support"} {
		if !strings.Contains(card.Text(), want) {
			t.Errorf("card lacks %q:\n%s", want, card.Text())
		}
	}
	if th := e.threadText(root); !strings.Contains(th, "hello") || !strings.Contains(th, "Hi there!") {
		t.Fatalf("history not in thread:\n%s", th)
	}

	// Join: the card turns active; the user learns the agent's name as
	// Mattermost shows it (her nickname).
	if res := e.click(anaID, root, "join"); res.Ephemeral != "" {
		t.Errorf("the winner was told %q", res.Ephemeral)
	}
	e.waitFake("card active", func() bool { return slices.Equal(e.card(root).Buttons(), []string{"resolve", "reject"}) })
	if !strings.Contains(e.card(root).Message, "Ana S.") {
		t.Errorf("active card does not name Ana:\n%s", e.card(root).Message)
	}
	e.waitWeb(chat, "joined notice", bridgetest.HasMessage("Ana S. has joined"))

	// User → thread, typing shown first.
	if _, err := e.engine.Handle(e.ctx, bridge.UserTyping{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat}}); err != nil {
		t.Fatal(err)
	}
	e.waitFake("user_typing in the thread", func() bool {
		return slices.Contains(e.mm.TypingSeen(), mattermostfake.Typing{ChannelID: channel, ParentID: root})
	})
	e.userSays(chat, "my order is *late*")
	e.waitFake("user message in thread", func() bool { return strings.Contains(e.threadText(root), `my order is \*late\*`) })

	// The user's edit changes the relayed copy in place.
	if _, err := e.engine.Handle(e.ctx, bridge.UserEdit{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat},
		PlatformID: e.lastPlatformID, Text: "my order is very late"}); err != nil {
		t.Fatal(err)
	}
	e.waitFake("user's edit in thread", func() bool { return strings.Contains(e.threadText(root), "my order is very late _(edited)_") })

	// Ana's typing and reply reach the user, with her name.
	e.mm.TypingAsUser(anaID, channel, root)
	e.waitWeb(chat, "agent typing", func(ds []bridgetest.Delivery) bool {
		return slices.ContainsFunc(ds, func(d bridgetest.Delivery) bool { return d.Kind == "typing" && d.Message.Author == "Ana S." })
	})
	reply, err := e.mm.PostAsUser(anaID, channel, root, "**Sorry** about that, see [tracking](https://track.example/1)")
	if err != nil {
		t.Fatal(err)
	}
	ds := e.waitWeb(chat, "agent reply", bridgetest.HasMessage("**Sorry** about that, see [tracking](https://track.example/1)"))
	if last := bridgetest.Last(ds); last.Message.Author != "Ana S." || last.Message.Role != bridge.RoleAgent {
		t.Fatalf("reply delivered as %+v", last.Message)
	}

	// Notes: the prefix, and a reply by another agent, stay in Mattermost,
	// marked with a reaction.
	note, _ := e.mm.PostAsUser(anaID, channel, root, "// check the warehouse")
	bobs, _ := e.mm.PostAsUser(bobID, channel, root, "I can take over if needed")
	e.waitFake("notes marked", func() bool {
		marked := map[string]bool{}
		for _, r := range e.mm.Reactions() {
			marked[r.PostID] = r.EmojiName == "lock"
		}
		return marked[note] && marked[bobs]
	})
	for _, r := range e.mm.Reactions() {
		if r.PostID != note && r.PostID != bobs {
			p, _ := e.mm.Post(r.PostID)
			t.Errorf("a post that is no agent's note was marked: %q by %s", p.Message, p.UserID)
		}
	}

	// Ana's edit, then her deletion, change what the user saw.
	if err := e.mm.EditAsUser(anaID, reply, "**Sorry** about the delay"); err != nil {
		t.Fatal(err)
	}
	e.waitWeb(chat, "edit", func(ds []bridgetest.Delivery) bool {
		return slices.ContainsFunc(ds, func(d bridgetest.Delivery) bool {
			return d.Kind == "edit" && d.Message.Text == "**Sorry** about the delay"
		})
	})
	if err := e.mm.DeleteAsUser(anaID, reply); err != nil {
		t.Fatal(err)
	}
	e.waitWeb(chat, "delete", func(ds []bridgetest.Delivery) bool {
		return slices.ContainsFunc(ds, func(d bridgetest.Delivery) bool { return d.Kind == "delete" })
	})

	// Resolve: the user is told, the card shows it with no buttons.
	e.click(anaID, root, "resolve")
	e.waitWeb(chat, "resolved notice", bridgetest.HasMessage("has closed this conversation"))
	e.waitFake("card resolved", func() bool {
		c := e.card(root)
		return strings.Contains(c.Message, "Resolved") && len(c.Buttons()) == 0
	})
	if h, err := e.engine.Handoff(e.ctx, id); err != nil || h.State != bridge.StateResolved {
		t.Fatalf("handoff after resolve: %+v %v", h, err)
	}

	e.userSays(chat, "hello again")
	e.waitWeb(chat, "AI answers after resolve", func(ds []bridgetest.Delivery) bool {
		return bridgetest.Last(ds).Message.Text == "Hi there!" && len(ds) > 6
	})
	for _, d := range e.web.To(chat) {
		for _, bad := range []string{"warehouse", "take over", "Pending"} {
			if strings.Contains(d.Message.Text, bad) {
				t.Errorf("user got %q", d.Message.Text)
			}
		}
	}
}
