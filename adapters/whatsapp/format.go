package whatsapp

import (
	"regexp"
	"strings"
)

// markdownLink is an inline Markdown link with an http(s) or mailto target.
var markdownLink = regexp.MustCompile(`\[([^\[\]\n]*)\]\(((?:https?://|mailto:)[^()\s]*)\)`)

// toWhatsApp turns the Markdown of AI answers and agent replies into
// WhatsApp's own formatting: **bold** and __bold__ become *bold*, ~~strike~~
// becomes ~strike~, and a link becomes its text followed by its address in
// parentheses (WhatsApp shows Markdown links as typed, and makes bare
// addresses clickable). Code spans and blocks use backticks on both sides
// and stay as they are.
func toWhatsApp(md string) string {
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
