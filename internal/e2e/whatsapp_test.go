package e2e_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/adapters/whatsapp/whatsappfake"
)

// TestWhatsAppUserWithSlackAgent follows one conversation from a WhatsApp
// number to an agent's Slack thread and back, through signed webhook
// deliveries: the AI answers, the user asks for a human, the thread opens
// in Slack with the history, Ana joins and replies in Slack mrkdwn, which
// reaches WhatsApp in its own formatting, the user's reply shows in the
// thread, Ana resolves, and the AI answers again.
func TestWhatsAppUserWithSlackAgent(t *testing.T) {
	e := newEnv(t)
	const waID, name = "351912345678", "Bea Costa"
	says := func(text string) {
		t.Helper()
		_, body := e.wa.UserText(waID, name, text)
		status, err := e.wa.Deliver(e.ctx, e.webhook, body, "")
		if err != nil || status != http.StatusOK {
			t.Fatalf("webhook delivery of %q: %d %v", text, status, err)
		}
	}
	waitText := func(want string) whatsappfake.Sent {
		t.Helper()
		var found whatsappfake.Sent
		if err := e.wa.WaitFor(e.ctx, func() bool {
			for _, m := range e.wa.Sent(waID) {
				if strings.Contains(m.Text, want) {
					found = m
					return true
				}
			}
			return false
		}); err != nil {
			t.Fatalf("waiting for a message to %s showing %q: %v (have %+v)", waID, want, err, e.wa.Sent(waID))
		}
		return found
	}

	says("hello")
	if hi := waitText("Hi there!"); hi.Text != "Hi there! I am *the bot*." {
		t.Errorf("AI answer sent as %q, want WhatsApp bold", hi.Text)
	}

	says("talk to a human")
	root, handoff := e.requestThread()
	waitText("asked a member of our team")
	card, _ := e.slack.Message(supportChannel, root)
	for _, want := range []string{name, "+351912345678"} {
		if !strings.Contains(slackfake.BlockText(card.Blocks), want) {
			t.Errorf("the card lacks %q:\n%s", want, slackfake.BlockText(card.Blocks))
		}
	}
	e.waitThread(root, "Hi there!")
	if th := e.threadText(root); !strings.Contains(th, "hello") {
		t.Errorf("the history lacks the user's question:\n%s", th)
	}

	e.click(root, "handoff_join", handoff, "handoff_resolve")
	waitText("Ana S. has joined the conversation.")

	// Slack mrkdwn → Markdown → WhatsApp text: bold in single asterisks,
	// strike in tildes, a link as its text and address (WhatsApp shows no
	// Markdown links), the agent's name in bold, HTML-looking text as typed.
	e.anaPosts(root, "*Sorry* about ~that~, see <https://track.example/1?a=1&amp;b=2|tracking> and `code` &lt;b&gt;not bold&lt;/b&gt;")
	reply := waitText("Sorry")
	if want := "*Ana S.*\n*Sorry* about ~that~, see tracking (https://track.example/1?a=1&b=2) and `code` <b>not bold</b>"; reply.Text != want || reply.Type != "text" {
		t.Errorf("agent reply sent as %s\n%q\nwant\n%q", reply.Type, reply.Text, want)
	}

	says("thanks, still waiting for order #7")
	e.waitThread(root, "order #7")

	e.click(root, "handoff_resolve", handoff, "")
	waitText("Ana S. has closed this conversation.")

	before := len(e.wa.Sent(waID))
	says("hello again")
	if err := e.wa.WaitFor(e.ctx, func() bool {
		s := e.wa.Sent(waID)
		return len(s) > before && strings.Contains(s[len(s)-1].Text, "Hi there!")
	}); err != nil {
		t.Fatalf("no AI answer after resolve: %v (have %+v)", err, e.wa.Sent(waID)[before:])
	}
	if th := e.threadText(root); strings.Contains(th, "hello again") {
		t.Errorf("a message after resolve was relayed to the thread:\n%s", th)
	}
}
