package mattermost

import (
	"strings"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/bridge"
)

// maxMessage keeps a post under Mattermost's 16,383 characters.
const maxMessage = 16000

// markdownEscaper backslash-escapes what Mattermost's Markdown would
// interpret in text typed by users, and breaks @mentions (@channel, @all,
// @someone) and ~channel links with a zero-width space, so that a user's
// words never format, ping or link by surprise.
var markdownEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`,
	`|`, `\|`, `#`, `\#`, `~`, "~\u200b", `@`, "@\u200b",
)

// EscapeText makes text typed by someone outside the team safe to show
// as Mattermost Markdown, literally.
func EscapeText(s string) string { return markdownEscaper.Replace(s) }

// renderPost is one thread entry as Markdown: who wrote it (and when, for
// the history), then the text; a user's text is escaped, the bridge's,
// the AI's and agents' Markdown kept.
func renderPost(p bridge.ThreadPost) string {
	var b strings.Builder
	if p.Role == bridge.RoleSystem {
		b.WriteString("ℹ️ _" + strings.TrimSpace(p.Text) + "_")
	} else {
		icon := map[bridge.Role]string{bridge.RoleUser: "👤", bridge.RoleAI: "🤖", bridge.RoleAgent: "🎧"}[p.Role]
		author := p.Author
		if author == "" {
			author = string(p.Role)
		}
		b.WriteString(icon + " **" + EscapeText(author) + "**")
		if p.History && !p.At.IsZero() {
			b.WriteString(" · " + p.At.UTC().Format("2006-01-02 15:04 UTC"))
		}
		b.WriteString("\n")
		if p.Role == bridge.RoleUser {
			b.WriteString(EscapeText(p.Text))
		} else {
			b.WriteString(p.Text)
		}
	}
	for _, a := range p.Attachments {
		name := a.Name
		if name == "" {
			name = "file"
		}
		if a.URL != "" && (strings.HasPrefix(a.URL, "https://") || strings.HasPrefix(a.URL, "http://")) {
			b.WriteString("\n📎 [" + EscapeText(name) + "](" + strings.ReplaceAll(a.URL, ")", "%29") + ")")
		} else {
			b.WriteString("\n📎 " + EscapeText(name))
		}
	}
	return b.String()
}

// chunk is one Mattermost post of a batch: its text, and which entries
// (posts[first..last]) and which piece of the first one it carries.
type chunk struct {
	text        string
	first, last int
	piece       int
}

// packPosts joins rendered entries into as few messages as Mattermost's
// limit allows, in order; an entry too long for one message is cut.
func packPosts(posts []bridge.ThreadPost) []chunk {
	var out []chunk
	var cur strings.Builder
	c := chunk{first: -1}
	n := 0
	for i, p := range posts {
		for k, piece := range split(renderPost(p), maxMessage) {
			size := utf8.RuneCountInString(piece)
			if n > 0 && n+2+size > maxMessage {
				c.text = cur.String()
				out = append(out, c)
				cur.Reset()
				n, c = 0, chunk{first: -1}
			}
			if n > 0 {
				cur.WriteString("\n\n")
				n += 2
			}
			if c.first < 0 {
				c.first, c.piece = i, k
			}
			c.last = i
			cur.WriteString(piece)
			n += size
		}
	}
	if n > 0 {
		c.text = cur.String()
		out = append(out, c)
	}
	return out
}

// split cuts s into pieces of at most limit runes, at a line break or a
// space in the second half of a piece where there is one.
func split(s string, limit int) []string {
	var out []string
	for utf8.RuneCountInString(s) > limit {
		at := 0
		for range limit {
			_, size := utf8.DecodeRuneInString(s[at:])
			at += size
		}
		cut := s[:at]
		if i := strings.LastIndexAny(cut, "\n "); i > len(cut)/2 {
			at = i + 1
		}
		out = append(out, s[:at])
		s = s[at:]
	}
	return append(out, s)
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
