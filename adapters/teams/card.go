package teams

import (
	"fmt"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// card is an Adaptive Card (schema 1.4, what Teams renders).
type card struct {
	Type    string   `json:"type"`
	Schema  string   `json:"$schema"`
	Version string   `json:"version"`
	Body    []any    `json:"body"`
	Actions []action `json:"actions,omitempty"`
}

type textBlock struct {
	Type   string `json:"type"`
	Text   string `json:"text"`
	Wrap   bool   `json:"wrap"`
	Size   string `json:"size,omitempty"`
	Weight string `json:"weight,omitempty"`
	Color  string `json:"color,omitempty"`
}

type factSet struct {
	Type  string `json:"type"`
	Facts []fact `json:"facts"`
}

type fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// action is a button; Data comes back as the click's activity value.
type action struct {
	Type  string    `json:"type"`
	Title string    `json:"title"`
	Style string    `json:"style,omitempty"`
	Data  clickData `json:"data"`
}

var stateColors = map[bridge.State]string{
	bridge.StatePending: "warning", bridge.StateActive: "accent", bridge.StateResolved: "good",
	bridge.StateFallback: "attention", bridge.StateAbandoned: "default",
}

// stateLine is the state as the card shows it. Times are UTC: a card's
// text cannot follow each reader's time zone.
func stateLine(c bridge.HandoffCard) string {
	when := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return " " + t.UTC().Format("15:04 UTC")
	}
	who := escapeText(c.OwnerName)
	switch c.State {
	case bridge.StatePending:
		return "Pending: waiting for an agent since" + when(c.RequestedAt)
	case bridge.StateActive:
		return "Active: " + who + " joined at" + when(c.ChangedAt)
	case bridge.StateResolved:
		return strings.TrimSpace("Resolved by " + who + when(c.ChangedAt))
	case bridge.StateFallback:
		return "Nobody joined in time: fallback since" + when(c.ChangedAt) + ". You can still join."
	case bridge.StateAbandoned:
		return "Abandoned: the user stopped waiting" + when(c.ChangedAt)
	}
	return escapeText(string(c.State))
}

// cardAttachment renders a handoff card; every text that comes from the
// user is escaped.
func cardAttachment(c bridge.HandoffCard) Attachment {
	user := c.UserName
	if user == "" {
		user = "A user"
	}
	body := []any{
		textBlock{Type: "TextBlock", Text: fmt.Sprintf("Handoff #%d · %s on %s", c.Handoff, escapeText(user), c.Channel), Wrap: true, Size: "Medium", Weight: "Bolder"},
		textBlock{Type: "TextBlock", Text: stateLine(c), Wrap: true, Color: stateColors[c.State]},
	}
	var facts []fact
	add := func(title, value string) {
		if strings.TrimSpace(value) != "" {
			facts = append(facts, fact{Title: title, Value: escapeText(clip(value, 500))})
		}
	}
	x := c.Context
	add("Team", string(c.Team))
	add("Priority", string(c.Priority))
	add("Trigger", c.Trigger)
	add("Reason", c.Reason)
	add("Page", x.PageURL)
	add("Chat", strings.TrimSpace(x.ChatTitle+" "+x.Username))
	add("Phone", x.Phone)
	add("IP / country", strings.TrimSpace(x.IP+" "+x.Country))
	add("Language", x.Language)
	if c.SLA > 0 {
		add("SLA", c.SLA.String())
	}
	if c.Previous != 0 {
		add("Previous handoff", fmt.Sprintf("#%d", c.Previous))
	}
	if len(c.Declined) > 0 {
		names := make([]string, len(c.Declined))
		for i, d := range c.Declined {
			names[i] = string(d)
		}
		add("Declined by", strings.Join(names, ", "))
	}
	if l := c.Lead; l != nil {
		add("Lead", strings.Join([]string{l.Name, l.Email, l.Phone, l.Message}, " · "))
	}
	if len(facts) > 0 {
		body = append(body, factSet{Type: "FactSet", Facts: facts})
	}
	return Attachment{ContentType: contentCard, Content: card{Type: "AdaptiveCard",
		Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Version: "1.4", Body: body, Actions: cardActions(c)}}
}

// cardActions are the buttons valid in the card's state; none once closed.
func cardActions(c bridge.HandoffCard) []action {
	id := c.Handoff.String()
	btn := func(title, style string, a bridge.Action) action {
		return action{Type: "Action.Submit", Title: title, Style: style, Data: clickData{Action: string(a), Handoff: id}}
	}
	switch c.State {
	case bridge.StatePending:
		return []action{btn("Join", "positive", bridge.ActJoin), btn("Decline", "", bridge.ActReject)}
	case bridge.StateFallback:
		return []action{btn("Join", "positive", bridge.ActJoin)}
	case bridge.StateActive:
		return []action{btn("Resolve", "positive", bridge.ActResolve), btn("Hand back", "destructive", bridge.ActReject)}
	}
	return nil
}

// postText renders thread posts as one Markdown message.
func postText(posts []bridge.ThreadPost) string {
	blocks := make([]string, 0, len(posts))
	for _, p := range posts {
		text := p.Text
		if p.Role == bridge.RoleUser {
			text = escapeText(p.Text) // shown as typed
		}
		for _, a := range p.Attachments {
			if a.URL != "" {
				text += "\n📎 [" + escapeText(a.Name) + "](" + a.URL + ")"
			}
		}
		author := escapeText(p.Author)
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
		switch {
		case p.Deleted:
			b = "🗑️ _" + author + " deleted this message._"
		case p.Edited:
			b += " _(edited)_"
		}
		if p.History {
			b = "> " + strings.ReplaceAll(b, "\n", "\n> ")
		}
		blocks = append(blocks, b)
	}
	return strings.Join(blocks, "\n\n")
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
