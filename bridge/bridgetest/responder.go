package bridgetest

import (
	"context"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// Answers is a Responder that answers by rule, like a tiny knowledge base:
// the first of Rules that matches the question answers it, and Otherwise
// answers the rest.
type Answers struct {
	Rules     []Answer
	Otherwise bridge.Reply
}

// Answer is one rule of Answers.
type Answer struct {
	// Keyword matches a question that contains it, in any case.
	Keyword string
	// Echo makes Keyword match only at the start of the question (case
	// and all) and appends the rest of the question to Reply's text:
	// {Keyword: "echo ", Echo: true, Reply: {Text: "echo: "}} answers
	// "echo hi" with "echo: hi".
	Echo bool
	// Reply is the answer; Err, when set, is returned instead.
	Reply bridge.Reply
	Err   error
}

var _ bridge.Responder = Answers{}

// Respond answers q by the first matching rule.
func (a Answers) Respond(_ context.Context, q bridge.Question) (bridge.Reply, error) {
	for _, r := range a.Rules {
		if reply, ok := r.answer(q.Text); ok {
			return reply, r.Err
		}
	}
	return a.Otherwise, nil
}

func (r Answer) answer(question string) (bridge.Reply, bool) {
	if !r.Echo {
		if !strings.Contains(strings.ToLower(question), strings.ToLower(r.Keyword)) {
			return bridge.Reply{}, false
		}
		if r.Err != nil {
			return bridge.Reply{}, true
		}
		return r.Reply, true
	}
	rest, ok := strings.CutPrefix(question, r.Keyword)
	if !ok {
		return bridge.Reply{}, false
	}
	reply := r.Reply
	reply.Text += rest
	return reply, true
}
