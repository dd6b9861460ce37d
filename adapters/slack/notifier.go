package slack

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// NotifierOptions configure a Slack alert.
type NotifierOptions struct {
	// Channel is where alerts go; empty means the handoff's own channel
	// (its thread's, else its team's).
	Channel string
	// Mention is who is pinged: "@here", "@channel", a user group id
	// (S0…, or <!subteam^S0…>), member ids (U0…), several separated by
	// spaces or commas. Empty pings nobody.
	Mention string
}

// Notifier posts handoff alerts in Slack with a link to the thread: the
// Slack thread's own once open, else (thread not open yet, or in another
// workspace) the handoff's link under Options.PublicURL, which finds the
// thread when clicked.
type Notifier struct {
	w       *Workspace
	channel string
	mention string
}

var _ bridge.Notifier = (*Notifier)(nil)

// Notifier makes an alert notifier posting with the workspace's bot. It
// shares the workspace's per-channel pacing.
func (w *Workspace) Notifier(o NotifierOptions) (*Notifier, error) {
	m, err := ParseMention(o.Mention)
	if err != nil {
		return nil, err
	}
	return &Notifier{w: w, channel: o.Channel, mention: m}, nil
}

var (
	userID     = regexp.MustCompile(`^<?@?([UW][A-Z0-9]{2,})>?$`)
	subteamID  = regexp.MustCompile(`^(?:<!subteam\^)?(S[A-Z0-9]{2,})(?:\|[^>]*)?>?$`)
	broadcastM = regexp.MustCompile(`^<?[@!]?(here|channel|everyone)>?$`)
)

// ParseMention turns the configured mention into Slack's mention syntax.
func ParseMention(s string) (string, error) {
	var out []string
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
		switch {
		case broadcastM.MatchString(tok):
			out = append(out, "<!"+broadcastM.FindStringSubmatch(tok)[1]+">")
		case subteamID.MatchString(tok):
			out = append(out, "<!subteam^"+subteamID.FindStringSubmatch(tok)[1]+">")
		case userID.MatchString(tok):
			out = append(out, "<@"+userID.FindStringSubmatch(tok)[1]+">")
		default:
			return "", fmt.Errorf("slack mention %q: want @here, @channel, a user group id (S…) or member ids (U…)", tok)
		}
	}
	return strings.Join(out, " "), nil
}

var eventLines = map[bridge.HandoffEventKind]string{
	bridge.EventRequested:   ":rotating_light: New handoff request",
	bridge.EventJoined:      ":handshake: Handoff joined",
	bridge.EventRejected:    ":leftwards_arrow_with_hook: Handoff back in the queue",
	bridge.EventResolved:    ":white_check_mark: Handoff resolved",
	bridge.EventFallback:    ":warning: Nobody joined in time",
	bridge.EventAbandoned:   ":x: The user stopped waiting",
	bridge.EventLead:        ":memo: Lead captured",
	bridge.EventTransferred: ":arrows_counterclockwise: Handoff transferred",
}

// Notify posts one alert.
func (n *Notifier) Notify(ctx context.Context, nt bridge.Notification) error {
	ch := cmp.Or(n.channel, nt.Thread.Channel)
	if ch == "" {
		s := n.w.opts.Settings()
		if t := s.Team(nt.Team); t != nil && t.Workspace == bridge.WorkspaceSlack {
			ch = t.Channel
		}
	}
	if ch == "" {
		return bridge.Permanent(fmt.Errorf("slack alert for handoff %d: no channel to post in", nt.Handoff))
	}
	text := alertText(nt, n.mention, n.w)
	if err := n.w.waitChannel(ctx, ch); err != nil {
		return err
	}
	_, _, err := n.w.api.PostMessageContext(ctx, ch, slackgo.MsgOptionText(text, false), slackgo.MsgOptionDisableLinkUnfurl())
	return classify(fmt.Sprintf("alert %s of handoff %d", nt.Event, nt.Handoff), err)
}

func alertText(nt bridge.Notification, mention string, w *Workspace) string {
	line := cmp.Or(eventLines[nt.Event], string(nt.Event))
	var parts []string
	parts = append(parts, fmt.Sprintf("%s #%d", line, nt.Handoff))
	if mention != "" {
		parts[0] = mention + " " + parts[0]
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
	switch {
	case nt.Thread.Workspace == bridge.WorkspaceSlack && nt.Thread.ThreadID != "":
		parts = append(parts, w.threadLink(nt.Thread))
	case w.opts.PublicURL != "":
		// Not open yet (handoff.requested) or in another workspace: the
		// handoff's own link finds the thread when clicked.
		parts = append(parts, "<"+bridge.HandoffLink(w.opts.PublicURL, nt.Handoff)+"|open thread>")
	}
	return strings.Join(parts, " · ")
}
