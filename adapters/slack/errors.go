package slack

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// permanentCodes are Slack errors that no retry can cure: the outbox stops
// retrying and reports the failure.
var permanentCodes = []string{
	"channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "invalid_blocks_format", "msg_too_long",
	"no_text", "message_not_found", "cant_update_message", "thread_not_found", "user_not_in_channel", "user_not_found",
	"restricted_action", "invalid_name", "too_many_reactions", "edit_window_closed",
}

// classify names the failed operation and tells the outbox how to retry: a
// 429 waits for Slack's Retry-After, a permanent error stops.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	wrapped := fmt.Errorf("slack %s: %w", op, err)
	var rl *slackgo.RateLimitedError
	if errors.As(err, &rl) {
		return &bridge.RetryAfterError{After: rl.RetryAfter, Err: wrapped}
	}
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) && slices.Contains(permanentCodes, se.Err) {
		return bridge.Permanent(wrapped)
	}
	var sc slackgo.StatusCodeError
	if errors.As(err, &sc) && sc.Code >= 400 && sc.Code < 500 && sc.Code != http.StatusTooManyRequests && sc.Code != http.StatusRequestTimeout {
		return bridge.Permanent(wrapped)
	}
	return wrapped
}

// slackCode returns Slack's error code of err, or "".
func slackCode(err error) string {
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}
