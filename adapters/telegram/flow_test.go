package telegram_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestWholeFlow: a Telegram user chats with the AI, accepts the offer on
// the inline keyboard, talks with an agent (Markdown as HTML, typing, an
// edit, photos both ways), and is back with the AI after resolve.
func TestWholeFlow(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	r := newRig(t, fo)
	alice := telegramfake.User{ID: 1001, FirstName: "Alice", LastName: "Liddell", Username: "alice", LanguageCode: "en"}

	r.fake.UserSays(alice, "hello")
	hi := r.waitVisible(alice.ID, "Hi there! I am the bot.")
	if hi.Text != "Hi there! I am <b>the bot</b>." || hi.ParseMode != "HTML" {
		t.Errorf("AI answer sent as %q (%s), want bold HTML", hi.Text, hi.ParseMode)
	}

	r.fake.UserSays(alice, "what about pricing?")
	offer := r.waitVisible(alice.ID, "Would you like to talk")
	if len(offer.Buttons) != 1 || len(offer.Buttons[0]) != 2 || offer.Buttons[0][0].CallbackData != string(bridge.ChoiceAccept) {
		t.Fatalf("offer keyboard = %+v, want accept and decline", offer.Buttons)
	}
	_, cb := r.fake.UserPresses(alice.ID, alice, offer.MessageID, offer.Buttons[0][0].CallbackData)
	ops := r.thread("thread opened", func(ops []bridgetest.ThreadOp) bool { _, ok := firstOpen(ops); return ok })
	open, _ := firstOpen(ops)
	if open.Card.UserName != "Alice Liddell" || open.Card.Context.Username != "@alice" || open.Card.Context.Language != "en" || open.Card.Context.ChatType != "private" {
		t.Errorf("card shows user %q context %+v", open.Card.UserName, open.Card.Context)
	}
	if err := r.fake.WaitChange(t.Context(), func() bool { _, ok := r.fake.CallbackAnswer(cb); return ok }); err != nil {
		t.Fatalf("callback query never answered: %v", err)
	}
	r.waitVisible(alice.ID, "asked a member of our team")

	r.agent(bridge.AgentAction{Agent: ana, ThreadID: open.Thread, Action: bridge.ActJoin})
	r.waitVisible(alice.ID, "Ana S. has joined")

	r.agent(bridge.AgentTyping{Agent: ana, ThreadID: open.Thread})
	if err := r.fake.WaitChange(t.Context(), func() bool { return len(r.fake.Actions(alice.ID)) > 0 }); err != nil {
		t.Fatal(err)
	}
	if got := r.fake.Actions(alice.ID); got[0] != "typing" {
		t.Errorf("chat actions %v, want typing", got)
	}

	out := r.agent(bridge.AgentMessage{Agent: ana, ThreadID: open.Thread, PlatformID: "S1",
		Text: "**Sure** <b>x</b> & see [the docs](https://example.com/a?b=1&c=2)"})
	if !out.Relayed {
		t.Fatal("the owner's reply was not relayed")
	}
	reply := r.waitVisible(alice.ID, "Sure <b>x</b> & see the docs")
	wantHTML := `<b>Ana S.</b>` + "\n" + `<b>Sure</b> &lt;b&gt;x&lt;/b&gt; &amp; see <a href="https://example.com/a?b=1&amp;c=2">the docs</a>`
	if reply.Text != wantHTML {
		t.Errorf("agent reply sent as\n%q\nwant\n%q", reply.Text, wantHTML)
	}

	r.agent(bridge.AgentEdit{Agent: ana, ThreadID: open.Thread, PlatformID: "S1", Text: "**Sure**, fixed"})
	if _, err := r.fake.WaitSent(t.Context(), alice.ID, "the reply edited", func(s []telegramfake.Sent) bool {
		for _, m := range s {
			if m.MessageID == reply.MessageID && m.Edits == 1 && strings.HasSuffix(m.Visible, "Sure, fixed") {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}

	// Photos both ways.
	r.agent(bridge.AgentMessage{Agent: ana, ThreadID: open.Thread, PlatformID: "S2", Text: "here",
		Attachments: []bridge.Attachment{{Name: "diagram.png", ContentType: "image/png", URL: "https://files.example.com/diagram.png"}}})
	if _, err := r.fake.WaitSent(t.Context(), alice.ID, "the agent's photo", func(s []telegramfake.Sent) bool {
		return s[len(s)-1].Kind == "photo" && s[len(s)-1].File == "https://files.example.com/diagram.png"
	}); err != nil {
		t.Fatal(err)
	}
	photo := []byte("\x89PNG fake image bytes")
	fileID := r.fake.AddFile("cat.png", photo)
	r.fake.UserSends(telegramfake.Incoming{Chat: telegramfake.Chat{ID: alice.ID}, From: alice, Photo: fileID, Text: "my screen"})
	ops = r.thread("the user's photo in the thread", func(ops []bridgetest.ThreadOp) bool {
		return len(postsContaining(ops, open.Thread, "my screen")) > 0
	})
	post := postsContaining(ops, open.Thread, "my screen")[0]
	if len(post.Attachments) != 1 || strings.Contains(post.Attachments[0].URL, r.fake.Token()) {
		t.Fatalf("photo attachment %+v: want one link without the bot token", post.Attachments)
	}
	resp, err := http.Get(post.Attachments[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != string(photo) {
		t.Errorf("file link answered %d %q, want the photo", resp.StatusCode, body)
	}
	forged, err := http.Get(strings.Replace(post.Attachments[0].URL, "sig=", "sig=00", 1))
	if err != nil {
		t.Fatal(err)
	}
	forged.Body.Close()
	if forged.StatusCode != http.StatusForbidden {
		t.Errorf("forged file link answered %d, want 403", forged.StatusCode)
	}

	r.agent(bridge.AgentAction{Agent: ana, ThreadID: open.Thread, Action: bridge.ActResolve})
	r.waitVisible(alice.ID, "has closed this conversation")
	before := len(r.fake.Sent(alice.ID))
	r.fake.UserSays(alice, "hello again")
	if _, err := r.fake.WaitSent(t.Context(), alice.ID, "the AI again", func(s []telegramfake.Sent) bool {
		return len(s) > before && strings.Contains(s[len(s)-1].Visible, "Hi there!")
	}); err != nil {
		t.Fatal(err)
	}
}

// TestTypedYesAcceptsOffer: the user answers the offer by typing instead of
// pressing the button.
func TestTypedYesAcceptsOffer(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	r := newRig(t, fo)
	bob := telegramfake.User{ID: 2002, FirstName: "Bob"}
	r.fake.UserSays(bob, "pricing please")
	r.waitVisible(bob.ID, "Would you like to talk")
	r.fake.UserSays(bob, "yes")
	r.thread("thread opened", func(ops []bridgetest.ThreadOp) bool { _, ok := firstOpen(ops); return ok })
	r.waitVisible(bob.ID, "asked a member of our team")
}

// TestUnknownButton: a stale or forged callback is answered politely and
// changes nothing.
func TestUnknownButton(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	r := newRig(t, fo)
	eve := telegramfake.User{ID: 3003, FirstName: "Eve"}
	_, cb := r.fake.UserPresses(eve.ID, eve, 1, "drop tables")
	if err := r.fake.WaitChange(t.Context(), func() bool { _, ok := r.fake.CallbackAnswer(cb); return ok }); err != nil {
		t.Fatal(err)
	}
	if text, _ := r.fake.CallbackAnswer(cb); !strings.Contains(text, "no longer active") {
		t.Errorf("answered %q", text)
	}
	if ops := r.slack.Ops(); len(ops) != 0 {
		t.Errorf("workspace got %v", ops)
	}
}

// TestGroups: in a group the bot answers only when mentioned or replied to.
func TestGroups(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	r := newRig(t, fo, withGroups())
	group := telegramfake.Chat{ID: -100500, Type: "supergroup", Title: "Customers"}
	carl := telegramfake.User{ID: 4004, FirstName: "Carl"}
	r.fake.UserSends(telegramfake.Incoming{Chat: group, From: carl, Text: "hello everyone"})
	r.fake.UserSends(telegramfake.Incoming{Chat: group, From: carl, Text: "@" + r.fake.BotUsername() + " hello bot"})
	got := r.waitVisible(group.ID, "Hi there!")
	if n := len(r.fake.Sent(group.ID)); n != 1 {
		t.Errorf("bot sent %d messages to the group, want 1 (only the mention is answered)", n)
	}
	r.fake.UserSends(telegramfake.Incoming{Chat: group, From: carl, Text: "and hello to you", ReplyTo: got.MessageID})
	if _, err := r.fake.WaitSent(t.Context(), group.ID, "an answer to the reply", func(s []telegramfake.Sent) bool { return len(s) == 2 }); err != nil {
		t.Fatal(err)
	}
	_ = strconv.Itoa
}
