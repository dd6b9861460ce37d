package openai

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

func TestSummarize(t *testing.T) {
	srv, seen := fakeServer(t, testKey, reply(`{"choices":[{"message":{"role":"assistant",`+
		`"content":"Charged twice for invoice 42.\n\nWants a refund.\n3\n4\n5"}}]}`))
	r := newResponder(t, srv.URL, nil)
	history := []bridge.Message{
		{Role: bridge.RoleUser, Text: "my invoice 42 was charged twice"},
		{Role: bridge.RoleAI, Text: "I can help with that."},
		{Role: bridge.RoleAgent, Text: "secret", Internal: true},
	}
	got, err := r.Summarize(t.Context(), bridge.SummaryRequest{Reason: "The user asked for a human", History: history})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Charged twice for invoice 42.\nWants a refund.\n3\n4"; got != want {
		t.Fatalf("summary = %q, want %q (at most four non-empty lines)", got, want)
	}
	req := <-seen
	if len(req.Tools) != 0 {
		t.Errorf("summary request offered tools: %+v", req.Tools)
	}
	var roles, texts []string
	for _, m := range req.Messages {
		roles, texts = append(roles, m.Role), append(texts, m.Content)
	}
	if strings.Join(roles, ",") != "system,user,assistant,user" || texts[0] != SummaryPrompt ||
		!strings.Contains(texts[3], "handed over because: The user asked for a human") {
		t.Fatalf("summary request messages = %q / %q", roles, texts)
	}
}

func TestSummarizeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		respond    func() (string, int)
	}{
		{"server error", "status 500", func() (string, int) { return `{"error":"down"}`, 500 }},
		{"no choices", "no choices", func() (string, int) { return `{"choices":[]}`, 200 }},
		{"empty", "wrote nothing", func() (string, int) { return `{"choices":[{"message":{"content":"  \n "}}]}`, 200 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, code := tc.respond()
			srv, _ := fakeServer(t, testKey, status(code, body))
			_, err := newResponder(t, srv.URL, nil).Summarize(t.Context(), bridge.SummaryRequest{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "openai: summary: ") {
				t.Fatalf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
}
