package whatsapp

import (
	"regexp"
	"strings"
)

// markdownLink is an inline Markdown link with an http(s) or mailto target.
var markdownLink = regexp.MustCompile(`\[([^\[\]\n]*)\]\(((?:https?://|mailto:)[^()\s]*)\)`)

// markdownEscape is a Markdown backslash escape: the ASCII punctuation
// character after it is meant literally.
var markdownEscape = regexp.MustCompile("\\\\[!-/:-@\\[-`{-~]")

// wordJoiner is invisible; around a formatting character it keeps
// WhatsApp, which has no escapes, from pairing it with another.
const wordJoiner = "\u2060"

// toWhatsApp turns the Markdown of the bridge's lines, AI answers and agent
// replies into WhatsApp's own formatting: **bold** and __bold__ become
// *bold*, ~~strike~~ becomes ~strike~, and a link becomes its text followed
// by its address in parentheses (WhatsApp shows Markdown links as typed,
// and makes bare addresses clickable). Code spans and blocks use backticks
// on both sides and stay as they are. An escaped character (the bridge
// escapes text from outside, such as a user's name) is shown without its
// backslash, and one WhatsApp formats with cannot format.
func toWhatsApp(md string) string {
	var b strings.Builder
	last := 0
	for _, esc := range markdownEscape.FindAllStringIndex(md, -1) {
		b.WriteString(formatted(md[last:esc[0]]))
		c := md[esc[0]+1 : esc[1]]
		if strings.Contains("*_~`", c) {
			c = wordJoiner + c + wordJoiner
		}
		b.WriteString(c)
		last = esc[1]
	}
	b.WriteString(formatted(md[last:]))
	return b.String()
}

// formatted converts Markdown without escapes.
func formatted(md string) string {
	s := strings.NewReplacer("**", "*", "__", "_", "~~", "~").Replace(md)
	return markdownLink.ReplaceAllStringFunc(s, func(m string) string {
		parts := markdownLink.FindStringSubmatch(m)
		text, target := strings.TrimSpace(parts[1]), parts[2]
		switch {
		case text == "" || text == target:
			return target
		case "mailto:"+text == target:
			return text // WhatsApp makes a bare address clickable
		}
		return text + " (" + target + ")"
	})
}
