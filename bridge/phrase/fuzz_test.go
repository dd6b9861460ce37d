package phrase

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "Talk to a HUMAN!", "señora", "Straße", "人工客服", "ｶﾞ", "한국어"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if again := Normalize(n); again != n {
			t.Fatalf("not idempotent: Normalize(%q) = %q, then %q", s, n, again)
		}
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, n)
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("Normalize(%q) = %q has stray spaces", s, n)
		}
	})
}

func FuzzMatch(f *testing.F) {
	f.Add("Can I TALK to a... human??", "talk to a human", "human")
	f.Add("我要人工客服", "人工客服", "客服")
	f.Add("humane", "human", "")
	f.Fuzz(func(t *testing.T, text, p0, p1 string) {
		m := NewMatcher([][]string{{p0}, {p1}})
		set, phrase, ok := m.Match(text)
		set2, phrase2, ok2 := m.Match(Normalize(text))
		if set != set2 || phrase != phrase2 || ok != ok2 {
			t.Fatalf("Match(%q) = %d,%q,%v but on normalised text %d,%q,%v", text, set, phrase, ok, set2, phrase2, ok2)
		}
		if ok && !strings.Contains(Normalize(text), Normalize(phrase)) {
			t.Fatalf("Match(%q) reported %q, which is not in it", text, phrase)
		}
		if Normalize(p0) != "" {
			if set, _, ok := m.Match("x " + p0 + " y"); !ok || set != 0 {
				t.Fatalf("phrase %q not found first in %q: set %d, ok %v", p0, "x "+p0+" y", set, ok)
			}
		}
		if Normalize(p1) != "" {
			if _, _, ok := m.Match("x " + p1 + " y"); !ok {
				t.Fatalf("phrase %q not found in %q", p1, "x "+p1+" y")
			}
		}
	})
}
