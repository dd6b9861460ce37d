package discord

import (
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

// customIDPrefix starts every custom_id the bridge puts on a button, so
// that clicks on other bots' buttons are left alone.
const customIDPrefix = "hb:"

// actionID is the custom_id of an agent button: hb:<action>:<handoff id>.
func actionID(a bridge.Action, h bridge.HandoffID) string {
	return fmt.Sprintf("%s%s:%d", customIDPrefix, a, h)
}

// choiceID is the custom_id of a user's offer button: hb:user:<choice>.
func choiceID(c bridge.ChoiceID) string { return customIDPrefix + "user:" + string(c) }

var stateColors = map[bridge.State]int{
	bridge.StatePending:   0xF0B232, // amber: waiting
	bridge.StateActive:    0x5865F2, // blurple: someone is on it
	bridge.StateResolved:  0x23A55A, // green
	bridge.StateFallback:  0xDA373C, // red: nobody came in time
	bridge.StateAbandoned: 0x80848E, // grey
}

// stateLine is the state as the card shows it: Pending → Active by @agent →
// Resolved by @agent, with times.
func stateLine(c bridge.HandoffCard) string {
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return fmt.Sprintf(" <t:%d:t>", t.Unix())
	}
	who := escapeMarkdown(c.OwnerName)
	if c.OwnerUserID != "" {
		who = "<@" + c.OwnerUserID + ">"
	}
	switch c.State {
	case bridge.StatePending:
		return "🟡 Pending since" + when(c.RequestedAt)
	case bridge.StateActive:
		return "🔵 Active, with " + who + " since" + when(c.ChangedAt)
	case bridge.StateResolved:
		if who == "" {
			return "🟢 Resolved" + when(c.ChangedAt)
		}
		return "🟢 Resolved by " + who + when(c.ChangedAt)
	case bridge.StateFallback:
		return "🔴 Nobody joined in time: fallback since" + when(c.ChangedAt) + ". You can still join."
	case bridge.StateAbandoned:
		return "⚪ The user stopped waiting" + when(c.ChangedAt)
	}
	return string(c.State)
}

// cardEmbed renders a handoff card within Discord's embed limits. Every
// text that comes from the user is escaped: an embed renders Markdown,
// masked links included, and mentions in it never ping but would render as
// links to people.
func cardEmbed(c bridge.HandoffCard) *discordgo.MessageEmbed {
	user := c.UserName
	if user == "" {
		user = "A user"
	}
	e := &discordgo.MessageEmbed{
		Title:       truncate(fmt.Sprintf("Handoff #%d · %s", c.Handoff, neutralize(user)), maxEmbedTitle),
		Description: truncate(escapeMarkdown(c.Reason), 1000),
		Color:       stateColors[c.State],
		Timestamp:   c.RequestedAt.UTC().Format(time.RFC3339),
		Footer:      &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("handoff %d", c.Handoff)},
	}
	field := func(name, value string, inline bool) {
		if strings.TrimSpace(value) == "" {
			return
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name, Value: truncate(value, maxFieldValue), Inline: inline})
	}
	field("State", stateLine(c), false)
	field("Summary", escapeMarkdown(c.Summary), false)
	field("Team", neutralize(string(c.Team)), true)
	field("Priority", string(c.Priority), true)
	field("Trigger", neutralize(c.Trigger), true)
	field("Channel", string(c.Channel), true)
	if !c.RequestedAt.IsZero() {
		field("Waiting since", fmt.Sprintf("<t:%d:R>", c.RequestedAt.Unix()), true)
	}
	if c.SLA > 0 {
		field("SLA", c.SLA.String(), true)
	}
	ctx := c.Context
	var about []string
	add := func(label, v string) {
		if v != "" {
			about = append(about, label+": "+escapeMarkdown(v))
		}
	}
	add("Username", ctx.Username)
	add("Chat", ctx.ChatTitle)
	add("Page", ctx.PageURL)
	add("Referrer", ctx.Referrer)
	add("IP", ctx.IP)
	add("Country", ctx.Country)
	add("Language", ctx.Language)
	add("Phone", ctx.Phone)
	add("Browser", ctx.UserAgent)
	if !ctx.SessionStart.IsZero() && c.RequestedAt.After(ctx.SessionStart) {
		about = append(about, "Session: "+c.RequestedAt.Sub(ctx.SessionStart).Round(time.Second).String()+" before the request")
	}
	field("User context", strings.Join(about, "\n"), false)
	if c.Previous != 0 {
		field("Previous handoff", fmt.Sprintf("#%d", c.Previous), true)
	}
	if len(c.Declined) > 0 {
		names := make([]string, len(c.Declined))
		for i, d := range c.Declined {
			names[i] = neutralize(string(d))
		}
		field("Declined by", strings.Join(names, ", "), true)
	}
	if l := c.Lead; l != nil {
		field("Lead", escapeMarkdown(strings.Join(nonEmpty(l.Name, l.Email, l.Phone, l.Message), "\n")), false)
	}
	return e
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cardButtons are the buttons valid in the card's state; none once closed.
func cardButtons(c bridge.HandoffCard) []discordgo.MessageComponent {
	btn := func(label string, style discordgo.ButtonStyle, a bridge.Action) discordgo.MessageComponent {
		return discordgo.Button{Label: label, Style: style, CustomID: actionID(a, c.Handoff)}
	}
	var row []discordgo.MessageComponent
	switch c.State {
	case bridge.StatePending:
		row = append(row, btn("Join", discordgo.SuccessButton, bridge.ActJoin), btn("Decline", discordgo.SecondaryButton, bridge.ActReject))
	case bridge.StateFallback:
		row = append(row, btn("Join", discordgo.SuccessButton, bridge.ActJoin))
	case bridge.StateActive:
		row = append(row, btn("Resolve", discordgo.PrimaryButton, bridge.ActResolve), btn("Hand back", discordgo.SecondaryButton, bridge.ActReject))
	}
	if len(row) == 0 {
		return []discordgo.MessageComponent{}
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

// threadName names a handoff's thread; resolved and abandoned threads are
// marked so that agents see at a glance which are closed.
func threadName(c bridge.HandoffCard) string {
	user := c.UserName
	if user == "" {
		user = "user"
	}
	name := fmt.Sprintf("#%d %s · %s", c.Handoff, user, c.Team)
	switch c.State {
	case bridge.StateResolved:
		name = "✅ " + name
	case bridge.StateAbandoned:
		name = "⚪ " + name
	}
	return truncate(name, maxThreadName)
}

// postBlocks renders thread posts as text blocks, one per post.
func postBlocks(posts []bridge.ThreadPost) []string {
	blocks := make([]string, 0, len(posts))
	for _, p := range posts {
		// A user's text is shown as typed; the bridge's lines, agents'
		// and the AI's are Markdown (the bridge escapes what it quotes).
		text := neutralize(p.Text)
		if p.Role == bridge.RoleUser {
			text = escapeMarkdown(p.Text)
		}
		text += attachmentLines(p.Attachments)
		author := escapeMarkdown(p.Author)
		var b string
		switch p.Role {
		case bridge.RoleSystem:
			b = "ℹ️ _" + strings.TrimSpace(text) + "_"
		case bridge.RoleUser:
			b = "👤 **" + author + "**: " + text
		case bridge.RoleAI:
			b = "🤖 **" + author + "**: " + text
		default:
			b = "🧑‍💼 **" + author + "**: " + text
		}
		if p.History {
			b = "> " + strings.ReplaceAll(b, "\n", "\n> ")
		}
		blocks = append(blocks, b)
	}
	return blocks
}
