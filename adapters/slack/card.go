package slack

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// Button action ids; their value is the handoff id.
const (
	actionJoin    = "handoff_join"
	actionReject  = "handoff_reject"
	actionResolve = "handoff_resolve"
)

var actionsByID = map[string]bridge.Action{
	actionJoin: bridge.ActJoin, actionReject: bridge.ActReject, actionResolve: bridge.ActResolve,
}

// slackDate renders t in each reader's own time zone, with a plain
// fallback for clients that cannot.
func slackDate(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), t.UTC().Format("2006-01-02 15:04 UTC"))
}

// who names an agent in the card: a mention when their Slack id is known.
func who(card bridge.HandoffCard) string {
	if card.OwnerUserID != "" && !strings.ContainsAny(card.OwnerUserID, "<>|&") {
		return "<@" + card.OwnerUserID + ">"
	}
	if card.OwnerName != "" {
		return EscapeText(card.OwnerName)
	}
	return "an agent"
}

func stateLine(card bridge.HandoffCard) string {
	switch card.State {
	case bridge.StatePending:
		return ":hourglass_flowing_sand: *Pending*: waiting for an agent since " + slackDate(card.RequestedAt)
	case bridge.StateActive:
		return ":speech_balloon: *Active*: " + who(card) + " joined " + slackDate(card.ChangedAt)
	case bridge.StateResolved:
		return ":white_check_mark: *Resolved* by " + who(card) + " " + slackDate(card.ChangedAt)
	case bridge.StateFallback:
		line := ":warning: *Fallback*: nobody joined in time"
		if card.SLA > 0 {
			line += " (" + card.SLA.String() + ")"
		}
		return line + "; you can still join."
	case bridge.StateAbandoned:
		return ":x: *Abandoned*: the user stopped waiting " + slackDate(card.ChangedAt)
	}
	return "*" + EscapeText(string(card.State)) + "*"
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// cardMessage builds the root message of a handoff's thread: who the user
// is, why they asked, where it stands, and the buttons for the state.
func cardMessage(card bridge.HandoffCard) (string, []slackgo.Block) {
	user := card.UserName
	if user == "" {
		user = "A user"
	}
	title := clip(fmt.Sprintf("Handoff #%d · %s on %s", card.Handoff, user, card.Channel), 150)
	blocks := []slackgo.Block{
		slackgo.NewHeaderBlock(slackgo.NewTextBlockObject(slackgo.PlainTextType, title, false, false)),
		slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, stateLine(card), false, false), nil, nil),
	}
	if card.Summary != "" {
		text := clip("*Summary*\n"+EscapeText(card.Summary), 3000)
		blocks = append(blocks, slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, text, false, true), nil, nil))
	}
	var fields []*slackgo.TextBlockObject
	field := func(label, value string) {
		if value == "" || len(fields) == 10 {
			return
		}
		fields = append(fields, slackgo.NewTextBlockObject(slackgo.MarkdownType, clip("*"+label+"*\n"+EscapeText(value), 2000), false, true))
	}
	c := card.Context
	field("User", user)
	field("Channel", string(card.Channel))
	field("Team", string(card.Team))
	field("Priority", string(card.Priority))
	field("Trigger", card.Trigger)
	field("Reason", card.Reason)
	field("Page", c.PageURL)
	field("Chat", strings.TrimSpace(c.ChatTitle+" "+c.Username))
	field("Phone", c.Phone)
	where := strings.TrimSpace(strings.Join([]string{c.IP, c.Country}, " "))
	field("IP / country", where)
	if !c.SessionStart.IsZero() && card.RequestedAt.After(c.SessionStart) {
		field("Session", card.RequestedAt.Sub(c.SessionStart).Round(time.Second).String()+" before the request")
	}
	if len(fields) > 0 {
		blocks = append(blocks, slackgo.NewSectionBlock(nil, fields, nil))
	}
	var notes []string
	if card.Previous != 0 {
		notes = append(notes, fmt.Sprintf("Earlier handoff of this user: #%d", card.Previous))
	}
	if len(card.Declined) > 0 {
		names := make([]string, len(card.Declined))
		for i, d := range card.Declined {
			names[i] = EscapeText(string(d))
		}
		notes = append(notes, "Declined by "+strings.Join(names, ", "))
	}
	if len(notes) > 0 {
		blocks = append(blocks, slackgo.NewContextBlock("notes",
			slackgo.NewTextBlockObject(slackgo.MarkdownType, strings.Join(notes, " · "), false, false)))
	}
	if l := card.Lead; l != nil {
		contact := strings.TrimSpace(l.Email + " " + l.Phone)
		text := fmt.Sprintf("*Lead captured*\nName: %s\nContact: %s\nMessage: %s", EscapeText(l.Name), EscapeText(contact), EscapeText(l.Message))
		blocks = append(blocks, slackgo.NewSectionBlock(slackgo.NewTextBlockObject(slackgo.MarkdownType, clip(text, 3000), false, true), nil, nil))
	}
	if buttons := cardButtons(card); len(buttons) > 0 {
		blocks = append(blocks, slackgo.NewActionBlock("handoff:"+strconv.FormatInt(int64(card.Handoff), 10), buttons...))
	}
	text := fmt.Sprintf("Handoff #%d (%s): %s on %s", card.Handoff, card.State, EscapeText(user), card.Channel)
	return text, blocks
}

// cardButtons are the actions valid in the card's state.
func cardButtons(card bridge.HandoffCard) []slackgo.BlockElement {
	id := strconv.FormatInt(int64(card.Handoff), 10)
	button := func(action, label string, style slackgo.Style) slackgo.BlockElement {
		b := slackgo.NewButtonBlockElement(action, id, slackgo.NewTextBlockObject(slackgo.PlainTextType, label, false, false))
		if style != "" {
			b = b.WithStyle(style)
		}
		return b
	}
	switch card.State {
	case bridge.StatePending, bridge.StateFallback:
		return []slackgo.BlockElement{button(actionJoin, "Join", slackgo.StylePrimary), button(actionReject, "Reject", "")}
	case bridge.StateActive:
		return []slackgo.BlockElement{button(actionResolve, "Resolve", slackgo.StylePrimary), button(actionReject, "Hand back", slackgo.StyleDanger)}
	}
	return nil
}
