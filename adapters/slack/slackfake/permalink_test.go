package slackfake_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
)

func TestGetPermalink(t *testing.T) {
	s, api := newFake(t, slackfake.Options{NoRateLimit: true})
	ctx := t.Context()
	_, root, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("card", false))
	if err != nil {
		t.Fatal(err)
	}
	_, reply, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("in the thread", false), slack.MsgOptionTS(root))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, channel, ts string
		want, wantErr     string
	}{
		{"root message", "C1", root, slackfake.TeamURL + "archives/C1/p" + digits(root), ""},
		{"reply in a thread", "C1", reply, slackfake.TeamURL + "archives/C1/p" + digits(reply) + "?cid=C1&thread_ts=" + root, ""},
		{"unknown message", "C1", "1.000001", "", "message_not_found"},
		{"unknown channel", "C9", root, "", "channel_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: tt.channel, Ts: tt.ts})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("permalink = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if n := s.Calls("chat.getPermalink"); n != len(tests) {
		t.Fatalf("Calls = %d, want %d", n, len(tests))
	}
}

func TestFailNextAnswersLikeSlackInTrouble(t *testing.T) {
	s, api := newFake(t, slackfake.Options{NoRateLimit: true})
	ctx := t.Context()
	_, root, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("card", false))
	if err != nil {
		t.Fatal(err)
	}
	s.FailNext("chat.getPermalink", http.StatusInternalServerError, http.StatusTooManyRequests)
	params := &slack.PermalinkParameters{Channel: "C1", Ts: root}
	var sc slack.StatusCodeError
	if _, err := api.GetPermalinkContext(ctx, params); !errors.As(err, &sc) || sc.Code != http.StatusInternalServerError {
		t.Fatalf("first call: %v, want a 500", err)
	}
	var rl *slack.RateLimitedError
	if _, err := api.GetPermalinkContext(ctx, params); !errors.As(err, &rl) || rl.RetryAfter <= 0 {
		t.Fatalf("second call: %v, want 429 with Retry-After", err)
	}
	if _, err := api.GetPermalinkContext(ctx, params); err != nil {
		t.Fatalf("third call, failures used up: %v", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("other methods unaffected", false)); err != nil {
		t.Fatal(err)
	}
}

func digits(ts string) string { return strings.ReplaceAll(ts, ".", "") }
