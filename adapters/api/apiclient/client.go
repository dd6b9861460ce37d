// Package apiclient is a small Go client of the bridge's handoff API
// (/api/v1): create a conversation, ask for a human, relay the user's
// messages, and receive the agents' replies as verified callbacks or from
// the event stream. See docs/api.md.
package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client calls one bridge with one integration's API key.
type Client struct {
	base string
	key  string
	http *http.Client
}

// New makes a client of the bridge at baseURL (e.g.
// "https://bridge.example.com"); httpClient nil means
// http.DefaultClient.
func New(baseURL, apiKey string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), key: apiKey, http: httpClient}
}

// Problem is an error answer (RFC 9457 problem details).
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field"`
	// RetryAfter is the wait a 429 asks for.
	RetryAfter time.Duration `json:"-"`
}

func (p *Problem) Error() string {
	s := fmt.Sprintf("handoff api: %d %s", p.Status, p.Title)
	if p.Field != "" {
		s += " (" + p.Field + ")"
	}
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

// Option changes one request.
type Option func(*http.Request)

// WithIdempotencyKey sends an Idempotency-Key: a retry of the request with
// the same key returns the first answer and changes nothing.
func WithIdempotencyKey(key string) Option {
	return func(r *http.Request) { r.Header.Set("Idempotency-Key", key) }
}

func (c *Client) do(ctx context.Context, method, path string, in, out any, opts ...Option) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("handoff api: encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return 0, fmt.Errorf("handoff api: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("handoff api: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("handoff api: %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		p := &Problem{Status: resp.StatusCode, Title: resp.Status}
		_ = json.Unmarshal(data, p)
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			p.RetryAfter = time.Duration(secs) * time.Second
		}
		return resp.StatusCode, p
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("handoff api: %s %s: decode answer: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

func conversationPath(id string, rest string) string {
	return "/api/v1/conversations/" + url.PathEscape(id) + rest
}

// UpsertConversation creates the conversation, or continues it (created
// false), adding the transcript's turns to its history.
func (c *Client) UpsertConversation(ctx context.Context, in ConversationInput, opts ...Option) (conv Conversation, created bool, err error) {
	status, err := c.do(ctx, http.MethodPost, "/api/v1/conversations", in, &conv, opts...)
	return conv, status == http.StatusCreated, err
}

// Conversation reads a conversation's state.
func (c *Client) Conversation(ctx context.Context, id string) (Conversation, error) {
	var conv Conversation
	_, err := c.do(ctx, http.MethodGet, conversationPath(id, ""), nil, &conv)
	return conv, err
}

// RequestHandoff asks for a human; created is false when a handoff was
// already open (it is returned).
func (c *Client) RequestHandoff(ctx context.Context, id string, in HandoffInput, opts ...Option) (h Handoff, created bool, err error) {
	status, err := c.do(ctx, http.MethodPost, conversationPath(id, "/handoff"), in, &h, opts...)
	return h, status == http.StatusCreated, err
}

// CancelHandoff stops waiting for a human.
func (c *Client) CancelHandoff(ctx context.Context, id string, opts ...Option) (Handoff, error) {
	var h Handoff
	_, err := c.do(ctx, http.MethodPost, conversationPath(id, "/handoff/cancel"), nil, &h, opts...)
	return h, err
}

// PostMessage relays a message the user wrote.
func (c *Client) PostMessage(ctx context.Context, id string, in MessageInput, opts ...Option) (MessageAccepted, error) {
	var out MessageAccepted
	_, err := c.do(ctx, http.MethodPost, conversationPath(id, "/messages"), in, &out, opts...)
	return out, err
}

// Messages reads the messages after a cursor ("" for the start).
func (c *Client) Messages(ctx context.Context, id, after string, limit int) (MessagePage, error) {
	q := url.Values{}
	if after != "" {
		q.Set("after", after)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	path := conversationPath(id, "/messages")
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var page MessagePage
	_, err := c.do(ctx, http.MethodGet, path, nil, &page)
	return page, err
}
