package openai

import (
	"encoding/json"
	"errors"
	"strings"
)

// HandoffTool is the name of the tool the model calls to ask for a human.
const HandoffTool = "request_human_handoff"

type chatRequest struct {
	Model       string        `json:"model"`
	Messages    []chatMessage `json:"messages"`
	Temperature *float64      `json:"temperature,omitempty"`
	Tools       []tool        `json:"tools,omitempty"`
	Stream      bool          `json:"stream"`
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type tool struct {
	Type     string       `json:"type"`
	Function toolFunction `json:"function"`
}

type toolFunction struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
}

var handoffTool = tool{
	Type: "function",
	Function: toolFunction{
		Name: HandoffTool,
		Description: "Hand the conversation over to a human support agent. Call it when you cannot answer, " +
			"when the user asks for a person, or when the request needs a human.",
		Parameters: json.RawMessage(`{"type":"object","properties":{"reason":{"type":"string",` +
			`"description":"Why a human is needed, in a few words, for the agent who takes over."}},` +
			`"required":["reason"]}`),
	},
}

type chatResponse struct {
	Choices []struct {
		Message struct {
			Content   content    `json:"content"`
			ToolCalls []toolCall `json:"tool_calls"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
}

type toolCall struct {
	Type     string `json:"type"`
	Function struct {
		Name string `json:"name"`
		// Arguments is a JSON object encoded as a string by the API; some
		// servers send the object itself.
		Arguments json.RawMessage `json:"arguments"`
	} `json:"function"`
}

// content is a message's content: a string, null, or an array of parts of
// which the text ones are joined.
type content string

func (c *content) UnmarshalJSON(data []byte) error {
	switch {
	case string(data) == "null":
		*c = ""
		return nil
	case len(data) > 0 && data[0] == '"':
		var s string
		err := json.Unmarshal(data, &s)
		*c = content(s)
		return err
	case len(data) > 0 && data[0] == '[':
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(data, &parts); err != nil {
			return err
		}
		var b strings.Builder
		for _, p := range parts {
			if p.Type == "text" || p.Type == "" {
				b.WriteString(p.Text)
			}
		}
		*c = content(b.String())
		return nil
	}
	return errors.New("message content is neither a string nor an array of parts")
}

// reason returns the reason argument of a handoff tool call, or "" when the
// arguments cannot be read: the model asked for a human all the same.
func (tc toolCall) reason() string {
	args := tc.Function.Arguments
	var s string
	if json.Unmarshal(args, &s) == nil {
		args = json.RawMessage(s)
	}
	var a struct {
		Reason string `json:"reason"`
	}
	if json.Unmarshal(args, &a) != nil {
		return ""
	}
	return strings.TrimSpace(a.Reason)
}
