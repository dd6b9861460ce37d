package slack

import (
	"strings"
	"testing"
	"unicode"

	"github.com/handoffbridge/handoff/bridge"
)

// oneLine is what bridge.EscapeMarkdown keeps of s: the text on one line.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s))
}

// FuzzUserTextInLines: whatever a user types, put into a line of the
// bridge and converted to mrkdwn, it has no < or > (no link, mention or
// broadcast) and reads as typed once the entities are decoded and the
// word joiners taken out.
func FuzzUserTextInLines(f *testing.F) {
	for _, s := range []string{"Ana", "<https://evil.example|Verify your Slack session>", "[a](https://x.example)",
		"*b* _i_ ~s~ `c`", "<!channel> @here &amp; &lt;", "```\ncode\n```", "a\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := ToMrkdwn("Thank you, " + bridge.EscapeMarkdown(s) + ".")
		if strings.ContainsAny(out, "<>") {
			t.Fatalf("%q gives %q", s, out)
		}
		got := strings.ReplaceAll(unescaper.Replace(out), wordJoiner, "")
		if want := strings.ReplaceAll("Thank you, "+oneLine(s)+".", wordJoiner, ""); got != want {
			t.Fatalf("%q gives %q, which reads %q", s, out, got)
		}
	})
}
