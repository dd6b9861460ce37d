package discord_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
)

// withCannedReplies reloads the settings with canned replies for sales.
func (e *env) withCannedReplies() {
	s := e.settings()
	s.Teams["sales"].CannedReplies = []bridge.CannedReply{
		{Name: "hello", Text: "Hi {user_name}, I'm {agent_name}."},
		{Name: "help", Text: "How can I help?"},
		{Name: "refund", Text: "Refunds take 5 days."},
	}
	e.engine.Apply(s)
}

// reply runs /reply name in channel as u and returns the private answer.
func (e *env) reply(channel string, u discordgo.User, name string) string {
	e.t.Helper()
	in, err := e.fake.RunCommandWith(channel, "reply", u, discordfake.Option{Name: "name", Value: name})
	if err != nil {
		e.t.Fatal(err)
	}
	var text string
	e.waitFake("/reply answered", func() bool {
		got := e.fake.InteractionOf(in.Token)
		if len(got.Followups) == 0 {
			return false
		}
		m, _ := e.fake.MessageByID(got.Followups[0].ID)
		text = m.Content
		return !m.Loading && m.Ephemeral
	})
	return text
}

func TestReplyCommandSendsCannedReply(t *testing.T) {
	e := newEnv(t)
	e.withCannedReplies()
	e.waitFake("/reply registered", func() bool {
		return slices.ContainsFunc(e.fake.Commands(e.fake.GuildID), func(c discordgo.ApplicationCommand) bool {
			return c.Name == "reply" && len(c.Options) == 1 && c.Options[0].Autocomplete
		})
	})
	h := e.webSays("w1", "w1-1", "talk to a human").Handoff
	thread := e.card(h)
	e.threadHas(thread, "talk to a human") // the bridge knows the thread

	in, err := e.fake.Autocomplete(thread, "reply", e.ana, discordfake.Option{Name: "name", Value: "he", Focused: true})
	if err != nil {
		t.Fatal(err)
	}
	var choices []string
	e.waitFake("autocomplete answered", func() bool {
		got := e.fake.InteractionOf(in.Token)
		if len(got.Callbacks) == 0 {
			return false
		}
		if got.Callbacks[0].Type != discordgo.InteractionApplicationCommandAutocompleteResult {
			t.Fatalf("autocomplete answered with %+v", got.Callbacks[0])
		}
		choices = got.Callbacks[0].Choices
		return true
	})
	if strings.Join(choices, ",") != "hello,help" {
		t.Fatalf("autocomplete of %q = %q, want hello,help", "he", choices)
	}

	if got := e.reply(thread, e.ana, "hello"); !strings.Contains(got, "Only the agent who joined") {
		t.Fatalf("before joining: %q", got)
	}
	e.click(e.desk, thread, fmt.Sprintf("hb:join:%d", h), e.ana)
	waitWeb(t, e.web, "w1", "joined", webText("has joined"))
	if got := e.reply(thread, e.ana, "hello"); got != "Sent “hello”." {
		t.Fatalf("answer %q", got)
	}
	want := "I'm Ana."
	waitWeb(t, e.web, "w1", "the canned reply", webText(want))
	e.threadHas(thread, want)
	if got := e.reply(thread, e.bob, "refund"); !strings.Contains(got, "Only the agent who joined") {
		t.Fatalf("another agent: %q", got)
	}
	if got := e.reply(e.desk, e.ana, "refund"); got != "Run /reply in a handoff's thread." {
		t.Fatalf("outside a thread: %q", got)
	}
	for _, d := range e.web.To("w1") {
		if strings.Contains(d.Message.Text, "Refunds") {
			t.Fatalf("a refused canned reply reached the user: %+v", d.Message)
		}
	}
}
