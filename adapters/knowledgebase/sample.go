package knowledgebase

import (
	_ "embed"
	"sync"
)

//go:embed sample.yaml
var sampleYAML []byte

var sample = sync.OnceValue(func() *KB {
	kb, err := Parse(sampleYAML)
	if err != nil {
		panic("knowledgebase: embedded sample.yaml: " + err.Error())
	}
	return kb
})

// Sample returns the embedded sample knowledge base about "Acme Chat", a
// fictional team-messaging product: opening hours, pricing, password reset,
// refunds, shipping, contact, what the bot can do, and so on. The zero
// configuration runs with it. It is built once and shared.
func Sample() *KB { return sample() }

// SampleYAML returns a copy of the sample's YAML source, as a starting point
// for one's own knowledge base.
func SampleYAML() []byte { return append([]byte(nil), sampleYAML...) }
