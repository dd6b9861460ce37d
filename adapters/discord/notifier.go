package discord

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

// Notifier posts handoff alerts in a Discord channel: the team's (where
// its threads are) or a configured one, with a mention that pings exactly
// who it names: @here, @everyone, roles <@&id>, users <@id>.
type Notifier struct {
	a           *Adapter
	channel     string
	mention     string
	teamChannel func(bridge.TeamID) string
}

var _ bridge.Notifier = (*Notifier)(nil)

// Notifier makes a notifier. channel may be empty (the handoff's thread
// channel, else teamChannel's answer); mention is written before the
// alert, e.g. "@here" or "<@&112233> <@445566>".
func (a *Adapter) Notifier(channel, mention string, teamChannel func(bridge.TeamID) string) *Notifier {
	return &Notifier{a: a, channel: channel, mention: strings.TrimSpace(mention), teamChannel: teamChannel}
}

var (
	roleRef = regexp.MustCompile(`<@&(\d+)>`)
	userRef = regexp.MustCompile(`<@!?(\d+)>`)
)

// allowedFor lets the configured mention, and nothing else, ping.
func allowedFor(mention string) *discordgo.MessageAllowedMentions {
	am := noMentions()
	if strings.Contains(mention, "@here") || strings.Contains(mention, "@everyone") {
		am.Parse = append(am.Parse, discordgo.AllowedMentionTypeEveryone)
	}
	for _, m := range roleRef.FindAllStringSubmatch(mention, -1) {
		am.Roles = append(am.Roles, m[1])
	}
	for _, m := range userRef.FindAllStringSubmatch(mention, -1) {
		am.Users = append(am.Users, m[1])
	}
	return am
}

var eventTitles = map[bridge.HandoffEventKind]string{
	bridge.EventRequested:   "🙋 Handoff requested",
	bridge.EventJoined:      "🤝 Handoff joined",
	bridge.EventRejected:    "↩️ Handoff back in the queue",
	bridge.EventResolved:    "✅ Handoff resolved",
	bridge.EventFallback:    "⏰ Nobody joined in time",
	bridge.EventAbandoned:   "⚪ User stopped waiting",
	bridge.EventLead:        "📇 Lead captured",
	bridge.EventTransferred: "🔀 Handoff transferred",
}

// alertText renders a notification; user-supplied parts are neutralised.
// publicURL makes the link of a handoff whose thread is not in Discord.
func alertText(mention string, n bridge.Notification, publicURL string) string {
	title := eventTitles[n.Event]
	if title == "" {
		title = string(n.Event)
	}
	var b strings.Builder
	if mention != "" {
		b.WriteString(mention + " ")
	}
	fmt.Fprintf(&b, "**%s** · #%d · team %s · priority %s", title, n.Handoff, neutralize(string(n.Team)), n.Priority)
	if n.UserName != "" {
		fmt.Fprintf(&b, "\n%s on %s", escapeMarkdown(n.UserName), n.Channel)
	}
	if n.Reason != "" {
		b.WriteString(": " + escapeMarkdown(n.Reason))
	}
	if n.Agent != "" {
		b.WriteString("\nAgent: " + escapeMarkdown(string(n.Agent)))
	}
	if l := n.Lead; l != nil {
		b.WriteString("\nLead: " + escapeMarkdown(strings.Join(nonEmpty(l.Name, l.Email, l.Phone), ", ")))
	}
	switch link := bridge.HandoffLink(publicURL, n.Handoff); {
	case n.Thread.Workspace == bridge.WorkspaceDiscord && n.Thread.ThreadID != "":
		b.WriteString("\nThread: <#" + n.Thread.ThreadID + ">")
	case link != "":
		// Not open yet, or in another workspace: the handoff's link finds
		// it when clicked. The brackets keep Discord from previewing it.
		b.WriteString("\nThread: <" + link + ">")
	}
	return truncate(b.String(), maxContent)
}

// Notify posts the alert once: retries carry the notification's id as the
// message nonce.
func (n *Notifier) Notify(ctx context.Context, x bridge.Notification) error {
	channel := n.channel
	if channel == "" && x.Thread.Workspace == bridge.WorkspaceDiscord {
		channel = x.Thread.Channel
	}
	if channel == "" && n.teamChannel != nil {
		channel = n.teamChannel(x.Team)
	}
	if channel == "" {
		return bridge.Permanent(fmt.Errorf("discord alert for handoff %d: no channel configured and team %s has none", x.Handoff, x.Team))
	}
	_, err := n.a.post(ctx, channel, &discordgo.MessageSend{Content: alertText(n.mention, x, n.a.cfg.PublicURL), AllowedMentions: allowedFor(n.mention)}, "notify:"+x.ID)
	if err != nil {
		return fmt.Errorf("discord alert for handoff %d: %w", x.Handoff, err)
	}
	return nil
}
