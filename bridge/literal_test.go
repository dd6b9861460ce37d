package bridge_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/handoffbridge/handoff/bridge"
)

// markdown is parsed as the HTML destinations parse it (console, widget):
// CommonMark with strikethrough and bare links.
var markdown = goldmark.New(goldmark.WithExtensions(extension.Strikethrough, extension.Linkify))

// oneLine is what EscapeMarkdown keeps of s: the text on one line.
func oneLine(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s))
}

// renderedText renders a bot line as HTML and returns the text of its only
// paragraph; ok is false when the HTML is anything more than one paragraph
// holding one text node (a link, emphasis, code, a heading, a list, …).
func renderedText(t *testing.T, line string) (text string, ok bool) {
	t.Helper()
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(line), &buf); err != nil {
		t.Fatal(err)
	}
	body, err := html.ParseFragment(&buf, &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		t.Fatal(err)
	}
	var blocks []*html.Node
	for _, n := range body {
		if n.Type == html.TextNode && strings.TrimSpace(n.Data) == "" {
			continue
		}
		blocks = append(blocks, n)
	}
	if len(blocks) != 1 || blocks[0].Data != "p" {
		return buf.String(), false
	}
	p := blocks[0]
	if p.FirstChild == nil || p.FirstChild != p.LastChild || p.FirstChild.Type != html.TextNode {
		return buf.String(), false
	}
	return p.FirstChild.Data, true
}

func TestEscapeMarkdownKeepsTextLiteral(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"masked link", "[Verify your session](https://evil.example)"},
		{"slack link", "<https://evil.example|Verify your Slack session>"},
		{"bare link", "https://evil.example/login"},
		{"www link", "WWW.evil.example"},
		{"email", "ana@example.com"},
		{"emphasis", "**Ana** _the_ ~~admin~~ `code`"},
		{"html", `<a href="https://evil.example">x</a> &amp; <img src=x>`},
		{"heading", "# Ana"},
		{"list", "- Ana"},
		{"ordered list", "1. Ana"},
		{"ordered list paren", "12) Ana"},
		{"quote", "> Ana"},
		{"thematic break", "***"},
		{"setext", "==="},
		{"escape", `Ana\*`},
		{"line breaks", "Ana\n\n# Admin\r\n[x](https://evil.example)"},
		{"plain", "Ana María O'Brien-Smith Jr."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, line := range []string{bridge.EscapeMarkdown(tc.in), "Thank you, " + bridge.EscapeMarkdown(tc.in) + "."} {
				got, ok := renderedText(t, line)
				want := strings.Replace(line, bridge.EscapeMarkdown(tc.in), oneLine(tc.in), 1)
				if !ok || got != want {
					t.Errorf("%q renders as %q, want the text %q", line, got, want)
				}
			}
		})
	}
}

// FuzzEscapeMarkdown: whatever a user types, put into a bot line it
// renders as exactly that text, on one line, with no markup.
func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range []string{"Ana", "[a](https://x.example)", "<https://x|y>", "**b** _i_ `c` ~~s~~", "# h\n- l\n1. n",
		"www.x.example a@b.example https://x", "&amp; &#60; \\* \\", "||spoiler||", "  1) x  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		esc := bridge.EscapeMarkdown(s)
		if strings.ContainsAny(esc, "\n\r") {
			t.Fatalf("EscapeMarkdown(%q) = %q spans lines", s, esc)
		}
		for _, line := range []string{esc, "Lead: " + esc + " (new)"} {
			if line == "" {
				continue // nothing to show
			}
			got, ok := renderedText(t, line)
			want := strings.Replace(line, esc, oneLine(s), 1)
			if !ok || got != want {
				t.Fatalf("%q (from %q) renders as %q, want the text %q", line, s, got, want)
			}
		}
	})
}
