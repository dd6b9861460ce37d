package knowledgebase

import (
	"context"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// BenchmarkRespond answers a mix of questions (exact, paraphrased, partial,
// unrelated, accented) against the sample knowledge base.
//
//	go test -run '^$' -bench Respond -benchmem ./adapters/knowledgebase/
func BenchmarkRespond(b *testing.B) {
	kb := Sample()
	questions := []bridge.Question{
		{Text: "How do I reset my password?"},
		{Text: "Hi! I was charged twice this month, can I get a refund please?"},
		{Text: "are you open on weekends?"},
		{Text: "What is the weather in Paris tomorrow?"},
		{Text: "Réinitialiser mon mot de passe, s'il vous plaît"},
		{Text: "do you have an app for android"},
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := kb.Respond(ctx, questions[i%len(questions)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
}

func BenchmarkRespondParallel(b *testing.B) {
	kb := Sample()
	q := bridge.Question{Text: "Hi! I was charged twice this month, can I get a refund please?"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := kb.Respond(context.Background(), q); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
}

func BenchmarkLoadSample(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(sampleYAML); err != nil {
			b.Fatal(err)
		}
	}
}
