package slack_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

func cannedSettings(s *bridge.Settings) {
	s.Teams["support"].CannedReplies = []bridge.CannedReply{
		{Name: "hello", Text: "Hi {user_name}, I'm {agent_name}."},
		{Name: "refund", Text: "Refunds take 5 days."},
	}
}

// slash runs /handoff text as user and returns the ephemeral answer.
func (e *env) slash(user, text string) string {
	e.t.Helper()
	res, err := e.fake.Slash(e.ctx, user, channel, "/handoff", text)
	if err != nil {
		e.t.Fatal(err)
	}
	var answer struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if err := json.Unmarshal(res.Response, &answer); err != nil || answer.ResponseType != "ephemeral" {
		e.t.Fatalf("answer %s: %v", res.Response, err)
	}
	return answer.Text
}

func TestCannedReplyCommand(t *testing.T) {
	e := newEnv(t, envOptions{settings: cannedSettings})
	id, root := e.requestThread("c1")
	if got := e.slash("UANA", "reply hello"); !strings.Contains(got, "no active handoff") {
		t.Fatalf("before joining: %q", got)
	}
	if got := e.slash("UANA", "reply"); !strings.Contains(got, "`hello` (support): Hi {user_name}") || !strings.Contains(got, "`refund`") {
		t.Fatalf("the list: %q", got)
	}
	if _, err := e.fake.Click(e.ctx, "UANA", channel, root, "handoff_join", id.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("c1", "joined", hasMessage("has joined"))

	if got := e.slash("UANA", "reply hello"); got != `Sent "hello" in handoff #`+id.String()+"." {
		t.Fatalf("answer %q", got)
	}
	want := "Hi Uma c1, I'm Ana S."
	e.waitWeb("c1", "the canned reply", hasMessage(want))
	e.waitFake("the canned reply in the thread", func() bool {
		for _, m := range e.fake.Replies(channel, root) {
			if strings.Contains(m.Text, want) {
				return true
			}
		}
		return false
	})
	if got := e.slash("UBOB", "reply refund #"+id.String()); !strings.Contains(got, "Only the agent who joined") {
		t.Fatalf("another agent: %q", got)
	}
	if got := e.slash("UANA", "reply nosuch"); !strings.Contains(got, "no canned reply of that name") {
		t.Fatalf("unknown name: %q", got)
	}
	if got := e.slash("UANA", "reply refund #x"); !strings.Contains(got, "as its number") {
		t.Fatalf("bad number: %q", got)
	}
	for _, d := range e.web.To("c1") {
		if strings.Contains(d.Message.Text, "Refunds") {
			t.Fatalf("a refused canned reply reached the user: %+v", d.Message)
		}
	}
}
