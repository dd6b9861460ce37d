package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/bridge"
)

// Requests, as openapi.yaml describes them.
type (
	profileInput struct {
		Name         string            `json:"name,omitempty"`
		Email        string            `json:"email,omitempty"`
		Locale       string            `json:"locale,omitempty"`
		ChannelLabel string            `json:"channel_label,omitempty"`
		Attributes   map[string]string `json:"attributes,omitempty"`
	}
	turnInput struct {
		Role   string    `json:"role"`
		Text   string    `json:"text"`
		Author string    `json:"author,omitempty"`
		At     time.Time `json:"at"`
	}
	conversationInput struct {
		ExternalID string       `json:"external_id"`
		User       profileInput `json:"user"`
		Transcript []turnInput  `json:"transcript"`
	}
	handoffInput struct {
		Team       string            `json:"team"`
		Priority   string            `json:"priority"`
		Reason     string            `json:"reason"`
		Summary    string            `json:"summary"`
		Attributes map[string]string `json:"attributes"`
	}
	attachmentInput struct {
		URL         string `json:"url"`
		Name        string `json:"name,omitempty"`
		ContentType string `json:"content_type,omitempty"`
		Size        int64  `json:"size,omitempty"`
	}
	messageInput struct {
		Text        string            `json:"text"`
		MessageID   string            `json:"message_id"`
		Attachments []attachmentInput `json:"attachments"`
	}
)

var (
	localeRE   = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)
	attrKeyRE  = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)
	priorities = []string{"low", "normal", "high", "urgent"}
)

// readBody reads a JSON body of at most maxBody bytes; an empty body reads
// as {}.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *problem) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, tooLarge(fmt.Sprintf("the body exceeds %d bytes", maxBody))
	}
	if err != nil {
		return nil, malformed("the body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return []byte("{}"), nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, malformed("send the body as Content-Type: application/json")
		}
	}
	return body, nil
}

// decodeJSON decodes one JSON object strictly: unknown fields and values of
// the wrong type are named.
func decodeJSON(body []byte, v any) *problem {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		return malformed("the body holds more than one JSON value")
	}
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &typeErr):
		return invalid(pointer(typeErr.Field), "want a "+typeErr.Type.String()+", got a JSON "+typeErr.Value)
	case errors.As(err, &timeErr):
		return invalid("", "a time is not RFC 3339 (2025-01-31T09:30:00Z): "+timeErr.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return invalid("/"+name, "unknown field "+strconv.Quote(name))
	}
	return malformed("the body is not a JSON object: " + err.Error())
}

// pointer turns encoding/json's dotted field path into a JSON pointer.
func pointer(field string) string {
	if field == "" {
		return ""
	}
	return "/" + strings.ReplaceAll(field, ".", "/")
}

func checkLen(field, s string, max int) *problem {
	if utf8.RuneCountInString(s) > max {
		return invalid(field, fmt.Sprintf("at most %d characters", max))
	}
	return nil
}

func (p profileInput) check(at string) *problem {
	if e := checkLen(at+"/name", p.Name, 200); e != nil {
		return e
	}
	if p.Email != "" {
		if a, err := mail.ParseAddress(p.Email); err != nil || a.Address != p.Email || len(p.Email) > 320 {
			return invalid(at+"/email", "not an email address")
		}
	}
	if p.Locale != "" && !localeRE.MatchString(p.Locale) {
		return invalid(at+"/locale", "want a language tag such as en or de-DE")
	}
	if e := checkLen(at+"/channel_label", p.ChannelLabel, 200); e != nil {
		return e
	}
	return checkAttributes(at+"/attributes", p.Attributes)
}

func checkAttributes(at string, attrs map[string]string) *problem {
	if len(attrs) > 50 {
		return invalid(at, "at most 50 attributes")
	}
	for k, v := range attrs {
		if !attrKeyRE.MatchString(k) {
			return invalid(at, fmt.Sprintf("attribute name %q: want 1 to 64 letters, digits or _ . -", k))
		}
		if e := checkLen(at+"/"+k, v, 1000); e != nil {
			return e
		}
	}
	return nil
}

func decodeConversation(body []byte, maxText int) (conversationInput, *problem) {
	var in conversationInput
	if p := decodeJSON(body, &in); p != nil {
		return in, p
	}
	if !externalIDRE.MatchString(in.ExternalID) {
		return in, invalid("/external_id", "want 1 to 128 letters, digits or . _ : @ + = -")
	}
	if p := in.User.check("/user"); p != nil {
		return in, p
	}
	if len(in.Transcript) > 500 {
		return in, invalid("/transcript", "at most 500 turns; send the latest")
	}
	for i, t := range in.Transcript {
		at := "/transcript/" + strconv.Itoa(i)
		if t.Role != "user" && t.Role != "bot" {
			return in, invalid(at+"/role", `want "user" or "bot"`)
		}
		if strings.TrimSpace(t.Text) == "" {
			return in, invalid(at+"/text", "must not be empty")
		}
		if len(t.Text) > maxText {
			return in, tooLarge(fmt.Sprintf("%s/text exceeds %d bytes", at, maxText))
		}
		if p := checkLen(at+"/author", t.Author, 200); p != nil {
			return in, p
		}
	}
	return in, nil
}

func decodeHandoff(body []byte) (handoffInput, *problem) {
	var in handoffInput
	if p := decodeJSON(body, &in); p != nil {
		return in, p
	}
	if p := checkLen("/team", in.Team, 64); p != nil {
		return in, p
	}
	if in.Priority != "" && !slices.Contains(priorities, in.Priority) {
		return in, invalid("/priority", "want low, normal, high or urgent")
	}
	if p := checkLen("/reason", in.Reason, 1000); p != nil {
		return in, p
	}
	if p := checkLen("/summary", in.Summary, 4000); p != nil {
		return in, p
	}
	return in, checkAttributes("/attributes", in.Attributes)
}

func decodeMessage(body []byte, maxText int) (messageInput, *problem) {
	var in messageInput
	if p := decodeJSON(body, &in); p != nil {
		return in, p
	}
	if strings.TrimSpace(in.Text) == "" && len(in.Attachments) == 0 {
		return in, invalid("/text", "a message needs text or an attachment")
	}
	if len(in.Text) > maxText {
		return in, tooLarge(fmt.Sprintf("the text exceeds %d bytes", maxText))
	}
	if p := checkLen("/message_id", in.MessageID, 255); p != nil {
		return in, p
	}
	if len(in.Attachments) > 10 {
		return in, invalid("/attachments", "at most 10 attachments")
	}
	for i, f := range in.Attachments {
		at := "/attachments/" + strconv.Itoa(i)
		u, err := url.Parse(f.URL)
		if err != nil || !(strings.HasPrefix(f.URL, "https://") || strings.HasPrefix(f.URL, "http://")) || u.Host == "" || len(f.URL) > 2048 {
			return in, invalid(at+"/url", "want an absolute http or https URL")
		}
		if f.Size < 0 {
			return in, invalid(at+"/size", "must not be negative")
		}
		if p := checkLen(at+"/name", f.Name, 255); p != nil {
			return in, p
		}
		if p := checkLen(at+"/content_type", f.ContentType, 255); p != nil {
			return in, p
		}
	}
	return in, nil
}

func (in messageInput) attachments() []bridge.Attachment {
	var out []bridge.Attachment
	for _, f := range in.Attachments {
		name := f.Name
		if name == "" {
			name = f.URL[strings.LastIndex(f.URL, "/")+1:]
		}
		out = append(out, bridge.Attachment{Name: name, ContentType: f.ContentType, Size: f.Size, URL: f.URL})
	}
	return out
}
