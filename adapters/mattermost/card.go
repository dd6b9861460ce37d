package mattermost

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Button ids (Mattermost wants them alphanumeric) and what they do.
const (
	actionJoin    = "join"
	actionReject  = "reject"
	actionResolve = "resolve"
)

var actionsByID = map[string]bridge.Action{
	actionJoin: bridge.ActJoin, actionReject: bridge.ActReject, actionResolve: bridge.ActResolve,
}

// stateColors are the attachment's bar by state.
var stateColors = map[bridge.State]string{
	bridge.StatePending: "#f2c744", bridge.StateActive: "#2d8cff", bridge.StateResolved: "#3db887",
	bridge.StateFallback: "#e07b24", bridge.StateAbandoned: "#8a8a8a",
}

func when(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

// who names the owner in the card.
func who(card bridge.HandoffCard) string {
	if card.OwnerName != "" {
		return "**" + EscapeText(card.OwnerName) + "**"
	}
	return "an agent"
}

func stateLine(card bridge.HandoffCard) string {
	switch card.State {
	case bridge.StatePending:
		return "⏳ **Pending**: waiting for an agent since " + when(card.RequestedAt)
	case bridge.StateActive:
		return "💬 **Active**: " + who(card) + " joined " + when(card.ChangedAt)
	case bridge.StateResolved:
		return "✅ **Resolved** by " + who(card) + " " + when(card.ChangedAt)
	case bridge.StateFallback:
		line := "⚠️ **Fallback**: nobody joined in time"
		if card.SLA > 0 {
			line += " (" + card.SLA.String() + ")"
		}
		return line + "; you can still join."
	case bridge.StateAbandoned:
		return "❌ **Abandoned**: the user stopped waiting " + when(card.ChangedAt)
	}
	return "**" + EscapeText(string(card.State)) + "**"
}

// cardPost is the root post of a handoff's thread: the headline and state
// as its message, the user's context and the buttons for the state as its
// attachment.
func (w *Workspace) cardPost(channel string, card bridge.HandoffCard) *Post {
	user := card.UserName
	if user == "" {
		user = "A user"
	}
	msg := fmt.Sprintf("#### Handoff #%d · %s on %s\n%s", card.Handoff, EscapeText(clip(user, 100)), card.Channel, stateLine(card))
	att := Attachment{Fallback: clip(fmt.Sprintf("Handoff #%d (%s): %s on %s", card.Handoff, card.State, user, card.Channel), 300),
		Color: stateColors[card.State], Fields: cardFields(card), Text: cardNotes(card), Actions: w.cardActions(card)}
	return &Post{ChannelID: channel, Message: msg, Props: map[string]any{"attachments": []Attachment{att}}}
}

func cardFields(card bridge.HandoffCard) []AttachmentField {
	var fields []AttachmentField
	field := func(label, value string, short bool) {
		if value = strings.TrimSpace(value); value != "" {
			fields = append(fields, AttachmentField{Title: label, Value: clip(EscapeText(value), 1000), Short: short})
		}
	}
	c := card.Context
	field("User", card.UserName, true)
	field("Channel", string(card.Channel), true)
	field("Team", string(card.Team), true)
	field("Priority", string(card.Priority), true)
	field("Trigger", card.Trigger, true)
	field("Reason", card.Reason, false)
	field("Page", c.PageURL, false)
	field("Chat", c.ChatTitle+" "+c.Username, true)
	field("Phone", c.Phone, true)
	field("IP / country", c.IP+" "+c.Country, true)
	if !c.SessionStart.IsZero() && card.RequestedAt.After(c.SessionStart) {
		field("Session", card.RequestedAt.Sub(c.SessionStart).Round(time.Second).String()+" before the request", true)
	}
	return fields
}

// cardNotes are the earlier handoff, who declined and a captured lead.
func cardNotes(card bridge.HandoffCard) string {
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
	if l := card.Lead; l != nil {
		contact := strings.TrimSpace(l.Email + " " + l.Phone)
		notes = append(notes, clip(fmt.Sprintf("**Lead captured**\nName: %s\nContact: %s\nMessage: %s",
			EscapeText(l.Name), EscapeText(contact), EscapeText(l.Message)), 3000))
	}
	return strings.Join(notes, "\n")
}

// cardActions are the buttons valid in the card's state, each posting to
// the bridge with a context only the bridge can have made.
func (w *Workspace) cardActions(card bridge.HandoffCard) []Action {
	id := strconv.FormatInt(int64(card.Handoff), 10)
	button := func(action, label, style string) Action {
		return Action{ID: action, Type: "button", Name: label, Style: style, Integration: &Integration{
			URL:     w.opts.PublicURL + ActionsPath,
			Context: map[string]any{"handoff": id, "action": action, "secret": actionSecret(w.opts.ActionKey, id, action)},
		}}
	}
	switch card.State {
	case bridge.StatePending, bridge.StateFallback:
		return []Action{button(actionJoin, "Join", "primary"), button(actionReject, "Reject", "default")}
	case bridge.StateActive:
		return []Action{button(actionResolve, "Resolve", "success"), button(actionReject, "Hand back", "danger")}
	}
	return nil
}
