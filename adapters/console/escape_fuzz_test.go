package console

import (
	"strings"
	"testing"
	"unicode"

	"github.com/handoffbridge/handoff/bridge"
)

// FuzzUserTextInLines: whatever a user types, put into a line of the
// bridge and rendered for the page, it is one paragraph of text reading as
// typed (on one line): no link, no formatting.
func FuzzUserTextInLines(f *testing.F) {
	for _, s := range []string{"Ana", phishName, phishMessage, "https://evil.example www.evil.example a@b.example", "# h\n- l", "&amp;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := entry{HTML: renderMarkdown("Thank you, " + bridge.EscapeMarkdown(s) + ".")}
		got, markup := shown(t, e)
		want := "Thank you, " + strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
				return ' '
			}
			return r
		}, s)) + "."
		if markup || got != want {
			t.Fatalf("%q renders as %q (markup: %v), which reads %q", s, e.HTML, markup, got)
		}
	})
}
