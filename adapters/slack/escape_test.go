package slack_test

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// closedWithLeadForm makes the support team's fallback the lead form and
// its business hours never open, so that a request falls back at once.
func closedWithLeadForm(s *bridge.Settings) {
	team := s.Teams["support"]
	team.Fallback = bridge.FallbackLeadForm
	team.Hours = &bridge.BusinessHours{} // open on no day
}

// TestLeadLineShowsUserTextAsText: what a user types into the lead form
// shows in the thread's "Lead captured" line as typed, never as a link or
// formatting under the bot's name.
func TestLeadLineShowsUserTextAsText(t *testing.T) {
	e := newEnv(t, envOptions{settings: closedWithLeadForm})
	_, root := e.requestThread("c1")
	_, err := e.engine.Handle(e.ctx, bridge.UserLeadForm{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "c1"},
		PlatformID: "form1", Name: "<https://evil.example|Verify your Slack session>", Contact: "mallory@example.com",
		Message: "[Verify your Slack session](https://evil.example) *now* <!channel>"})
	if err != nil {
		t.Fatal(err)
	}
	var line string
	e.waitFake("the lead line", func() bool {
		for _, m := range e.fake.Replies(channel, root) {
			if strings.Contains(m.Text, "Lead captured") {
				line = texts(m) + m.Text
				return true
			}
		}
		return false
	})
	for _, want := range []string{
		"&lt;https://evil.example|Verify your Slack session&gt;",
		"[Verify your Slack session](https://evil.example)",
		"&lt;!channel&gt;",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("the lead line lacks %q:\n%s", want, line)
		}
	}
	for _, bad := range []string{"<https://evil.example", "<!channel>", "*now*", `\`} {
		if strings.Contains(line, bad) {
			t.Errorf("the lead line has %q:\n%s", bad, line)
		}
	}
}
