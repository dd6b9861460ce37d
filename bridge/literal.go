package bridge

import (
	"strings"
	"unicode"
)

// inlineMarkup are the characters that can start Markdown markup anywhere
// in a line: emphasis, code, links, HTML, entities, escapes, the
// strikethrough, table and Discord spoiler marks, and the colon and at
// sign of bare links (https://…, name@example.com) that renderers would
// turn into links.
const inlineMarkup = "\\`*_~[]<>&|:@"

// asciiPunctuation is what CommonMark lets a backslash escape; at the start
// of a line any of it may open a block (#, >, -, +, =, …).
const asciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// EscapeMarkdown makes text from outside the bridge (a user's or an agent's
// name, a lead's message, an error) safe to put into a line the bridge
// writes. Every line of the bridge is Markdown, which each destination
// turns into its own markup (Slack mrkdwn, Discord, HTML, Telegram HTML,
// WhatsApp); with each character that could start markup escaped by a
// backslash, nothing in the text can become a link, emphasis, code, a
// heading, a list, a quote or HTML, and each renderer shows it as the
// plain text it was, escaped for its own markup, and not a link. The text may start a
// line, so its first character is escaped too when it is punctuation, as
// is the dot or parenthesis of a leading number ("1. "). Line breaks and
// other control characters become spaces, so that it stays in its line,
// and surrounding spaces are dropped, as Markdown would drop them.
//
// Agents' and the AI's own Markdown is not passed through here: they may
// format on purpose.
func EscapeMarkdown(s string) string {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s))
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	leadingDigits := true
	for i, r := range s {
		escape := strings.ContainsRune(inlineMarkup, r) ||
			i == 0 && r < 0x80 && strings.ContainsRune(asciiPunctuation, r) ||
			leadingDigits && i > 0 && (r == '.' || r == ')') ||
			r == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www") // a bare www.… link
		leadingDigits = leadingDigits && r >= '0' && r <= '9'
		if escape {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
