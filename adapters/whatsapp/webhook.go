package whatsapp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// maxWebhookBytes bounds a delivery; real ones are a few kilobytes.
const maxWebhookBytes = 1 << 20

// Mount serves /whatsapp/webhook and the media links.
func (a *Adapter) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /whatsapp/webhook", a.verify)
	mux.HandleFunc("POST /whatsapp/webhook", a.receive)
	mux.HandleFunc("GET /whatsapp/media/{id}", a.serveMedia)
}

// verify answers Meta's subscription check by echoing hub.challenge when
// the verify token matches.
func (a *Adapter) verify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("hub.mode") != "subscribe" || subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(a.opts.VerifyToken)) != 1 {
		http.Error(w, "verification failed", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = io.WriteString(w, q.Get("hub.challenge"))
}

// ValidSignature checks X-Hub-Signature-256 against the raw body.
func ValidSignature(appSecret string, body []byte, header string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	sig, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return hmac.Equal(sig, mac.Sum(nil))
}

// receive verifies a delivery before parsing it and, with a store that has
// an Inbox, stores the raw body and answers 200 at once: Meta wants a fast
// answer, and the Runner processes the entry afterwards, surviving a
// restart in between. With another store the delivery is handled before
// the answer (an error answer makes Meta deliver it again).
func (a *Adapter) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBytes))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	if !ValidSignature(a.opts.AppSecret, body, r.Header.Get("X-Hub-Signature-256")) {
		a.log.Warn("whatsapp webhook with a bad signature", "remote", r.RemoteAddr)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	hook, err := ParseWebhook(body)
	if err != nil {
		a.log.Warn("whatsapp webhook", "err", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if len(a.values(hook)) == 0 {
		w.WriteHeader(http.StatusOK) // another number's, or another field's: nothing to keep
		return
	}
	if a.inbox != nil {
		if _, err := a.inbox.PutInbox(r.Context(), inboxSource, body); err != nil {
			a.log.Error("whatsapp webhook: store delivery", "err", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		a.wakeInbox()
		w.WriteHeader(http.StatusOK)
		return
	}
	if err := a.handleHook(r.Context(), hook); err != nil {
		a.log.Error("whatsapp webhook", "err", err)
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// values are the changes of a delivery meant for this number.
func (a *Adapter) values(hook *Webhook) []Value {
	var out []Value
	for _, e := range hook.Entry {
		for _, ch := range e.Changes {
			if ch.Field == "messages" && ch.Value.Metadata.PhoneNumberID == a.opts.PhoneNumberID {
				out = append(out, ch.Value)
			}
		}
	}
	return out
}

// handleHook processes every change of a delivery meant for this number.
func (a *Adapter) handleHook(ctx context.Context, hook *Webhook) error {
	for _, v := range a.values(hook) {
		if err := a.handleValue(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

func (a *Adapter) handleValue(ctx context.Context, v Value) error {
	names := map[string]string{}
	for _, c := range v.Contacts {
		names[c.WaID] = c.Profile.Name
	}
	for _, m := range v.Messages {
		if err := a.handleMessage(ctx, m, names[m.From]); err != nil {
			return err
		}
	}
	for _, s := range v.Statuses {
		if err := a.handleStatus(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func (a *Adapter) handleMessage(ctx context.Context, m Message, name string) error {
	if m.From == "" || m.ID == "" {
		return nil
	}
	addr := bridge.ChatAddress{Channel: bridge.ChannelWhatsApp, ChatID: m.From}
	if ev, ok := userEdit(addr, m); ok {
		if _, err := a.opts.Handler.Handle(ctx, ev); err != nil {
			return fmt.Errorf("handle whatsapp %s of %s: %w", m.Type, ev.PlatformID, err)
		}
		return nil
	}
	user := bridge.User{ID: m.From, DisplayName: name}
	if user.DisplayName == "" {
		user.DisplayName = "+" + m.From
	}
	// The window opens with the user's message, whatever becomes of it.
	at := a.opts.Now().Unix()
	if ts, err := strconv.ParseInt(m.Timestamp, 10, 64); err == nil && ts < at {
		at = ts
	}
	if err := a.opts.State.PutAll(ctx, map[string]string{
		windowKey(m.From): strconv.FormatInt(at, 10), lastMessageKey(m.From): m.ID,
	}); err != nil {
		return fmt.Errorf("record whatsapp window of %s: %w", m.From, err)
	}
	var ev bridge.Event
	switch {
	case m.Interactive != nil && m.Interactive.ButtonReply != nil && knownChoice(m.Interactive.ButtonReply.ID):
		ev = bridge.UserChoice{Address: addr, User: user, PlatformID: m.ID, Choice: bridge.ChoiceID(m.Interactive.ButtonReply.ID)}
	default:
		text, atts := messageText(m), []bridge.Attachment(nil)
		if a.opts.PublicURL != "" {
			if media := a.mediaOf(m); media != nil {
				text, atts = media.Caption, []bridge.Attachment{media.attachment}
			}
		}
		if line, ok := describe(m); ok {
			text = bridge.JoinLines(line, text)
		} else if strings.TrimSpace(text) == "" && len(atts) == 0 && m.Type != "reaction" && m.Type != "request_welcome" {
			// A type newer than the bridge: agents still learn the user
			// sent something.
			text = bridge.UnsupportedLine(strings.ReplaceAll(m.Type, "_", " "))
		}
		if strings.TrimSpace(text) == "" && len(atts) == 0 {
			return nil // a reaction taken back, a new chat's welcome request
		}
		ev = bridge.UserMessage{Address: addr, User: user, Context: bridge.UserContext{Phone: "+" + m.From, ChatType: "whatsapp"},
			PlatformID: m.ID, Text: text, Attachments: atts}
	}
	if _, err := a.opts.Handler.Handle(ctx, ev); err != nil {
		return fmt.Errorf("handle whatsapp message %s: %w", m.ID, err)
	}
	a.markRead(ctx, m.ID)
	return nil
}

// userEdit reads a user's edit or deletion of an earlier message.
func userEdit(addr bridge.ChatAddress, m Message) (bridge.UserEdit, bool) {
	switch {
	case m.Revoke != nil && m.Revoke.OriginalMessageID != "":
		return bridge.UserEdit{Address: addr, PlatformID: m.Revoke.OriginalMessageID, Deleted: true}, true
	case m.Edit != nil && m.Edit.OriginalMessageID != "" && m.Edit.Message != nil:
		text := messageText(*m.Edit.Message)
		if media := m.Edit.Message; media.Image != nil || media.Video != nil || media.Document != nil {
			text = firstCaption(*media) // a caption edited: the file stays as it was
		}
		return bridge.UserEdit{Address: addr, PlatformID: m.Edit.OriginalMessageID, Text: text}, true
	}
	return bridge.UserEdit{}, false
}

func firstCaption(m Message) string {
	for _, x := range []*Media{m.Image, m.Video, m.Document} {
		if x != nil {
			return x.Caption
		}
	}
	return ""
}

func knownChoice(id string) bool {
	switch bridge.ChoiceID(id) {
	case bridge.ChoiceAccept, bridge.ChoiceDecline, bridge.ChoiceCancel:
		return true
	}
	return false
}

// messageText is what the thread shows of a message. Media is announced
// in text when the bridge has no public URL to link it through.
func messageText(m Message) string {
	switch {
	case m.Text != nil:
		return m.Text.Body
	case m.Interactive != nil && m.Interactive.ButtonReply != nil:
		return m.Interactive.ButtonReply.Title
	case m.Button != nil:
		return m.Button.Text
	case m.Image != nil:
		return strings.TrimSpace("[image] " + m.Image.Caption)
	case m.Document != nil:
		return strings.TrimSpace("[document " + m.Document.Filename + "] " + m.Document.Caption)
	case m.Video != nil:
		return strings.TrimSpace("[video] " + m.Video.Caption)
	case m.Audio != nil:
		return "[audio]"
	case m.Sticker != nil:
		return "[sticker]"
	}
	return ""
}

// statusFailed is the status of a message WhatsApp could not deliver.
const statusFailed = "failed"

// handleStatus records a delivery status and reports a failure in the
// thread of the user's open handoff.
func (a *Adapter) handleStatus(ctx context.Context, s Status) error {
	if s.ID == "" {
		return nil
	}
	a.log.Debug("whatsapp status", "message", s.ID, "status", s.Status)
	// A failure is final: it stays recorded, so that Meta's redelivery of
	// it, or a late earlier status, is not taken for a new failure.
	fresh := false
	if err := a.opts.State.Modify(ctx, statusKey(s.ID), func(old string) (string, error) {
		if old == statusFailed {
			return old, nil
		}
		fresh = s.Status == statusFailed
		return s.Status, nil
	}); err != nil {
		return fmt.Errorf("record whatsapp status of %s: %w", s.ID, err)
	}
	if !fresh {
		return nil
	}
	reason := "unknown error"
	if len(s.Errors) > 0 {
		reason = fmt.Sprintf("%s (code %d)", s.Errors[0].Title, s.Errors[0].Code)
	}
	noter, ok := a.opts.Handler.(bridge.ChannelNoter)
	if !ok {
		a.log.Warn("whatsapp delivery failed", "message", s.ID, "reason", reason)
		return nil
	}
	addr := bridge.ChatAddress{Channel: bridge.ChannelWhatsApp, ChatID: s.RecipientID}
	_, err := noter.NoteInThread(ctx, addr, "WhatsApp could not deliver a message to the user: "+bridge.EscapeMarkdown(reason))
	return err
}
