package telegram

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/handoffbridge/handoff/bridge"
)

// FuzzUserTextInLines: whatever a user types, put into a line of the
// bridge and converted to Telegram HTML, it parses as text alone, reading
// as typed (on one line).
func FuzzUserTextInLines(f *testing.F) {
	for _, s := range []string{"Ana", `<a href="https://evil.example">x</a>`, "[a](https://x.example)", "**b** _i_ `c`", "&amp; &lt;", "a\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MarkdownToHTML("Thank you, " + bridge.EscapeMarkdown(s) + ".")
		nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
		if err != nil {
			t.Fatal(err)
		}
		var got strings.Builder
		for _, n := range nodes {
			if n.Type != html.TextNode {
				t.Fatalf("%q gives %q, with an element", s, out)
			}
			got.WriteString(n.Data)
		}
		want := "Thank you, " + strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
				return ' '
			}
			return r
		}, s)) + "."
		if got.String() != want {
			t.Fatalf("%q gives %q, which reads %q", s, out, got.String())
		}
	})
}
