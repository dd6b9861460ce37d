package mattermost_test

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/mattermost"
	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
	"github.com/handoffbridge/handoff/bridge"
)

// An alert is posted in the team's channel with the mention and a link
// that opens the handoff's thread: the thread's permalink once it is
// open, the handoff's own link on the bridge before.
func TestNotifierAlert(t *testing.T) {
	e := newEnv(t, mattermostfake.Options{})
	n, err := e.ws.Notifier(mattermost.NotifierOptions{Mention: "@here, @ana"})
	if err != nil {
		t.Fatal(err)
	}
	id, root := e.requestThread("w1")
	if err := n.Notify(e.ctx, bridge.Notification{Event: bridge.EventRequested, Handoff: id, Team: "support", Priority: "high",
		UserName: "Uma @all", Channel: bridge.ChannelWeb}); err != nil {
		t.Fatal(err)
	}
	thread := bridge.ThreadRef{Workspace: bridge.WorkspaceMattermost, Channel: channel, ThreadID: root}
	if err := n.Notify(e.ctx, bridge.Notification{Event: bridge.EventFallback, Handoff: id, Team: "support", Thread: thread}); err != nil {
		t.Fatal(err)
	}
	roots := e.mm.Roots(channel)
	if len(roots) != 3 {
		t.Fatalf("%d root posts, want the card and two alerts", len(roots))
	}
	first, second := roots[1].Message, roots[2].Message
	if !strings.HasPrefix(first, "@here @ana 🚨 **New handoff request** #"+id.String()) ||
		!strings.Contains(first, "("+e.bridge+"/handoffs/"+id.String()+")") || !strings.Contains(first, "Uma @\u200ball") {
		t.Errorf("request alert = %q", first)
	}
	if link := e.mm.URL() + "/" + e.mm.TeamName() + "/pl/" + root; !strings.Contains(second, "("+link+")") {
		t.Errorf("fallback alert = %q, want the permalink %s", second, link)
	}
	if _, err := e.ws.Notifier(mattermost.NotifierOptions{Mention: "<!here>"}); err == nil {
		t.Error("a Slack-style mention was taken")
	}
}
