package discord_test

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
)

// TestAlertLinksToTheThread: an alert names the Discord thread once it is
// open there; before (handoff.requested) or when it is elsewhere, it
// carries the handoff's stable link, which finds the thread when clicked.
func TestAlertLinksToTheThread(t *testing.T) {
	e := newEnv(t, func(_ *discordfake.Options, c *discord.Options, _ *[]bridge.UserChannel) {
		c.PublicURL = "https://chat.example.com/"
	})
	n := e.adapter.Notifier("", "", func(bridge.TeamID) string { return e.desk })
	tests := []struct {
		name    string
		thread  bridge.ThreadRef
		want    string
		notWant string
	}{
		{"thread not open yet", bridge.ThreadRef{}, "Thread: <https://chat.example.com/handoffs/", "<#"},
		{"thread in Slack", bridge.ThreadRef{Workspace: bridge.WorkspaceSlack, Channel: "C1", ThreadID: "1.2"}, "Thread: <https://chat.example.com/handoffs/", "<#"},
		{"thread in Discord", bridge.ThreadRef{Workspace: bridge.WorkspaceDiscord, Channel: e.desk, ThreadID: "4242"}, "Thread: <#4242>", "/handoffs/"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := bridge.HandoffID(100 + i)
			x := bridge.Notification{ID: "link-" + id.String(), Event: bridge.EventJoined, Handoff: id, Team: "sales",
				Priority: bridge.PriorityNormal, Channel: bridge.ChannelWeb, Thread: tt.thread}
			if err := n.Notify(e.ctx, x); err != nil {
				t.Fatal(err)
			}
			var got string
			for _, m := range e.fake.Messages(e.desk) {
				if strings.Contains(m.Content, "#"+id.String()+" ") {
					got = m.Content
				}
			}
			if !strings.Contains(got, tt.want) || strings.Contains(got, tt.notWant) {
				t.Fatalf("alert %q: want %q, not %q", got, tt.want, tt.notWant)
			}
			if strings.Contains(tt.want, "/handoffs/") && !strings.Contains(got, "/handoffs/"+id.String()+">") {
				t.Fatalf("alert %q does not link handoff %d", got, id)
			}
		})
	}
}
