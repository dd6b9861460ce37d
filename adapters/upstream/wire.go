package upstream

import (
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

type request struct {
	ConversationID string         `json:"conversation_id"`
	Channel        string         `json:"channel"`
	Language       string         `json:"language"`
	Text           string         `json:"text"`
	History        []historyEntry `json:"history"`
}

type historyEntry struct {
	Role   string `json:"role"`
	Author string `json:"author,omitempty"`
	Text   string `json:"text"`
}

type response struct {
	Text       string   `json:"text"`
	Confidence *float64 `json:"confidence"`
	Handoff    bool     `json:"handoff"`
	Reason     string   `json:"reason"`
}

func newRequest(q bridge.Question, maxHistory int) request {
	history := q.History
	if maxHistory < 0 {
		history = nil
	} else if len(history) > maxHistory {
		history = history[len(history)-maxHistory:]
	}
	req := request{
		ConversationID: q.Conversation.String(),
		Channel:        string(q.Channel),
		Language:       q.Language,
		Text:           q.Text,
		History:        make([]historyEntry, 0, len(history)),
	}
	for _, m := range history {
		if m.Internal || !m.DeletedAt.IsZero() {
			continue
		}
		text := strings.TrimSpace(m.Text)
		for _, a := range m.Attachments {
			if text != "" {
				text += "\n"
			}
			text += "[attachment: " + a.Name + "]"
		}
		if text == "" {
			continue
		}
		h := historyEntry{Role: string(m.Role), Text: text}
		if m.Role == bridge.RoleAgent {
			h.Author = m.Author
			if h.Author == "" {
				h.Author = string(m.AgentID)
			}
		}
		req.History = append(req.History, h)
	}
	return req
}
