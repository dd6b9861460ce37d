package knowledgebase

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// tokens appends the normalised terms of s to dst: decomposed, combining
// marks removed, lower case, split on non-alphanumerics, stop words removed,
// stemmed.
func tokens(dst []string, s string) []string {
	flat := fold(s)
	for len(flat) > 0 {
		i := strings.IndexByte(flat, ' ')
		var w string
		if i < 0 {
			w, flat = flat, ""
		} else {
			w, flat = flat[:i], flat[i+1:]
		}
		if w == "" || isStopWord(w) {
			continue
		}
		if utf8.RuneCountInString(w) == 1 && !isDigit(w[0]) {
			continue // stray letters: "s" of "user s", "t" of "don t"
		}
		dst = append(dst, stem(w))
	}
	return dst
}

// fold returns s decomposed (NFKD), without combining marks and apostrophes,
// in lower case, with every other non-letter, non-digit rune replaced by a
// space.
func fold(s string) string {
	if !isASCII(s) {
		s = norm.NFKD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == 'ʼ' || r == '`':
			// dropped: "can't" is "cant"
		case unicode.Is(unicode.Mn, r):
			// combining mark left by the decomposition: dropped
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

func hasVowel(s string) bool {
	for i := 0; i < len(s); i++ {
		if isVowel(s[i]) {
			return true
		}
	}
	return false
}

// stem strips a few English suffixes so that inflected forms meet: plurals
// ("refunds", "boxes", "policies"), -ing and -ed (with a doubled final
// consonant undone: "shipping", "shipped" → "ship") and a final e ("price",
// "pricing" → "pric"). It is deliberately light: it only has to map a word
// and its usual variants to the same term, not to a dictionary word.
func stem(w string) string {
	if len(w) < 3 {
		return w
	}
	switch {
	case len(w) <= 3:
		// "gas", "yes", "bus": too short to be plurals
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "zes"),
		strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
		// "address", "status", "analysis": not plurals
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ing") && len(w) >= 5 && hasVowel(w[:len(w)-3]):
		w = undouble(w[:len(w)-3])
	case strings.HasSuffix(w, "eed"):
		// "need", "speed": not a past tense
	case strings.HasSuffix(w, "ed") && len(w) >= 4 && hasVowel(w[:len(w)-2]):
		w = undouble(w[:len(w)-2])
	}
	if len(w) >= 3 && w[len(w)-1] == 'e' {
		w = w[:len(w)-1]
	}
	return w
}

// undouble turns "shipp" into "ship", but keeps "bill", "pass" and "buzz".
func undouble(w string) string {
	n := len(w)
	if n >= 3 && w[n-1] == w[n-2] && !isVowel(w[n-1]) {
		switch w[n-1] {
		case 'l', 's', 'z':
			return w
		}
		return w[:n-1]
	}
	return w
}

func isStopWord(w string) bool {
	_, ok := stopWords[w]
	return ok
}

// stopWords are frequent English words that carry no topic, and the fillers
// of chat messages. They are matched after folding (so "can't" is "cant").
var stopWords = func() map[string]struct{} {
	const list = `a about after again all also am an and any are as at be
	been before being both but by can cant could couldnt did didnt do does doesnt
	doing dont for from had has have having he her here hers him his how i id if
	im in into is isnt it its ive just me mine more most my myself no nor not of
	off on once only or other our ours out over own same she should so some such
	than that thats the their theirs them then there these they this those to too
	under until up very was wasnt we were what whats when where which while who
	whom why will with wont would you youre your yours
	hi hello hey please pls thanks thank thx ok okay dear
	want wanted need know tell like get got`
	m := make(map[string]struct{}, 200)
	for _, w := range strings.Fields(list) {
		m[w] = struct{}{}
	}
	return m
}()
