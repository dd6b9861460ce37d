package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

// noMentions lets a message ping nobody.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// onlyMentions lets a message ping exactly these users and roles.
func onlyMentions(users, roles []string) *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Users: users, Roles: roles}
}

// messageCreate is discordgo's MessageSend with the nonce fields it lacks:
// with enforce_nonce, Discord answers a retried send with the message it
// already made instead of posting it twice.
type messageCreate struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// nonce derives a stable nonce (at most 25 characters) from what a
// delivery is, so that its retries carry the same one.
func nonce(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:12])
}

// post sends one message; nonceKey makes retries idempotent.
func (a *Adapter) post(ctx context.Context, channelID string, m *discordgo.MessageSend, nonceKey string) (*discordgo.Message, error) {
	if m.AllowedMentions == nil {
		m.AllowedMentions = noMentions()
	}
	body := messageCreate{MessageSend: m}
	if nonceKey != "" {
		body.Nonce, body.EnforceNonce = nonce(nonceKey), true
	}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	raw, err := a.s.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		return nil, classify("post message", err)
	}
	var out discordgo.Message
	if err := discordgo.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("post message: decode answer: %w", err)
	}
	return &out, nil
}

// classify turns a discordgo error into what the outbox understands: a
// 429 into a RetryAfterError, an answer that no retry can change (bad
// request, no access, unknown channel or message) into a PermanentError.
// Anything else (network, 5xx, 401 until the token is fixed) is retried.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		after := rl.RetryAfter
		if after <= 0 {
			after = time.Second
		}
		return &bridge.RetryAfterError{After: after, Err: fmt.Errorf("%s: %w", op, err)}
	}
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		switch code := rest.Response.StatusCode; {
		case code == http.StatusTooManyRequests:
			return &bridge.RetryAfterError{After: retryAfterHeader(rest.Response.Header), Err: fmt.Errorf("%s: %w", op, err)}
		case code == http.StatusBadRequest || code == http.StatusForbidden || code == http.StatusNotFound:
			return bridge.Permanent(fmt.Errorf("%s: %w", op, err))
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

func retryAfterHeader(h http.Header) time.Duration {
	var secs float64
	if _, err := fmt.Sscan(h.Get("Retry-After"), &secs); err != nil || secs <= 0 {
		return time.Second
	}
	return time.Duration(secs * float64(time.Second))
}

// isCode reports whether err is a Discord API error with the JSON code.
func isCode(err error, code int) bool {
	var rest *discordgo.RESTError
	return errors.As(err, &rest) && rest.Message != nil && rest.Message.Code == code
}

// attachmentLines lists attachments as links; Discord previews images and
// videos from their URL, and the bridge keeps no file bytes to upload.
func attachmentLines(atts []bridge.Attachment) string {
	var b strings.Builder
	for _, at := range atts {
		name := at.Name
		if name == "" {
			name = "attachment"
		}
		fmt.Fprintf(&b, "\n📎 [%s](%s)", strings.NewReplacer("[", "(", "]", ")").Replace(neutralize(name)), at.URL)
	}
	return b.String()
}

func fromDiscordAttachments(atts []*discordgo.MessageAttachment) []bridge.Attachment {
	var out []bridge.Attachment
	for _, at := range atts {
		if at == nil || at.URL == "" {
			continue
		}
		out = append(out, bridge.Attachment{Name: at.Filename, ContentType: at.ContentType, Size: int64(at.Size), URL: at.URL})
	}
	return out
}
