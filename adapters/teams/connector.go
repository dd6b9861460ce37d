package teams

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

// connector calls the Bot Connector REST API.
type connector struct {
	base   string // the service URL, with its trailing slash
	tokens *tokenSource
	client *http.Client
}

// apiError is the Connector answering with an error status.
type apiError struct {
	method, path string
	status       int
	code, msg    string
}

func (e *apiError) Error() string {
	s := fmt.Sprintf("%s %s: %d", e.method, e.path, e.status)
	if e.code != "" {
		s += " " + e.code
	}
	if e.msg != "" {
		s += ": " + firstLine(e.msg)
	}
	return s
}

// conversationPath is the path of a conversation, its id escaped (it holds
// ':', ';' and '@').
func conversationPath(id string, rest ...string) string {
	p := "v3/conversations/" + url.PathEscape(id)
	for _, r := range rest {
		p += "/" + url.PathEscape(r)
	}
	return p
}

// call makes one request, with a fresh token after a 401; out receives the
// JSON answer. Rate limits become RetryAfterErrors; refusals that no retry
// can change (the bot removed from the team, a conversation gone) become
// permanent.
func (c *connector) call(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return bridge.Permanent(fmt.Errorf("%s %s: %w", method, path, err))
		}
	}
	for attempt := 0; ; attempt++ {
		token, err := c.tokens.get(ctx)
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
		if err != nil {
			return bridge.Permanent(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if in != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := c.client.Do(req)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		data, rerr := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		res.Body.Close()
		if res.StatusCode == http.StatusUnauthorized && attempt == 0 {
			c.tokens.drop(token) // expired or revoked early: one more try with a new one
			continue
		}
		if res.StatusCode/100 == 2 {
			if rerr != nil {
				return fmt.Errorf("%s %s: %w", method, path, rerr)
			}
			if out != nil && len(bytes.TrimSpace(data)) > 0 {
				if err := json.Unmarshal(data, out); err != nil {
					return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
				}
			}
			return nil
		}
		return classify(method, path, res, data)
	}
}

func classify(method, path string, res *http.Response, data []byte) error {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(data, &e)
	err := &apiError{method: method, path: path, status: res.StatusCode, code: e.Error.Code, msg: e.Error.Message}
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		return &bridge.RetryAfterError{After: retryAfter(res.Header.Get("Retry-After")), Err: err}
	case res.StatusCode == http.StatusBadRequest, res.StatusCode == http.StatusForbidden, res.StatusCode == http.StatusNotFound:
		return bridge.Permanent(err)
	}
	return err
}

// retryAfter reads a Retry-After header (seconds), one second when absent.
func retryAfter(h string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return time.Second
}

func isStatus(err error, status int) bool {
	var e *apiError
	return errors.As(err, &e) && e.status == status
}

// send posts an activity into a conversation and returns its id.
func (c *connector) send(ctx context.Context, conversation string, a Activity) (string, error) {
	var res struct {
		ID string `json:"id"`
	}
	err := c.call(ctx, http.MethodPost, conversationPath(conversation, "activities"), a, &res)
	return res.ID, err
}

// update replaces an activity the bot posted.
func (c *connector) update(ctx context.Context, conversation, id string, a Activity) error {
	a.ID = id
	return c.call(ctx, http.MethodPut, conversationPath(conversation, "activities", id), a, nil)
}

// conversationParams opens a conversation: a new thread in a channel, or
// a personal chat with one user.
type conversationParams struct {
	IsGroup     bool         `json:"isGroup"`
	Bot         *Account     `json:"bot,omitempty"`
	Members     []Account    `json:"members,omitempty"`
	ChannelData *ChannelData `json:"channelData,omitempty"`
	Activity    *Activity    `json:"activity,omitempty"`
	TenantID    string       `json:"tenantId,omitempty"`
}

type conversationCreated struct {
	ID         string `json:"id"`
	ActivityID string `json:"activityId"`
}

func (c *connector) createConversation(ctx context.Context, p conversationParams) (conversationCreated, error) {
	var res conversationCreated
	err := c.call(ctx, http.MethodPost, "v3/conversations", p, &res)
	return res, err
}
