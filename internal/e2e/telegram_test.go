package e2e_test

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
)

// TestTelegramUserWithSlackAgent follows one conversation from a Telegram
// chat to an agent's Slack thread and back: the AI answers, the user asks
// for a human, the thread opens in Slack with the history, Ana joins and
// replies in Slack mrkdwn, which reaches Telegram as HTML (the user's own
// markup never interpreted), the user's reply shows in the thread, Ana
// resolves, and the AI answers again.
func TestTelegramUserWithSlackAgent(t *testing.T) {
	e := newEnv(t)
	alice := telegramfake.User{ID: 4242, FirstName: "Alice", LastName: "Liddell", Username: "alice", LanguageCode: "en"}
	waitVisible := func(want string) telegramfake.Sent { t.Helper(); return waitTelegram(e.ctx, t, e.tg, alice.ID, want) }

	e.tg.UserSays(alice, "hello")
	if hi := waitVisible("Hi there! I am the bot."); hi.Text != "Hi there! I am <b>the bot</b>." || hi.ParseMode != "HTML" {
		t.Errorf("AI answer sent as %q (%s), want bold HTML", hi.Text, hi.ParseMode)
	}

	e.tg.UserSays(alice, "talk to a human")
	root, handoff := e.requestThread()
	waitVisible("asked a member of our team")
	card, _ := e.slack.Message(supportChannel, root)
	for _, want := range []string{"Alice Liddell", "@alice"} {
		if !strings.Contains(slackfake.BlockText(card.Blocks), want) {
			t.Errorf("the card lacks %q:\n%s", want, slackfake.BlockText(card.Blocks))
		}
	}
	e.waitThread(root, "Hi there!") // the history: the user's question and the AI's answer
	if th := e.threadText(root); !strings.Contains(th, "hello") {
		t.Errorf("the history lacks the user's question:\n%s", th)
	}

	e.click(root, "handoff_join", handoff, "handoff_resolve")
	waitVisible("Ana S. has joined the conversation.")

	// Slack mrkdwn → Markdown → Telegram HTML, with the agent's name; what
	// she typed that looks like HTML is shown as typed. The event carries
	// the text as Slack sends it: &, < and > escaped.
	e.anaPosts(root, "*Sorry* about that, see <https://track.example/1?a=1&amp;b=2|tracking> and `code` &lt;b&gt;not bold&lt;/b&gt;")
	reply := waitVisible("Sorry about that")
	wantHTML := "<b>Ana S.</b>\n<b>Sorry</b> about that, see <a href=\"https://track.example/1?a=1&amp;b=2\">tracking</a> and <code>code</code> &lt;b&gt;not bold&lt;/b&gt;"
	if reply.Text != wantHTML || reply.ParseMode != "HTML" {
		t.Errorf("agent reply sent as\n%q (%s)\nwant\n%q", reply.Text, reply.ParseMode, wantHTML)
	}
	if want := "Ana S.\nSorry about that, see tracking and code <b>not bold</b>"; reply.Visible != want {
		t.Errorf("the user sees\n%q\nwant\n%q", reply.Visible, want)
	}

	// The user's reply, markup and all, reaches the thread as text.
	e.tg.UserSays(alice, "thanks! <i>still</i> waiting for order #7")
	e.waitThread(root, "still")
	if th := e.threadText(root); !strings.Contains(th, "order #7") {
		t.Errorf("the user's reply is not in the thread:\n%s", th)
	}

	e.click(root, "handoff_resolve", handoff, "")
	waitVisible("Ana S. has closed this conversation.")

	// Back with the AI: the next question is answered by the bot and not
	// relayed to the closed thread.
	before := len(e.tg.Sent(alice.ID))
	e.tg.UserSays(alice, "hello again")
	if _, err := e.tg.WaitSent(e.ctx, alice.ID, "the AI's answer after resolve", func(s []telegramfake.Sent) bool {
		return len(s) > before && strings.Contains(s[len(s)-1].Visible, "Hi there!")
	}); err != nil {
		t.Fatal(err)
	}
	if th := e.threadText(root); strings.Contains(th, "hello again") {
		t.Errorf("a message after resolve was relayed to the thread:\n%s", th)
	}
}
