package whatsapp

import (
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// Location is a shared location; Name and Address are set for a place
// picked on the map.
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name"`
	Address   string  `json:"address"`
}

// Contact is one shared contact card.
type Contact struct {
	Name struct {
		FormattedName string `json:"formatted_name"`
	} `json:"name"`
	Phones []struct {
		Phone string `json:"phone"`
	} `json:"phones"`
	Emails []struct {
		Email string `json:"email"`
	} `json:"emails"`
}

// Reaction is an emoji put on (or, empty, taken off) a message.
type Reaction struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"`
}

// describe is the line standing for a message that is neither text nor a
// file, and whether there is one: false for what needs no line (a
// reaction taken back, the welcome request of a new chat).
func describe(m Message) (string, bool) {
	switch {
	case m.Location != nil:
		l := m.Location
		return bridge.LocationLine(l.Latitude, l.Longitude, l.Name, l.Address), true
	case len(m.Contacts) > 0:
		var lines []string
		for _, c := range m.Contacts {
			var reach []string
			for _, p := range c.Phones {
				reach = append(reach, p.Phone)
			}
			for _, e := range c.Emails {
				reach = append(reach, e.Email)
			}
			lines = append(lines, bridge.ContactLine(c.Name.FormattedName, reach...))
		}
		return strings.Join(lines, "\n"), true
	case m.Reaction != nil:
		if m.Reaction.Emoji == "" {
			return "", false
		}
		return "[reacted " + m.Reaction.Emoji + "]", true
	case m.Interactive != nil && m.Interactive.ListReply != nil:
		return m.Interactive.ListReply.Title, true
	case m.Type == "request_welcome":
		return "", false
	case m.Type == "unsupported":
		kind := ""
		if m.Unsupported != nil {
			kind = strings.ReplaceAll(m.Unsupported.Type, "_", " ")
		}
		return bridge.UnsupportedLine(kind), true
	}
	return "", false
}
