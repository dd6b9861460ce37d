package slack_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/slack"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// The whole flow, in both connection modes: a web user asks for a human,
// the thread opens with the history, Ana joins, they talk both ways, notes
// stay internal, an edit and a file reach the user, Ana resolves, and the
// AI answers again.
func TestWholeFlow(t *testing.T) {
	for _, mode := range []string{slack.ModeSocket, slack.ModeHTTP} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, envOptions{mode: mode})
			const chat = "w1"
			e.userSays(chat, "hello")
			e.waitWeb(chat, "AI answer", hasMessage("Hi there!"))
			id, root := e.requestThread(chat)

			card := e.root(root)
			if got := actionIDs(t, card); !slices.Equal(got, []string{"handoff_join", "handoff_reject"}) {
				t.Fatalf("pending card buttons = %v", got)
			}
			for _, want := range []string{"Pending", "Uma w1", "203.0.113.9 PT", "https://shop.example/checkout", "support"} {
				if !strings.Contains(texts(card), want) {
					t.Errorf("card lacks %q:\n%s", want, texts(card))
				}
			}
			if th := e.threadText(root); !strings.Contains(th, "hello") || !strings.Contains(th, "Hi there!") {
				t.Fatalf("history not in thread:\n%s", th)
			}

			// Join: the card turns active with Resolve and Hand back; the user
			// learns the agent's Slack display name.
			if _, err := e.fake.Click(e.ctx, "UANA", channel, root, "handoff_join", id.String()); err != nil {
				t.Fatal(err)
			}
			e.waitFake("card active", func() bool {
				return slices.Equal(actionIDs(t, e.root(root)), []string{"handoff_resolve", "handoff_reject"})
			})
			e.waitWeb(chat, "joined notice", hasMessage("Ana S. has joined"))

			// User → thread.
			e.userSays(chat, "my order is late")
			e.waitFake("user message in thread", func() bool { return strings.Contains(e.threadText(root), "my order is late") })

			// Owner's reply → user, mrkdwn converted to Markdown, with her name.
			replyTS, _, err := e.fake.PostAsUser(e.ctx, channel, "UANA", "*Sorry* about that, see <https://track.example/1|tracking>", root)
			if err != nil {
				t.Fatal(err)
			}
			ds := e.waitWeb(chat, "agent reply", hasMessage("**Sorry** about that, see [tracking](https://track.example/1)"))
			if last := bridgetest.Last(ds); last.Message.Author != "Ana S." || last.Message.Role != bridge.RoleAgent {
				t.Fatalf("reply delivered as %+v", last.Message)
			}

			// Notes: the prefix, and a reply by another agent, stay in Slack
			// and are marked with a reaction.
			noteTS, _, err := e.fake.PostAsUser(e.ctx, channel, "UANA", "// check the warehouse", root)
			if err != nil {
				t.Fatal(err)
			}
			bobTS, _, err := e.fake.PostAsUser(e.ctx, channel, "UBOB", "I can take over if needed", root)
			if err != nil {
				t.Fatal(err)
			}
			e.waitFake("notes marked", func() bool {
				marked := map[string]bool{}
				for _, r := range e.fake.Reactions() {
					marked[r.TS] = r.Name == "lock"
				}
				return marked[noteTS] && marked[bobTS]
			})

			// Edit: the user's copy changes in place.
			if _, err := e.fake.EditAsUser(e.ctx, channel, replyTS, "*Sorry* about the delay"); err != nil {
				t.Fatal(err)
			}
			e.waitWeb(chat, "edit", func(ds []bridgetest.Delivery) bool {
				return slices.ContainsFunc(ds, func(d bridgetest.Delivery) bool {
					return d.Kind == "edit" && d.Message.Text == "**Sorry** about the delay"
				})
			})

			// A file shared in the thread reaches the user as an attachment.
			file := e.fake.AddFile("label.pdf", []byte("%PDF-1.4 return label"))
			if _, _, err := e.fake.PostAsUser(e.ctx, channel, "UANA", "here is the label", root, file); err != nil {
				t.Fatal(err)
			}
			ds = e.waitWeb(chat, "file", hasMessage("here is the label"))
			if att := bridgetest.Last(ds).Message.Attachments; len(att) != 1 || att[0].Name != "label.pdf" || att[0].URL == "" {
				t.Fatalf("attachments = %+v", att)
			}

			// Resolve: the user is told, the card shows it with no buttons.
			if _, err := e.fake.Click(e.ctx, "UANA", channel, root, "handoff_resolve", id.String()); err != nil {
				t.Fatal(err)
			}
			e.waitWeb(chat, "resolved notice", hasMessage("has closed this conversation"))
			e.waitFake("card resolved", func() bool {
				m := e.root(root)
				return strings.Contains(texts(m), "Resolved") && len(actionIDs(t, m)) == 0
			})

			// The AI answers again.
			e.userSays(chat, "hello again")
			e.waitWeb(chat, "AI answers after resolve", func(ds []bridgetest.Delivery) bool {
				return bridgetest.Last(ds).Message.Text == "Hi there!" && len(ds) > 6
			})

			// Nothing the notes said, and none of the bot's own posts, reached
			// the user.
			for _, d := range e.web.To(chat) {
				for _, bad := range []string{"warehouse", "take over", "Pending"} {
					if strings.Contains(d.Message.Text, bad) {
						t.Errorf("user got %q", d.Message.Text)
					}
				}
			}
		})
	}
}
