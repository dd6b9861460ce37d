package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// SummaryPrompt leads the request for a handoff's summary.
const SummaryPrompt = `You write the note a human support agent reads before taking over a chat
from the assistant. In two to four short lines of plain text (no Markdown, no
greeting): what the user wants, the key facts they gave (order numbers,
products, errors), and what was already tried. Write in English.`

var _ bridge.Summarizer = (*Responder)(nil)

// Summarize asks the model for a two-to-four-line summary of the
// conversation for the agent who takes it over. It offers no tool; the
// engine bounds the wait and keeps its extractive summary on any error.
func (r *Responder) Summarize(ctx context.Context, req bridge.SummaryRequest) (string, error) {
	ask := "Summarise this conversation for the agent."
	if req.Reason != "" {
		ask += " It was handed over because: " + req.Reason
	}
	data, err := r.complete(ctx, chatRequest{
		Model:       r.cfg.Model,
		Messages:    messages(SummaryPrompt, req.History, ask, r.cfg.MaxHistory),
		Temperature: r.cfg.Temperature,
	})
	if err != nil {
		return "", fmt.Errorf("openai: summary: %w", err)
	}
	var cr chatResponse
	if err := json.Unmarshal(data, &cr); err != nil {
		return "", fmt.Errorf("openai: summary: decode response: %w (body: %s)", err, excerpt(data))
	}
	if len(cr.Choices) == 0 {
		return "", errors.New("openai: summary: response has no choices")
	}
	text := bridge.TidySummary(string(cr.Choices[0].Message.Content))
	if strings.TrimSpace(text) == "" {
		return "", errors.New("openai: summary: the model wrote nothing")
	}
	return text, nil
}
