package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Options configure the adapter.
type Options struct {
	PhoneNumberID string
	Token         string // access token
	AppSecret     string // checks X-Hub-Signature-256
	VerifyToken   string // answers the GET verification
	APIURL        string // default https://graph.facebook.com
	APIVersion    string // default v21.0
	// TemplateName is sent instead of an agent reply outside the 24-hour
	// window, when set; TemplateLanguage is its language (default en_US).
	TemplateName     string
	TemplateLanguage string
	Events           bridge.EventHandler
	Store            bridge.Store
	Logger           *slog.Logger
	HTTPClient       *http.Client
	Now              func() time.Time // default time.Now
}

// Adapter is the WhatsApp user channel.
type Adapter struct {
	opts Options
	log  *slog.Logger
}

var (
	_ bridge.UserChannel  = (*Adapter)(nil)
	_ bridge.Offerer      = (*Adapter)(nil)
	_ bridge.RouteMounter = (*Adapter)(nil)
)

// New returns the adapter.
func New(opts Options) (*Adapter, error) {
	if opts.PhoneNumberID == "" || opts.Token == "" || opts.AppSecret == "" || opts.VerifyToken == "" {
		return nil, errors.New("whatsapp: phone number id, access token, app secret and verify token are required")
	}
	if opts.Events == nil || opts.Store == nil {
		return nil, errors.New("whatsapp: an event handler and a store are required")
	}
	if opts.APIURL == "" {
		opts.APIURL = "https://graph.facebook.com"
	}
	if opts.APIVersion == "" {
		opts.APIVersion = "v21.0"
	}
	if opts.TemplateLanguage == "" {
		opts.TemplateLanguage = "en_US"
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.APIURL = strings.TrimRight(opts.APIURL, "/")
	return &Adapter{opts: opts, log: opts.Logger.With("adapter", "whatsapp")}, nil
}

// Kind is whatsapp.
func (a *Adapter) Kind() bridge.ChannelKind { return bridge.ChannelWhatsApp }

// Graph API error codes the adapter acts on.
const (
	codeOutsideWindow = 131047
	codeRateLimit     = 130429
)

// apiError is a Graph API error answer.
type apiError struct {
	Status  int
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    struct {
		Details string `json:"details"`
	} `json:"error_data"`
}

func (e *apiError) Error() string {
	if e.Data.Details != "" {
		return fmt.Sprintf("%s: %s", e.Message, e.Data.Details)
	}
	return e.Message
}

// post sends one message object and returns its wamid.
func (a *Adapter) post(ctx context.Context, msg map[string]any) (string, error) {
	msg["messaging_product"] = "whatsapp"
	body, err := json.Marshal(msg)
	if err != nil {
		return "", bridge.Permanent(err)
	}
	url := a.opts.APIURL + "/" + a.opts.APIVersion + "/" + a.opts.PhoneNumberID + "/messages"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", bridge.Permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+a.opts.Token)
	resp, err := a.opts.HTTPClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		var envelope struct {
			Error apiError `json:"error"`
		}
		_ = json.Unmarshal(raw, &envelope)
		e := &envelope.Error
		e.Status = resp.StatusCode
		if e.Message == "" {
			e.Message = resp.Status
		}
		return "", e
	}
	var ok struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(raw, &ok); err != nil {
		return "", fmt.Errorf("decode whatsapp send answer: %w", err)
	}
	if len(ok.Messages) == 0 {
		return "", nil
	}
	return ok.Messages[0].ID, nil
}

