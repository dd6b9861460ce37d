package slack_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/openai"
	"github.com/handoffbridge/handoff/adapters/openai/openaifake"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
)

// cardSummary is the text of the card's Summary section, "" without one.
func (e *env) cardSummary(ts string) string {
	for _, b := range rootBlocks(e.t, e.root(ts)) {
		if b.Type == "section" && strings.HasPrefix(b.Text.Text, "*Summary*\n") {
			return strings.TrimPrefix(b.Text.Text, "*Summary*\n")
		}
	}
	return ""
}

func TestCardSummaryExtractive(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.userSays("sx", "my order <#42> never arrived")
	_, root := e.requestThread("sx")
	want := "Reason: The user asked for a human (\"talk to a human\")\n" +
		"User: “my order &lt;#42&gt; never arrived”\nUser: “talk to a human”"
	if got := e.cardSummary(root); got != want {
		t.Fatalf("card summary =\n%s\nwant\n%s", got, want)
	}
}

func TestCardSummaryFromOpenAI(t *testing.T) {
	ai := openaifake.New("I can help with that.", "Uma's order 42 never arrived.\nWants a refund.")
	t.Cleanup(ai.Close)
	r, err := openai.New(openai.Options{BaseURL: ai.BaseURL(), Model: "fake"})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, envOptions{responder: r})
	e.userSays("sa", "my order 42 never arrived")
	_, root := e.requestThread("sa")
	e.waitFake("the AI summary on the card", func() bool {
		return e.cardSummary(root) == "Uma's order 42 never arrived.\nWants a refund."
	})
	if n := ai.Summaries(); n != 1 {
		t.Fatalf("%d summary requests, want 1", n)
	}
}

// textBlock is a Block Kit block with its text object.
type textBlock struct {
	Type string `json:"type"`
	Text struct {
		Text string `json:"text"`
	} `json:"text"`
}

func rootBlocks(t *testing.T, m slackfake.Message) []textBlock {
	t.Helper()
	var blocks []textBlock
	if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
		t.Fatalf("blocks of %s: %v", m.TS, err)
	}
	return blocks
}
