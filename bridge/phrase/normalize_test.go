package phrase

import (
	"strings"
	"testing"
	"unicode"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   \t\n ", ""},
		{"human", "human"},
		{"Talk to a HUMAN!", "talk to a human"},
		{"  Can I TALK to a... human?? ", "can i talk to a human"},
		{"hablar con una señora", "hablar con una senora"},
		{"à la carte", "a la carte"},
		{"ÜBER Straße", "uber strasse"},
		{"GROẞ", "gross"},
		{"Ça coûte combien ?", "ca coute combien"},
		{"d'accord", "d accord"},
		{"d’accord", "d accord"},
		{"e-mail_address", "e mail address"},
		{"talk😀to🤖a human", "talk to a human"},
		{"Yes 👍", "yes"},
		{"naïve café", "naive cafe"},
		{"ＦＵＬＬ　ｗｉｄｔｈ １２３", "full width 123"}, // NFKD folds full-width forms
		{"ﬁle", "file"},                      // ligature
		{"x²", "x2"},
		{"hu\u00adman", "human"}, // soft hyphen is invisible
		{"e\u0301cole", "ecole"}, // combining accent, decomposed input
		{"\u0301leading mark", "leading mark"},
		{"Ελληνικά ΣΟΦΟΣ σοφος", "ελληνικα σοφοσ σοφοσ"}, // accents and final sigma
		{"Привет, МИР", "привет мир"},
		{"İstanbul", "istanbul"},
		{"人工客服，谢谢！", "人工客服 谢谢"},
		{"ｶﾞｲﾄﾞ", "カイト"}, // half-width katakana, dakuten dropped
		{"한국어", "\u1112\u1161\u11ab\u1100\u116e\u11a8\u110b\u1165"},
		{"tab\tand\nnewline", "tab and newline"},
		{"bad\xffutf8", "bad utf8"},
		{"123-456", "123 456"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Normalize(Normalize(tt.in)); got != tt.want {
			t.Errorf("Normalize not idempotent on %q: %q", tt.in, got)
		}
	}
}

func TestNormalizeLong(t *testing.T) {
	s := strings.Repeat("Ça VA? ", 100_000)
	got := Normalize(s)
	want := strings.TrimSpace(strings.Repeat("ca va ", 100_000))
	if got != want {
		t.Fatalf("long input: got %d bytes, want %d", len(got), len(want))
	}
}

func TestNormalizeNoAllocWhenNormal(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = Normalize("talk to a human") }); n != 0 {
		t.Errorf("Normalize of an already normal string allocates %v times", n)
	}
}

// TestNormalizeEveryRune checks the properties the fuzzer is unlikely to
// reach by chance on each of the 1.1M code points: idempotency, and output
// made only of lower-case letters, digits and spaces.
func TestNormalizeEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		s := string(r)
		n := Normalize(s)
		if Normalize(n) != n {
			t.Errorf("%U: Normalize(%q) = %q is not idempotent: %q", r, s, n, Normalize(n))
		}
		for _, c := range n {
			if c != ' ' && (!unicode.IsLetter(c) && !unicode.IsDigit(c) || unicode.ToLower(c) != c) {
				t.Errorf("%U: Normalize(%q) = %q contains %U", r, s, n, c)
			}
		}
	}
}
