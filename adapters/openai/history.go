package openai

import (
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// messages builds the request's messages: the system prompt, the latest
// history (see the package documentation for the role mapping) and the new
// user text.
func messages(system string, history []bridge.Message, text string, maxHistory int) []chatMessage {
	if maxHistory < 0 {
		history = nil
	} else if len(history) > maxHistory {
		history = history[len(history)-maxHistory:]
	}
	out := make([]chatMessage, 0, len(history)+2)
	out = append(out, chatMessage{Role: "system", Content: system})
	for _, m := range history {
		if m.Internal || !m.DeletedAt.IsZero() {
			continue
		}
		body := messageText(m)
		if body == "" {
			continue
		}
		switch m.Role {
		case bridge.RoleUser:
			out = append(out, chatMessage{Role: "user", Content: body})
		case bridge.RoleAI:
			out = append(out, chatMessage{Role: "assistant", Content: body})
		case bridge.RoleAgent:
			name := strings.TrimSpace(m.Author)
			if name == "" {
				name = string(m.AgentID)
			}
			prefix := "[human agent] "
			if name != "" {
				prefix = "[" + name + ", human agent] "
			}
			out = append(out, chatMessage{Role: "assistant", Content: prefix + body})
		default:
			// system notices and unknown roles: not part of the dialogue
		}
	}
	return append(out, chatMessage{Role: "user", Content: text})
}

// messageText is the message's text, with its attachments named.
func messageText(m bridge.Message) string {
	text := strings.TrimSpace(m.Text)
	for _, a := range m.Attachments {
		if text != "" {
			text += "\n"
		}
		text += "[attachment: " + a.Name + "]"
	}
	return text
}
