package telegram

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxMessageLength is Telegram's limit on a message's visible text, in
// UTF-16 code units after entity parsing.
const MaxMessageLength = 4096

// token is one indivisible piece of Telegram HTML: a tag, an entity, or one
// character of text.
type token struct {
	s     string
	open  string // tag name, for an opening tag
	close string // tag name, for a closing tag
	width int    // visible length in UTF-16 code units
	space bool   // a space or line break: a good place to split after
	line  bool   // a line break: the best place to split after
}

func tokenize(html string) []token {
	var out []token
	for i := 0; i < len(html); {
		switch html[i] {
		case '<':
			end := strings.IndexByte(html[i:], '>')
			if end < 0 {
				end = len(html) - i - 1
			}
			t := token{s: html[i : i+end+1]}
			inner := strings.TrimSuffix(strings.TrimPrefix(t.s, "<"), ">")
			if name, ok := strings.CutPrefix(inner, "/"); ok {
				t.close = name
			} else {
				name, _, _ := strings.Cut(inner, " ")
				t.open = name
			}
			out = append(out, t)
			i += end + 1
		case '&':
			end := strings.IndexByte(html[i:], ';')
			if end < 0 {
				end = 0
			}
			out = append(out, token{s: html[i : i+end+1], width: 1})
			i += end + 1
		default:
			r, n := utf8.DecodeRuneInString(html[i:])
			out = append(out, token{s: html[i : i+n], width: len(utf16.Encode([]rune{r})), space: r == ' ' || r == '\n', line: r == '\n'})
			i += n
		}
	}
	return out
}

// openTag is a tag open at some point, with its full text for reopening.
type openTag struct{ name, text string }

// SplitHTML cuts Telegram HTML into messages of at most limit visible
// characters. Cuts fall after a line break if one is in the second half of
// a message, else after a space, else between characters; never inside a
// tag or an entity. Tags open at a cut are closed at the end of one message
// and opened again at the start of the next, so every part is valid alone.
func SplitHTML(html string, limit int) []string {
	toks := tokenize(html)
	var parts []string
	var stack []openTag
	for start := 0; start < len(toks); {
		// Skip the spaces a cut leaves at the start of a message.
		for start < len(toks) && toks[start].space {
			start++
		}
		if start == len(toks) {
			break
		}
		cut, width := start, 0
		bestLine, bestSpace := -1, -1
		for cut < len(toks) && width+toks[cut].width <= limit {
			width += toks[cut].width
			if toks[cut].line && width > limit/2 {
				bestLine = cut + 1
			} else if toks[cut].space {
				bestSpace = cut + 1
			}
			cut++
		}
		if cut < len(toks) {
			switch {
			case bestLine > start:
				cut = bestLine
			case bestSpace > start:
				cut = bestSpace
			case cut == start:
				cut = start + 1 // one token wider than the limit: cannot happen for limit ≥ 2
			}
		}
		var b strings.Builder
		for _, t := range stack {
			b.WriteString(t.text)
		}
		for _, t := range toks[start:cut] {
			b.WriteString(t.s)
			switch {
			case t.open != "":
				stack = append(stack, openTag{t.open, t.s})
			case t.close != "" && len(stack) > 0:
				stack = stack[:len(stack)-1]
			}
		}
		for i := len(stack) - 1; i >= 0; i-- {
			b.WriteString("</" + stack[i].name + ">")
		}
		if part := strings.TrimSpace(b.String()); visibleWidth(part) > 0 {
			parts = append(parts, part)
		}
		start = cut
	}
	return parts
}

// visibleWidth is the visible length of Telegram HTML.
func visibleWidth(html string) int {
	w := 0
	for _, t := range tokenize(html) {
		w += t.width
	}
	return w
}
