package mattermost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// client calls the REST API v4 as the bot.
type client struct {
	base  string // the server's URL, without a trailing slash
	token string
	http  *http.Client
}

// maxResponse bounds an answer read from the server; a page of posts is
// the largest the bridge asks for.
const maxResponse = 16 << 20

// APIError is an answer of the server other than success.
type APIError struct {
	Method, Path string
	Status       int
	ID           string // Mattermost's error id, e.g. api.context.session_expired.app_error
	Message      string
	RetryAfter   time.Duration // of a 429
}

func (e *APIError) Error() string {
	msg := e.Message
	if e.ID != "" {
		msg = e.ID + ": " + msg
	}
	return fmt.Sprintf("%s %s: %d %s", e.Method, e.Path, e.Status, strings.TrimSpace(msg))
}

// status is the HTTP status of a failed call, 0 when it got none.
func status(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// do sends one request and decodes a JSON answer into out (when not nil).
// A 429 becomes a *bridge.RetryAfterError, another 4xx (but 408) a
// permanent error: the outbox retries only what a retry can cure.
func (c *client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("mattermost %s %s: encode: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v4"+path, rd)
	if err != nil {
		return fmt.Errorf("mattermost %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("mattermost %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("mattermost %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return classify(apiError(method, path, resp, raw))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("mattermost %s %s: decode answer: %w", method, path, err)
	}
	return nil
}

func apiError(method, path string, resp *http.Response, raw []byte) *APIError {
	e := &APIError{Method: method, Path: path, Status: resp.StatusCode}
	var ae appError
	if json.Unmarshal(raw, &ae) == nil && ae.Message != "" {
		e.ID, e.Message = ae.ID, ae.Message
	} else {
		e.Message = string(bytes.TrimSpace(raw[:min(len(raw), 200)]))
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter = retryAfter(resp.Header)
	}
	return e
}

// retryAfter reads how long Mattermost's rate limiter asks to wait:
// Retry-After, else X-RateLimit-Reset, both in seconds; a second when
// neither says.
func retryAfter(h http.Header) time.Duration {
	for _, name := range []string{"Retry-After", "X-RateLimit-Reset"} {
		if s, err := strconv.Atoi(strings.TrimSpace(h.Get(name))); err == nil && s >= 0 {
			return max(time.Duration(s)*time.Second, 100*time.Millisecond)
		}
	}
	return time.Second
}

// classify tells the outbox how to retry a failed call.
func classify(e *APIError) error {
	switch {
	case e.Status == http.StatusTooManyRequests:
		return &bridge.RetryAfterError{After: e.RetryAfter, Err: e}
	case e.Status >= 400 && e.Status < 500 && e.Status != http.StatusRequestTimeout:
		return bridge.Permanent(e)
	}
	return e
}

func (c *client) me(ctx context.Context) (User, error) {
	var u User
	return u, c.do(ctx, http.MethodGet, "/users/me", nil, &u)
}

func (c *client) user(ctx context.Context, id string) (User, error) {
	var u User
	return u, c.do(ctx, http.MethodGet, "/users/"+url.PathEscape(id), nil, &u)
}

func (c *client) channel(ctx context.Context, id string) (Channel, error) {
	var ch Channel
	return ch, c.do(ctx, http.MethodGet, "/channels/"+url.PathEscape(id), nil, &ch)
}

func (c *client) team(ctx context.Context, id string) (Team, error) {
	var t Team
	return t, c.do(ctx, http.MethodGet, "/teams/"+url.PathEscape(id), nil, &t)
}

func (c *client) channelMember(ctx context.Context, channelID, userID string) (ChannelMember, error) {
	var m ChannelMember
	return m, c.do(ctx, http.MethodGet, "/channels/"+url.PathEscape(channelID)+"/members/"+url.PathEscape(userID), nil, &m)
}

func (c *client) createPost(ctx context.Context, p *Post) (Post, error) {
	var out Post
	return out, c.do(ctx, http.MethodPost, "/posts", p, &out)
}

func (c *client) patchPost(ctx context.Context, id string, patch postPatch) (Post, error) {
	var out Post
	return out, c.do(ctx, http.MethodPut, "/posts/"+url.PathEscape(id)+"/patch", patch, &out)
}

func (c *client) ephemeral(ctx context.Context, userID string, p *Post) error {
	return c.do(ctx, http.MethodPost, "/posts/ephemeral", ephemeralPost{UserID: userID, Post: p}, nil)
}

func (c *client) react(ctx context.Context, r reaction) error {
	return c.do(ctx, http.MethodPost, "/reactions", r, nil)
}

// postsSince lists the posts of a channel created, edited or deleted at or
// after since (milliseconds), oldest first.
func (c *client) postsSince(ctx context.Context, channelID string, since int64) ([]*Post, error) {
	var l PostList
	path := "/channels/" + url.PathEscape(channelID) + "/posts?since=" + strconv.FormatInt(since, 10)
	if err := c.do(ctx, http.MethodGet, path, nil, &l); err != nil {
		return nil, err
	}
	out := make([]*Post, 0, len(l.Posts))
	for _, p := range l.Posts {
		if p != nil {
			out = append(out, p)
		}
	}
	sortByCreation(out)
	return out, nil
}
