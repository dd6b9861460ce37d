package discord

import (
	"strings"
	"unicode/utf8"
)

// Discord's limits.
const (
	maxContent     = 2000
	maxEmbedTotal  = 6000
	maxFieldValue  = 1024
	maxEmbedTitle  = 256
	maxEmbedDesc   = 4096
	maxThreadName  = 100
	maxButtonLabel = 80
)

// zwsp breaks a mention so that it shows as typed but pings nobody.
const zwsp = "\u200b"

var mentionBreaker = strings.NewReplacer(
	"@everyone", "@"+zwsp+"everyone",
	"@here", "@"+zwsp+"here",
	"<@", "<@"+zwsp, // users <@id>, <@!id> and roles <@&id>
)

// neutralize keeps text as written (Markdown included) but makes every
// mention in it inert: @everyone, @here, <@id>, <@!id>, <@&id>. The
// allowed_mentions of each send is a second fence.
func neutralize(s string) string { return mentionBreaker.Replace(s) }

// markdownChars are the characters Discord's Markdown formats with:
// emphasis, code, spoilers, quotes, headings, lists, masked links, and the
// < of mentions, channel links and timestamps.
const markdownChars = "\\*_~`|>#[]()<-"

// escapeMarkdown makes text from outside (what a user wrote, a name, a
// page address) show in a message of the bot exactly as typed: each
// Markdown character is escaped with a backslash, which Discord honours
// before any punctuation, and mentions are made inert. Line breaks stay.
func escapeMarkdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for _, r := range s {
		if strings.ContainsRune(markdownChars, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return neutralize(b.String())
}

// truncate cuts s to at most n characters, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// split cuts s into pieces of at most limit characters, preferring line
// breaks, then spaces, so that no word or Markdown line is torn when it
// can be helped. Whitespace at a cut is dropped.
func split(s string, limit int) []string {
	r := []rune(s)
	var out []string
	for len(r) > limit {
		cut := lastIndex(r[:limit], '\n')
		if cut < limit/2 {
			cut = max(cut, lastIndex(r[:limit], ' '))
		}
		if cut <= 0 {
			cut = limit
		}
		out = append(out, string(r[:cut]))
		r = r[cut:]
		for len(r) > 0 && (r[0] == '\n' || r[0] == ' ') {
			r = r[1:]
		}
	}
	if len(r) > 0 || len(out) == 0 {
		out = append(out, string(r))
	}
	return out
}

func lastIndex(r []rune, c rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == c {
			return i
		}
	}
	return -1
}

// pack joins blocks into as few messages of at most limit characters as
// possible, in order; a block longer than limit is split.
func pack(blocks []string, limit int) []string {
	var out []string
	var cur strings.Builder
	for _, b := range blocks {
		for _, piece := range split(b, limit) {
			n := utf8.RuneCountInString(cur.String())
			if n > 0 && n+1+utf8.RuneCountInString(piece) > limit {
				out = append(out, cur.String())
				cur.Reset()
			}
			if cur.Len() > 0 {
				cur.WriteString("\n")
			}
			cur.WriteString(piece)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
