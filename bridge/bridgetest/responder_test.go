package bridgetest_test

import (
	"errors"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

func TestAnswersTakeTheFirstRuleThatMatches(t *testing.T) {
	broken := errors.New("upstream exploded")
	ai := bridgetest.Answers{Rules: []bridgetest.Answer{
		{Keyword: "echo ", Echo: true, Reply: bridge.Reply{Text: "echo: ", Confidence: 0.9}},
		{Keyword: "hello", Reply: bridge.Reply{Text: "Hi there!", Confidence: 0.9}},
		{Keyword: "broken", Err: broken},
		{Keyword: "unknown"},
	}, Otherwise: bridge.Reply{Text: "I can help with that.", Confidence: 0.8}}
	tests := []struct {
		question string
		want     bridge.Reply
		err      error
	}{
		{"echo hello there", bridge.Reply{Text: "echo: hello there", Confidence: 0.9}, nil},
		{"say echo hello", bridge.Reply{Text: "Hi there!", Confidence: 0.9}, nil}, // echo only at the start
		{"Echo hello", bridge.Reply{Text: "Hi there!", Confidence: 0.9}, nil},     // and in its case
		{"HELLO!", bridge.Reply{Text: "Hi there!", Confidence: 0.9}, nil},
		{"it is broken", bridge.Reply{}, broken},
		{"an unknown thing", bridge.Reply{}, nil},
		{"what now", bridge.Reply{Text: "I can help with that.", Confidence: 0.8}, nil},
	}
	for _, tt := range tests {
		got, err := ai.Respond(t.Context(), bridge.Question{Text: tt.question})
		if !errors.Is(err, tt.err) || got.Text != tt.want.Text || got.Confidence != tt.want.Confidence {
			t.Errorf("%q: %+v, %v; want %+v, %v", tt.question, got, err, tt.want, tt.err)
		}
	}
	echoAll := bridgetest.Answers{Rules: []bridgetest.Answer{{Echo: true, Reply: bridge.Reply{Text: "You said: "}}}}
	if got, _ := echoAll.Respond(t.Context(), bridge.Question{Text: "hi"}); got.Text != "You said: hi" {
		t.Errorf("an echo with no keyword: %q, want the whole question", got.Text)
	}
}
