package teams

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// Notifier posts handoff alerts as new posts in a Teams channel, where
// the channel's notification settings make them seen (a reply under a
// handoff's card only notifies who follows it).
type Notifier struct {
	w       *Workspace
	channel string
}

var _ bridge.Notifier = (*Notifier)(nil)

// Notifier makes an alert notifier posting with the workspace's bot in
// channel; empty means the channel of the handoff's team.
func (w *Workspace) Notifier(channel string) *Notifier { return &Notifier{w: w, channel: channel} }

var eventLines = map[bridge.HandoffEventKind]string{
	bridge.EventRequested: "🚨 New handoff request",
	bridge.EventJoined:    "🤝 Handoff joined",
	bridge.EventRejected:  "↩️ Handoff back in the queue",
	bridge.EventResolved:  "✅ Handoff resolved",
	bridge.EventFallback:  "⚠️ Nobody joined in time",
	bridge.EventAbandoned: "❌ The user stopped waiting",
	bridge.EventLead:      "📝 Lead captured",
}

// Notify posts one alert.
func (n *Notifier) Notify(ctx context.Context, nt bridge.Notification) error {
	ch := n.channel
	if ch == "" && nt.Thread.Workspace == bridge.WorkspaceMSTeams {
		ch = nt.Thread.Channel
	}
	if ch == "" {
		s := n.w.opts.Settings()
		if t := s.Team(nt.Team); t != nil && t.Workspace == bridge.WorkspaceMSTeams {
			ch = t.Channel
		}
	}
	if ch == "" {
		return bridge.Permanent(fmt.Errorf("teams alert for handoff %d: no channel (team %s answers elsewhere; set the notifier's channel)", nt.Handoff, nt.Team))
	}
	_, err := n.w.api.createConversation(ctx, conversationParams{IsGroup: true, TenantID: n.w.opts.TenantID,
		ChannelData: &ChannelData{Channel: &Ref{ID: ch}, Tenant: &Ref{ID: n.w.opts.TenantID}},
		Activity:    &Activity{Type: typeMessage, TextFormat: "markdown", Text: alertText(nt)}})
	if err != nil {
		return fmt.Errorf("teams alert for handoff %d: %w", nt.Handoff, err)
	}
	return nil
}

// alertText says what happened, to which handoff, and why; what the user
// typed is escaped.
func alertText(nt bridge.Notification) string {
	line := cmp.Or(eventLines[nt.Event], escapeText(string(nt.Event)))
	user := cmp.Or(nt.UserName, "a user")
	parts := []string{fmt.Sprintf("**%s**: #%d · %s on %s · team %s · %s", line, nt.Handoff, escapeText(user),
		nt.Channel, escapeText(string(nt.Team)), nt.Priority)}
	if nt.Reason != "" {
		parts = append(parts, "Reason: "+escapeText(clip(nt.Reason, 500)))
	}
	if nt.Agent != "" {
		parts = append(parts, "Agent: "+escapeText(string(nt.Agent)))
	}
	if l := nt.Lead; l != nil {
		parts = append(parts, "Lead: "+escapeText(clip(strings.Join([]string{l.Name, l.Email, l.Phone, l.Message}, " · "), 1000)))
	}
	return strings.Join(parts, "\n\n")
}