// classify maps a Graph API error onto the outbox's vocabulary.
func classify(op string, err error) error {
	var e *apiError
	if errors.As(err, &e) {
		switch {
		case e.Status == http.StatusTooManyRequests || e.Code == codeRateLimit:
			return &bridge.RetryAfterError{After: 5 * time.Second, Err: fmt.Errorf("%s: %w", op, err)}
		case e.Status == http.StatusBadRequest || e.Status == http.StatusForbidden || e.Status == http.StatusNotFound:
			return bridge.Permanent(fmt.Errorf("%s: %w", op, err))
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Send delivers text, then each attachment as an image or a document. An
// agent reply after the 24-hour window is refused with a clear error (the
// engine posts it in the thread), after sending the configured template.
func (a *Adapter) Send(ctx context.Context, to bridge.ChatAddress, m bridge.OutgoingMessage) (string, error) {
	if open, err := a.windowOpen(ctx, to.ChatID); err != nil {
		return "", err
	} else if !open {
		return "", a.outsideWindow(ctx, to.ChatID)
	}
	text := toWhatsApp(m.Text)
	if m.Role == bridge.RoleAgent && m.Author != "" {
		text = "*" + m.Author + "*\n" + text
	}
	var ids []string
	for _, part := range splitText(text, 4096) {
		id, err := a.post(ctx, map[string]any{"recipient_type": "individual", "to": to.ChatID, "type": "text",
			"text": map[string]any{"preview_url": false, "body": part}})
		if err != nil {
			return "", a.sendError(ctx, to.ChatID, err)
		}
		ids = append(ids, id)
	}
	for _, att := range m.Attachments {
		kind := "document"
		if strings.HasPrefix(att.ContentType, "image/") {
			kind = "image"
		}
		media := map[string]any{"link": att.URL}
		if kind == "document" && att.Name != "" {
			media["filename"] = att.Name
		}
		id, err := a.post(ctx, map[string]any{"recipient_type": "individual", "to": to.ChatID, "type": kind, kind: media})
		if err != nil {
			return "", a.sendError(ctx, to.ChatID, err)
		}
		ids = append(ids, id)
	}
	return strings.Join(ids, ","), nil
}

func (a *Adapter) sendError(ctx context.Context, waID string, err error) error {
	var e *apiError
	if errors.As(err, &e) && e.Code == codeOutsideWindow {
		return a.outsideWindow(ctx, waID)
	}
	return classify("send to whatsapp "+waID, err)
}

// outsideWindow sends the template, if one is configured, and returns the
// permanent error that tells the agent.
func (a *Adapter) outsideWindow(ctx context.Context, waID string) error {
	msg := "the user last wrote more than 24 hours ago, so WhatsApp only allows a template message"
	if a.opts.TemplateName == "" {
		return bridge.Permanent(errors.New(msg + "; no template is configured (channels.whatsapp.template_name), so the user was not contacted"))
	}
	_, err := a.post(ctx, map[string]any{"to": waID, "type": "template",
		"template": map[string]any{"name": a.opts.TemplateName, "language": map[string]any{"code": a.opts.TemplateLanguage}}})
	if err != nil {
		return classify("send template "+a.opts.TemplateName+" to whatsapp "+waID, err)
	}
	return bridge.Permanent(fmt.Errorf("%s; the template %q was sent instead, and the conversation continues when they answer", msg, a.opts.TemplateName))
}

// SendOffer shows the offer with reply buttons (at most 3, titles cut to
// WhatsApp's 20 characters).
func (a *Adapter) SendOffer(ctx context.Context, to bridge.ChatAddress, o bridge.OutgoingOffer) (string, error) {
	var buttons []any
	for _, c := range o.Choices[:min(len(o.Choices), 3)] {
		buttons = append(buttons, map[string]any{"type": "reply", "reply": map[string]any{"id": string(c.ID), "title": truncate(c.Label, 20)}})
	}
	id, err := a.post(ctx, map[string]any{"recipient_type": "individual", "to": to.ChatID, "type": "interactive",
		"interactive": map[string]any{"type": "button", "body": map[string]any{"text": truncate(toWhatsApp(o.Text), 1024)},
			"action": map[string]any{"buttons": buttons}}})
	if err != nil {
		return "", a.sendError(ctx, to.ChatID, err)
	}
	return id, nil
}

// markRead sends the read receipt of an inbound message (best effort).
func (a *Adapter) markRead(ctx context.Context, wamid string) {
	if _, err := a.post(ctx, map[string]any{"status": "read", "message_id": wamid}); err != nil {
		a.log.Warn("mark whatsapp message read", "err", err)
	}
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// toWhatsApp turns Markdown emphasis into WhatsApp's (*bold*, _italic_).
func toWhatsApp(md string) string {
	return strings.ReplaceAll(strings.ReplaceAll(md, "**", "*"), "__", "_")
}

// splitText cuts text into parts of at most n characters, at line breaks
// or spaces when possible.
func splitText(text string, n int) []string {
	r := []rune(text)
	var out []string
	for len(r) > n {
		cut := n
		for i := n; i > n/2; i-- {
			if r[i] == '\n' || r[i] == ' ' {
				cut = i
				break
			}
		}
		out = append(out, strings.TrimSpace(string(r[:cut])))
		r = r[cut:]
	}
	if s := strings.TrimSpace(string(r)); s != "" || len(out) == 0 {
		out = append(out, s)
	}
	return out
}

// windowCursor names the store cursor with a user's last inbound time.
func windowCursor(waID string) string { return "whatsapp.last_inbound." + waID }

// windowOpen reports whether the user wrote in the last 24 hours. A user
// never seen (no cursor) is left to the API to judge.
func (a *Adapter) windowOpen(ctx context.Context, waID string) (bool, error) {
	var v string
	err := a.opts.Store.View(ctx, func(tx bridge.Tx) error {
		var err error
		v, err = tx.Cursor(ctx, windowCursor(waID))
		return err
	})
	if err != nil || v == "" {
		return true, err
	}
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return true, nil
	}
	return a.opts.Now().Sub(time.Unix(sec, 0)) < 24*time.Hour, nil
}
