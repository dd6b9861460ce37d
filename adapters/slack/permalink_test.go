package slack_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
)

// TestThreadURLIsThePermalinkAskedOnce: the link of a handoff's thread is
// Slack's permalink of the root message; a second click does not ask
// Slack again, and a failing Slack gives an error (the link route then
// falls back to the console) without spoiling later clicks.
func TestThreadURLIsThePermalinkAskedOnce(t *testing.T) {
	e := newEnv(t, envOptions{mode: "http"})
	_, root := e.requestThread("u1")
	ref := bridge.ThreadRef{Workspace: bridge.WorkspaceSlack, Channel: channel, ThreadID: root}
	want := slackfake.TeamURL + "archives/" + channel + "/p" + strings.ReplaceAll(root, ".", "")

	for i := range 3 {
		got, err := e.ws.ThreadURL(e.ctx, ref)
		if err != nil || got != want {
			t.Fatalf("click %d: ThreadURL = %q, %v; want %q", i, got, err, want)
		}
	}
	if n := e.fake.Calls("chat.getPermalink"); n != 1 {
		t.Fatalf("chat.getPermalink called %d times for 3 clicks, want 1 (cached)", n)
	}

	_, other := e.requestThread("u2")
	otherRef := bridge.ThreadRef{Workspace: bridge.WorkspaceSlack, Channel: channel, ThreadID: other}
	e.fake.FailNext("chat.getPermalink", http.StatusInternalServerError)
	if got, err := e.ws.ThreadURL(e.ctx, otherRef); err == nil {
		t.Fatalf("Slack failing: ThreadURL = %q, want an error", got)
	}
	if got, err := e.ws.ThreadURL(e.ctx, otherRef); err != nil || !strings.Contains(got, strings.ReplaceAll(other, ".", "")) {
		t.Fatalf("after Slack recovered: ThreadURL = %q, %v", got, err)
	}
	if _, err := e.ws.ThreadURL(e.ctx, bridge.ThreadRef{Workspace: bridge.WorkspaceSlack, Channel: channel, ThreadID: "1.000001"}); err == nil ||
		!strings.Contains(err.Error(), "message_not_found") {
		t.Fatalf("unknown thread: %v, want message_not_found", err)
	}
}
