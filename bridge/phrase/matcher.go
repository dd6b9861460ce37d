package phrase

import (
	"bytes"
	"slices"
	"strings"
)

// Matcher finds which trigger's phrases occur in a message. Build it with
// NewMatcher; it is immutable afterwards and safe for concurrent use.
type Matcher struct {
	// byFirst indexes word-boundary phrases by their first word, so a message
	// costs one map lookup per word however many phrases are configured.
	byFirst map[string][]entry
	// substr holds phrases matched as substrings (unspaced scripts).
	substr []entry
}

// entry is one configured phrase. Entries in each slice are kept in rank
// order so that a scan can stop at the first hit that beats the best so far.
type entry struct {
	norm   []byte // normalised phrase, words separated by single spaces
	rank   int    // position in config order, sets first: lower wins
	set    int
	phrase string // as configured, reported back to the caller
}

// NewMatcher builds a Matcher for the given triggers: sets[i] is the phrase
// list of trigger i, in configuration order. Phrases that normalise to the
// empty string (blank, only punctuation or emoji) are ignored: they would
// otherwise match every message. A phrase repeated (after normalisation) is
// kept only at its first position, the only one that can ever win.
func NewMatcher(sets [][]string) *Matcher {
	m := &Matcher{byFirst: make(map[string][]entry)}
	seen := make(map[string]bool)
	rank := 0
	for set, phrases := range sets {
		for _, p := range phrases {
			n := getNormalizer()
			n.appendString(p)
			norm, unspaced := string(n.out), n.unspaced
			putNormalizer(n)
			if norm == "" || seen[norm] {
				continue
			}
			seen[norm] = true
			e := entry{norm: []byte(norm), rank: rank, set: set, phrase: p}
			rank++
			if unspaced {
				m.substr = append(m.substr, e)
				continue
			}
			first, _, _ := strings.Cut(norm, " ")
			m.byFirst[first] = append(m.byFirst[first], e)
		}
	}
	// Appending in config order already sorts by rank; keep it explicit
	// because Match relies on it.
	for _, es := range m.byFirst {
		slices.SortFunc(es, func(a, b entry) int { return a.rank - b.rank })
	}
	return m
}

// Match reports the trigger whose phrase occurs in text: set is its index in
// the sets given to NewMatcher and phrase the phrase as configured. When
// several triggers match, the lowest set index wins; within a set, the
// phrase listed first. ok is false (and set -1) when nothing matches. A nil
// Matcher matches nothing.
func (m *Matcher) Match(text string) (set int, phrase string, ok bool) {
	if m == nil || (len(m.byFirst) == 0 && len(m.substr) == 0) {
		return -1, "", false
	}
	n := getNormalizer()
	defer putNormalizer(n)
	n.appendString(text)
	buf := n.out

	var best *entry
	// Walk the words of the normalised text once. It has single spaces and
	// no leading or trailing space, so a byte-prefix comparison starting at a
	// word, followed by a space or the end, is exactly a whole-word match.
	for i := 0; i < len(buf); {
		j := bytes.IndexByte(buf[i:], ' ')
		if j < 0 {
			j = len(buf)
		} else {
			j += i
		}
		// The string(...) conversion in a map index does not allocate.
		for k, es := 0, m.byFirst[string(buf[i:j])]; k < len(es); k++ {
			e := &es[k]
			if best != nil && e.rank >= best.rank {
				break
			}
			rest := buf[i:]
			if bytes.HasPrefix(rest, e.norm) && (len(rest) == len(e.norm) || rest[len(e.norm)] == ' ') {
				best = e
				break
			}
		}
		if best != nil && best.rank == 0 {
			break // nothing can beat the very first phrase
		}
		i = j + 1
	}
	// An unspaced phrase contains an unspaced rune, so it cannot occur in a
	// text without one; most messages skip this loop entirely.
	if n.unspaced {
		for k := range m.substr {
			e := &m.substr[k]
			if best != nil && e.rank >= best.rank {
				break
			}
			if bytes.Contains(buf, e.norm) {
				best = e
				break
			}
		}
	}
	if best == nil {
		return -1, "", false
	}
	return best.set, best.phrase, true
}
