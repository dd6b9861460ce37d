package web

import "testing"

// BenchmarkParseFrame decodes and checks a typical user message frame.
func BenchmarkParseFrame(b *testing.B) {
	data := []byte(`{"type":"message","client_id":"c-1a2b3c-17","text":"Hello, where is my order #1234? It was due yesterday."}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseFrame(data, 4000); err != nil {
			b.Fatal(err)
		}
	}
}
