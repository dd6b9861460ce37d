package whatsapp

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Send delivers text, then each attachment as an image or a document. An
// agent reply after the 24-hour window is refused with a clear error (the
// engine posts it in the thread), after sending the configured template.
// When a later part fails, the retry sends only the parts not yet sent.
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
	var parts []map[string]any
	if strings.TrimSpace(text) != "" || len(m.Attachments) == 0 {
		for _, part := range splitText(text, maxText) {
			parts = append(parts, map[string]any{"recipient_type": "individual", "to": to.ChatID, "type": "text",
				"text": map[string]any{"preview_url": false, "body": part}})
		}
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
		parts = append(parts, map[string]any{"recipient_type": "individual", "to": to.ChatID, "type": kind, kind: media})
	}
	a.mu.Lock()
	ids := a.progress[m.MessageID]
	a.mu.Unlock()
	for _, part := range parts[min(len(ids), len(parts)):] {
		id, err := a.post(ctx, part)
		if err != nil {
			a.mu.Lock()
			a.progress[m.MessageID] = ids
			a.mu.Unlock()
			return "", a.sendError(ctx, to.ChatID, err)
		}
		ids = append(ids, id)
	}
	a.mu.Lock()
	delete(a.progress, m.MessageID)
	a.mu.Unlock()
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

// SendTyping shows "typing…" to the user with the Cloud API's typing
// indicator, which hangs on the user's last message (and marks it read).
// It is skipped outside the 24-hour window, where the API refuses it.
func (a *Adapter) SendTyping(ctx context.Context, to bridge.ChatAddress, _ string) error {
	wamid, err := a.opts.State.Get(ctx, lastMessageKey(to.ChatID))
	if err != nil {
		return fmt.Errorf("whatsapp typing for %s: %w", to.ChatID, err)
	}
	last, err := a.opts.State.Get(ctx, windowKey(to.ChatID))
	if err != nil {
		return fmt.Errorf("whatsapp typing for %s: %w", to.ChatID, err)
	}
	if wamid == "" || !a.inWindow(last) {
		return nil
	}
	if _, err := a.post(ctx, map[string]any{"status": "read", "message_id": wamid, "typing_indicator": map[string]any{"type": "text"}}); err != nil {
		return classify("whatsapp typing indicator for "+to.ChatID, err)
	}
	return nil
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

// windowKey names the state with a user's last inbound time.
func windowKey(waID string) string { return "last_inbound." + waID }

// lastMessageKey names the state with the wamid of a user's last message,
// which the typing indicator refers to.
func lastMessageKey(waID string) string { return "last_message." + waID }

// statusKey names the state with the last delivery status of a sent
// message.
func statusKey(wamid string) string { return "status." + wamid }

// windowOpen reports whether the user wrote in the last 24 hours. A user
// never seen (no cursor) is left to the API to judge.
func (a *Adapter) windowOpen(ctx context.Context, waID string) (bool, error) {
	v, err := a.opts.State.Get(ctx, windowKey(waID))
	if err != nil || v == "" {
		return true, err
	}
	return a.inWindow(v), nil
}

// inWindow reports whether a stored last-inbound time (unix seconds) is
// less than 24 hours ago; an unreadable one is left to the API to judge.
func (a *Adapter) inWindow(v string) bool {
	sec, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return true
	}
	return a.opts.Now().Sub(time.Unix(sec, 0)) < 24*time.Hour
}

// maxText is the most characters of one text message WhatsApp takes.
const maxText = 4096

var _ bridge.ReplyMerger = (*Adapter)(nil)

// MaxMergedText lets an agent's replies waiting for one chat go out
// together, within one message (4,096 characters): a quarter is left for
// the agent's name and the conversion from Markdown.
func (a *Adapter) MaxMergedText() int { return maxText * 3 / 4 }
