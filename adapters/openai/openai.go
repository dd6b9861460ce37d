package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// maxBody bounds the response body read: a chat completion is a few KiB.
const maxBody = 1 << 20

// Responder asks an OpenAI-compatible chat completions endpoint. It is safe
// for concurrent use.
type Responder struct {
	cfg Options
	url string
}

var _ bridge.Responder = (*Responder)(nil)

// New checks cfg, fills in its defaults and returns a Responder.
func New(cfg Options) (*Responder, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("openai: config: %w", err)
	}
	return &Responder{cfg: cfg, url: cfg.BaseURL + "/chat/completions"}, nil
}

// Respond sends the conversation and q.Text to the model and returns its
// answer, its request for a human, or no answer (see the package
// documentation).
func (r *Responder) Respond(ctx context.Context, q bridge.Question) (bridge.Reply, error) {
	reply, err := r.respond(ctx, q)
	if err != nil {
		return bridge.Reply{}, fmt.Errorf("openai: chat completions: %w", err)
	}
	return reply, nil
}

func (r *Responder) respond(ctx context.Context, q bridge.Question) (bridge.Reply, error) {
	data, err := r.complete(ctx, chatRequest{
		Model:       r.cfg.Model,
		Messages:    messages(r.cfg.SystemPrompt, q.History, q.Text, r.cfg.MaxHistory),
		Temperature: r.cfg.Temperature,
		Tools:       []tool{handoffTool},
	})
	if err != nil {
		return bridge.Reply{}, err
	}
	return r.decode(data)
}

// complete posts one chat completion request and returns the response body
// of a 2xx answer.
func (r *Responder) complete(ctx context.Context, cr chatRequest) ([]byte, error) {
	body, err := json.Marshal(cr)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if r.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+r.cfg.APIKey)
	}
	resp, err := r.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, err // *url.Error: method, URL (no key) and cause
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if r.cfg.APIKey != "" {
		// a server echoing the key must not put it in our logs
		data = bytes.ReplaceAll(data, []byte(r.cfg.APIKey), []byte("[redacted]"))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &StatusError{StatusCode: resp.StatusCode, Body: excerpt(data)}
	}
	if len(data) > maxBody {
		return nil, fmt.Errorf("response body larger than %d bytes", maxBody)
	}
	return data, nil
}

// decode reads a chat completion into a Reply.
func (r *Responder) decode(data []byte) (bridge.Reply, error) {
	var cr chatResponse
	if err := json.Unmarshal(data, &cr); err != nil {
		return bridge.Reply{}, fmt.Errorf("decode response: %w (body: %s)", err, excerpt(data))
	}
	if len(cr.Choices) == 0 {
		return bridge.Reply{}, fmt.Errorf("response has no choices (body: %s)", excerpt(data))
	}
	msg := cr.Choices[0].Message
	text := strings.TrimSpace(string(msg.Content))
	for _, tc := range msg.ToolCalls {
		if tc.Function.Name == HandoffTool {
			return bridge.Reply{Text: text, Handoff: true, Reason: tc.reason()}, nil
		}
	}
	if text == "" {
		return bridge.Reply{}, nil
	}
	return bridge.Reply{Text: text, Confidence: r.cfg.Confidence}, nil
}
