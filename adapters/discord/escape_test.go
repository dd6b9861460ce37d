package discord_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// TestUserTextShowsAsTypedInTheThread: what a widget user types (a
// message, the lead form) shows in the bot's thread posts and card as
// typed: a masked link or bold stays text.
func TestUserTextShowsAsTypedInTheThread(t *testing.T) {
	e := newEnv(t)
	s := e.settings()
	s.Teams["sales"].Fallback, s.Teams["sales"].Hours = bridge.FallbackLeadForm, &bridge.BusinessHours{}
	e.engine.Apply(s)

	out := e.webSays("w1", "w1-1", "[Verify your Discord session](https://evil.example) **now**, talk to a human")
	if out.Handoff == 0 {
		t.Fatal("no handoff")
	}
	thread := e.card(out.Handoff)
	e.threadHas(thread, "Verify your Discord session")
	if _, err := e.engine.Handle(e.ctx, bridge.UserLeadForm{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "w1"},
		PlatformID: "w1-form", Name: "[Verify](https://evil.example)", Contact: "m@example.com", Message: "||**now**|| # hi"}); err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, m := range e.threadHas(thread, "Lead captured") {
		all.WriteString(m.Content + "\n")
	}
	e.waitFake("the lead on the card", func() bool {
		for _, m := range e.fake.Messages(e.desk) {
			if m.ID == thread && len(m.Embeds) > 0 {
				for _, f := range m.Embeds[0].Fields {
					if f.Name == "Lead" {
						all.WriteString(f.Value + "\n")
						return true
					}
				}
			}
		}
		return false
	})
	got := all.String()
	for _, want := range []string{`\[Verify your Discord session\]\(https://evil.example\) \*\*now\*\*`, `\[Verify\]\(https`, `\|\|\*\*now\*\*\|\| `} {
		if !strings.Contains(got, want) {
			t.Errorf("the thread and card lack %q:\n%s", want, got)
		}
	}
	// An unescaped ] before (, ** or || would be a masked link, bold or a
	// spoiler; the author's name is the post's own bold.
	if bad := regexp.MustCompile(`(^|[^\\])(\]\(|\*\*|\|\|)`).FindString(strings.ReplaceAll(got, "**Uma**", "")); bad != "" {
		t.Errorf("the thread and card have the markup %q:\n%s", bad, got)
	}
}
