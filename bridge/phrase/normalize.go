package phrase

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns the canonical form of s used for all matching: NFKD,
// combining marks and invisible format characters removed, lower case
// ("ß" becomes "ss"), and runs of anything that is not a letter or a digit
// collapsed into one space, with no leading or trailing space. Invalid UTF-8
// is treated as a word break. Normalize is idempotent.
func Normalize(s string) string {
	// Most configured phrases and many short messages are already in normal
	// form; returning s itself then costs no allocation.
	if isNormalASCII(s) {
		return s
	}
	n := getNormalizer()
	n.appendString(s)
	out := string(n.out)
	putNormalizer(n)
	return out
}

// isNormalASCII reports whether s is ASCII and already normalised.
func isNormalASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == ' ' && i > 0 && i < len(s)-1 && s[i-1] != ' ':
		default:
			return false
		}
	}
	return true
}

// normalizer appends the normal form of text to a reusable buffer, so that
// Match and IsYes normalise without allocating.
type normalizer struct {
	out []byte
	// gap records a word break seen since the last word rune. The space is
	// written lazily, before the next word rune, which both collapses runs of
	// breaks and keeps leading and trailing breaks out of the output.
	gap bool
	// unspaced records that the output holds a rune of a script written
	// without spaces; substring phrases cannot match otherwise.
	unspaced bool
}

// maxPooledBuf bounds the buffer kept in the pool, so that one huge message
// does not pin its memory for the life of the process.
const maxPooledBuf = 64 << 10

var normalizers = sync.Pool{New: func() any { return &normalizer{out: make([]byte, 0, 256)} }}

func getNormalizer() *normalizer {
	n := normalizers.Get().(*normalizer)
	n.out, n.gap, n.unspaced = n.out[:0], false, false
	return n
}

func putNormalizer(n *normalizer) {
	if cap(n.out) <= maxPooledBuf {
		normalizers.Put(n)
	}
}

func (n *normalizer) appendString(s string) {
	// ASCII dominates real traffic: it is handled inline with one table
	// lookup per byte, on local copies of the state that stay in registers.
	out, gap := n.out, n.gap
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if l := asciiFold[c]; l == 0 {
				gap = true
			} else {
				if gap && len(out) > 0 {
					out = append(out, ' ')
				}
				gap = false
				out = append(out, l)
			}
			i++
			continue
		}
		n.out, n.gap = out, gap
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError {
			n.gap = true
		} else {
			n.decompose(r, s[i:i+size])
		}
		i += size
		out, gap = n.out, n.gap
	}
	n.out, n.gap = out, gap
}

func (n *normalizer) ascii(c byte) {
	if l := asciiFold[c]; l != 0 {
		n.word(rune(l))
	} else {
		n.gap = true
	}
}

// asciiFold maps an ASCII letter or digit to its normal form and every other
// ASCII byte to 0, a word break.
var asciiFold = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c] = c
		t[c-'a'+'A'] = c
	}
	return t
}()

// decompose processes the non-ASCII rune r, whose UTF-8 encoding is enc, via
// its full NFKD decomposition (the norm tables store it fully expanded). Decomposing rune by rune, rather than running
// a norm.Iter over the text, skips canonical reordering; that only reorders
// combining marks (every rune with a non-zero combining class is a mark),
// which are dropped anyway, so the result is the same and cheaper.
func (n *normalizer) decompose(r rune, enc string) {
	if hangulFirst <= r && r <= hangulLast {
		// The norm tables leave Hangul syllables out; their decomposition
		// into jamo is algorithmic (Unicode §3.12).
		s := r - hangulFirst
		n.word(jamoL + s/(jamoV*jamoT))
		n.word(jamoVBase + s%(jamoV*jamoT)/jamoT)
		if t := s % jamoT; t != 0 {
			n.word(jamoTBase + t)
		}
		return
	}
	d := norm.NFKD.PropertiesString(enc).Decomposition()
	if d == nil {
		n.fold(r, 0)
		return
	}
	n.decomposition(d, 0)
}

// decomposition processes the runes of an NFKD decomposition.
func (n *normalizer) decomposition(d []byte, depth int) {
	for len(d) > 0 {
		rr, size := utf8.DecodeRune(d)
		if rr < utf8.RuneSelf {
			n.ascii(byte(rr))
		} else {
			n.fold(rr, depth)
		}
		d = d[size:]
	}
}

const (
	hangulFirst = 0xAC00
	hangulLast  = 0xD7A3
	jamoL       = 0x1100
	jamoVBase   = 0x1161
	jamoTBase   = 0x11A7
	jamoV       = 21
	jamoT       = 28
)

// fold handles a non-ASCII rune that has no decomposition.
func (n *normalizer) fold(r rune, depth int) {
	switch {
	case unicode.In(r, unicode.M, unicode.Cf):
		// Marks: accents, Indic vowel signs, dakuten. Dropping all of them,
		// not just Mn, keeps words whole in scripts that use spacing marks.
		// Format characters (soft hyphen, zero-width joiner, BOM) are
		// invisible, so "hu\u00adman" should still read "human".
	case r == 'ß' || r == 'ẞ':
		n.word('s')
		n.word('s')
	case unicode.IsLetter(r):
		l := unicode.ToLower(r)
		if l == 'ς' { // final sigma is only a positional variant of σ
			l = 'σ'
		}
		if l != r && depth == 0 && l >= utf8.RuneSelf {
			// The lower-case form may itself decompose; run it through
			// again so that Normalize stays idempotent.
			var buf [utf8.UTFMax]byte
			k := utf8.EncodeRune(buf[:], l)
			if d := norm.NFKD.Properties(buf[:k]).Decomposition(); d != nil {
				n.decomposition(d, depth+1)
				return
			}
		}
		n.word(l)
	case unicode.IsDigit(r):
		n.word(r)
	default:
		n.gap = true
	}
}

// word appends a letter or digit, preceded by the pending word break if any.
func (n *normalizer) word(r rune) {
	if n.gap {
		if len(n.out) > 0 {
			n.out = append(n.out, ' ')
		}
		n.gap = false
	}
	if r < utf8.RuneSelf {
		n.out = append(n.out, byte(r))
		return
	}
	if isUnspaced(r) {
		n.unspaced = true
	}
	n.out = utf8.AppendRune(n.out, r)
}

// unspacedScripts are scripts conventionally written without spaces between
// words, where word-boundary matching is meaningless (see package doc).
var unspacedScripts = []*unicode.RangeTable{
	unicode.Han, unicode.Hiragana, unicode.Katakana,
	unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar,
}

func isUnspaced(r rune) bool {
	// Everything below Thai is spaced; skip the table lookups for it.
	return r >= 0x0E00 && unicode.In(r, unspacedScripts...)
}
