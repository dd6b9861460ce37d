package phrase

import (
	"strings"
	"sync"
	"testing"
)

// testSets mirrors a typical configuration: a handoff trigger in several
// languages, then topic triggers.
var testSets = [][]string{
	{"talk to a human", "speak to an agent", "human", "real person",
		"parler à un humain", "hablar con una señora", "mit einem Menschen sprechen",
		"人工客服", "オペレーター", "คุยกับคน"},
	{"lawyer", "legal advice", "lawsuit", "sue"},
	{"pricing", "enterprise plan", "book a demo", "demo", "talk to sales"},
	{"doctor", "prescription", "medical advice"},
}

func TestMatch(t *testing.T) {
	m := NewMatcher(testSets)
	tests := []struct {
		text   string
		set    int
		phrase string
	}{
		{"talk to a human", 0, "talk to a human"},
		{"Can I TALK to a... human??", 0, "talk to a human"},
		{"a human please", 0, "human"},
		{"I want a REAL-person!", 0, "real person"},
		{"Je veux parler a un humain.", 0, "parler à un humain"},
		{"quiero HABLAR con una senora", 0, "hablar con una señora"},
		{"Kann ich mit einem Menschen sprechen?", 0, "mit einem Menschen sprechen"},
		{"我要人工客服，谢谢", 0, "人工客服"},
		{"オペレーターに繋いでください", 0, "オペレーター"},
		{"ขอคุยกับคนได้ไหม", 0, "คุยกับคน"},
		{"what's your pricing?", 2, "pricing"},
		{"I'd like to book a demo", 2, "book a demo"},
		{"demo please", 2, "demo"},
		{"can I get legal advice", 1, "legal advice"},
		{"is there a doctor", 3, "doctor"},
		// Priority: lowest set wins, wherever the phrases are in the text.
		{"pricing for a lawyer", 1, "lawyer"},
		{"lawyer pricing, or a human", 0, "human"},
		{"my doctor said to sue", 1, "sue"},
		// Within a set, the phrase listed first wins.
		{"human, talk to a human", 0, "talk to a human"},
		{"book a demo", 2, "book a demo"},
	}
	for _, tt := range tests {
		set, phrase, ok := m.Match(tt.text)
		if !ok || set != tt.set || phrase != tt.phrase {
			t.Errorf("Match(%q) = %d, %q, %v; want %d, %q, true", tt.text, set, phrase, ok, tt.set, tt.phrase)
		}
	}
}

func TestNoMatch(t *testing.T) {
	m := NewMatcher(testSets)
	for _, text := range []string{
		"",
		"   ",
		"!!!",
		"humane treatment",
		"inhuman",
		"talk to a humanoid",
		"talk to a",
		"pursue your dreams", // "sue" only as a whole word
		"demonstration",
		"legal",
		"advice",
		"lawyers", // no stemming
		"hello, how do I reset my password?",
		"人工", // prefix of an unspaced phrase
	} {
		if set, phrase, ok := m.Match(text); ok || set != -1 || phrase != "" {
			t.Errorf("Match(%q) = %d, %q, %v; want no match", text, set, phrase, ok)
		}
	}
}

func TestMatchEmptyPhrasesIgnored(t *testing.T) {
	m := NewMatcher([][]string{{"", "   ", "!!", "🤖"}, {"agent"}})
	if _, _, ok := m.Match("hello"); ok {
		t.Error("empty phrases matched")
	}
	if set, _, ok := m.Match("an agent"); !ok || set != 1 {
		t.Errorf("Match = %d, %v; want set 1", set, ok)
	}
	for _, m := range []*Matcher{nil, NewMatcher(nil), NewMatcher([][]string{{}, {""}})} {
		if set, _, ok := m.Match("agent"); ok || set != -1 {
			t.Errorf("empty matcher matched")
		}
	}
}

func TestMatchDuplicatePhrase(t *testing.T) {
	m := NewMatcher([][]string{{"Agent!"}, {"agent"}})
	if set, phrase, ok := m.Match("agent"); !ok || set != 0 || phrase != "Agent!" {
		t.Errorf("Match = %d, %q, %v; want 0, \"Agent!\", true", set, phrase, ok)
	}
}

func TestMatchLongInput(t *testing.T) {
	m := NewMatcher(testSets)
	long := strings.Repeat("bla bla, humane words; ", 50_000)
	if _, _, ok := m.Match(long); ok {
		t.Error("long non-matching text matched")
	}
	if set, _, ok := m.Match(long + "talk to sales"); !ok || set != 2 {
		t.Errorf("long text: got set %d, %v; want 2", set, ok)
	}
	// The very long message must not have poisoned the pool for later calls.
	if set, _, ok := m.Match("a human"); !ok || set != 0 {
		t.Errorf("after long text: got set %d, %v; want 0", set, ok)
	}
}

func TestMatchConcurrent(t *testing.T) {
	m := NewMatcher(testSets)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				text, want := "nothing here", -1
				if (g+i)%2 == 0 {
					text, want = "Ça coûte combien, le pricing ?", 2
				}
				if set, _, _ := m.Match(text); set != want {
					t.Errorf("Match(%q) = %d, want %d", text, set, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestMatchNoAlloc(t *testing.T) {
	m := NewMatcher(testSets)
	for _, text := range []string{benchMiss, benchHit, "我要人工客服"} {
		if n := testing.AllocsPerRun(100, func() { m.Match(text) }); n != 0 {
			t.Errorf("Match(%q) allocates %v times", text, n)
		}
	}
}
