package mattermost

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// NotifierOptions configure a Mattermost alert.
type NotifierOptions struct {
	// Channel is where alerts go (a channel id); empty means the
	// handoff's own channel (its thread's, else its team's).
	Channel string
	// Mention is who is pinged: @here, @channel, @all, usernames (@ana)
	// or group names, several separated by spaces or commas. Empty pings
	// nobody.
	Mention string
}

// Notifier posts handoff alerts in Mattermost with a link to the thread:
// its permalink once open, else the handoff's link under the bridge's
// public URL, which finds the thread when clicked.
type Notifier struct {
	w       *Workspace
	channel string
	mention string
}

var _ bridge.Notifier = (*Notifier)(nil)

var mentionToken = regexp.MustCompile(`^@?([a-z0-9][a-z0-9._-]*)$`)

// ParseMention checks the configured mention and writes it as Mattermost
// does: @name, separated by spaces.
func ParseMention(s string) (string, error) {
	var out []string
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		m := mentionToken.FindStringSubmatch(strings.ToLower(tok))
		if m == nil {
			return "", fmt.Errorf("mattermost mention %q: want @here, @channel, @all, or user or group names", tok)
		}
		out = append(out, "@"+m[1])
	}
	return strings.Join(out, " "), nil
}

// Notifier makes an alert notifier posting as the workspace's bot.
func (w *Workspace) Notifier(o NotifierOptions) (*Notifier, error) {
	m, err := ParseMention(o.Mention)
	if err != nil {
		return nil, err
	}
	return &Notifier{w: w, channel: o.Channel, mention: m}, nil
}

var eventLines = map[bridge.HandoffEventKind]string{
	bridge.EventRequested: "🚨 **New handoff request**",
	bridge.EventJoined:    "🤝 **Handoff joined**",
	bridge.EventRejected:  "↩️ **Handoff back in the queue**",
	bridge.EventResolved:  "✅ **Handoff resolved**",
	bridge.EventFallback:  "⚠️ **Nobody joined in time**",
	bridge.EventAbandoned: "❌ **The user stopped waiting**",
	bridge.EventLead:      "📝 **Lead captured**",
}

// Notify posts one alert.
func (n *Notifier) Notify(ctx context.Context, nt bridge.Notification) error {
	ch := n.channel
	if ch == "" && nt.Thread.Workspace == bridge.WorkspaceMattermost {
		ch = nt.Thread.Channel
	}
	if ch == "" {
		s := n.w.opts.Settings()
		if t := s.Team(nt.Team); t != nil && t.Workspace == bridge.WorkspaceMattermost {
			ch = t.Channel
		}
	}
	if ch == "" {
		return bridge.Permanent(fmt.Errorf("mattermost alert for handoff %d: no channel to post in", nt.Handoff))
	}
	if _, err := n.w.api.createPost(ctx, &Post{ChannelID: ch, Message: n.alertText(ctx, nt)}); err != nil {
		return fmt.Errorf("mattermost alert %s of handoff %d: %w", nt.Event, nt.Handoff, err)
	}
	return nil
}

func (n *Notifier) alertText(ctx context.Context, nt bridge.Notification) string {
	parts := []string{fmt.Sprintf("%s #%d", cmp.Or(eventLines[nt.Event], string(nt.Event)), nt.Handoff)}
	if n.mention != "" {
		parts[0] = n.mention + " " + parts[0]
	}
	parts = append(parts, EscapeText(string(nt.Team)), string(nt.Priority))
	if nt.UserName != "" {
		parts = append(parts, EscapeText(nt.UserName)+" on "+string(nt.Channel))
	}
	if nt.Agent != "" {
		parts = append(parts, "agent "+EscapeText(string(nt.Agent)))
	}
	if nt.Reason != "" {
		parts = append(parts, EscapeText(clip(nt.Reason, 200)))
	}
	if nt.Lead != nil {
		parts = append(parts, "lead: "+EscapeText(strings.TrimSpace(nt.Lead.Name+" "+nt.Lead.Email+" "+nt.Lead.Phone)))
	}
	link := bridge.HandoffLink(n.w.opts.PublicURL, nt.Handoff)
	if nt.Thread.Workspace == bridge.WorkspaceMattermost && nt.Thread.ThreadID != "" {
		if u, err := n.w.ThreadURL(ctx, nt.Thread); err == nil {
			link = u
		}
	}
	if link != "" {
		parts = append(parts, "[open thread]("+link+")")
	}
	return strings.Join(parts, " · ")
}
