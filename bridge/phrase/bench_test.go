package phrase

import "testing"

// benchSets: ~30 phrases in 4 triggers, a plausible production configuration.
var benchSets = [][]string{
	{"talk to a human", "speak to an agent", "human", "real person", "live agent",
		"customer service", "representative", "operator",
		"parler à un humain", "un conseiller", "hablar con una persona", "agente humano",
		"mit einem Menschen sprechen", "Mitarbeiter", "人工客服"},
	{"lawyer", "legal advice", "lawsuit", "attorney", "sue you"},
	{"doctor", "prescription", "medical advice", "diagnosis"},
	{"pricing", "enterprise plan", "book a demo", "talk to sales", "volume discount", "quote"},
}

// About 80 characters each, the size of a typical chat message.
const (
	benchMiss = "Hi there! I can't find where to change my password, could you help me with that?"
	benchHit  = "Hi, this bot isn't helping at all, can I please talk to a human about my order?"
)

func BenchmarkMatch(b *testing.B) {
	m := NewMatcher(benchSets)
	for _, bc := range []struct{ name, text string }{{"miss", benchMiss}, {"hit", benchHit}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.Match(bc.text)
			}
		})
	}
}

func BenchmarkNormalize(b *testing.B) {
	for _, bc := range []struct{ name, text string }{
		{"ascii", benchHit},
		{"accents", "Bonjour, ça ne marche pas : je voudrais parler à un humain, s'il vous plaît !"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Normalize(bc.text)
			}
		})
	}
}

func BenchmarkIsYes(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		IsYes("Yes please 👍")
	}
}
