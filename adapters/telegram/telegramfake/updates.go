package telegramfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/internal/connlog"
)

// User is a Telegram user as updates describe them.
type User struct {
	ID           int64
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
}

func (u User) wire() map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName}
	if u.LastName != "" {
		m["last_name"] = u.LastName
	}
	if u.Username != "" {
		m["username"] = u.Username
	}
	if u.LanguageCode != "" {
		m["language_code"] = u.LanguageCode
	}
	return m
}

// Chat is where a message was written; Type is private (the default),
// group or supergroup.
type Chat struct {
	ID    int64
	Type  string
	Title string
}

// Incoming is a message a user writes to the bot.
type Incoming struct {
	Chat Chat
	From User
	Text string
	// ReplyTo is the id of a message of the bot this one answers.
	ReplyTo int
	// Photo or Document is a file id from AddFile; Text is then the caption.
	Photo    string
	Document string
	Media
}

// UserSays injects a text message in the user's private chat with the bot
// and returns the update's and the message's ids.
func (s *Server) UserSays(from User, text string) (updateID, messageID int) {
	return s.UserSends(Incoming{Chat: Chat{ID: from.ID}, From: from, Text: text})
}

// UserSends injects a message update.
func (s *Server) UserSends(in Incoming) (updateID, messageID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.Chat.Type == "" {
		in.Chat.Type = "private"
	}
	s.nextMsgID[in.Chat.ID]++
	messageID = s.nextMsgID[in.Chat.ID]
	chat := map[string]any{"id": in.Chat.ID, "type": in.Chat.Type}
	if in.Chat.Type == "private" {
		chat["first_name"] = in.From.FirstName
		if in.From.Username != "" {
			chat["username"] = in.From.Username
		}
	} else {
		chat["title"] = in.Chat.Title
	}
	msg := map[string]any{"message_id": messageID, "from": in.From.wire(), "chat": chat, "date": time.Now().Unix()}
	textKey, entitiesKey := "text", "entities"
	switch {
	case in.Photo != "":
		f := s.files[in.Photo]
		msg["photo"] = []map[string]any{
			{"file_id": in.Photo + "-small", "file_unique_id": "s" + in.Photo, "width": 90, "height": 90, "file_size": len(f.content) / 4},
			{"file_id": in.Photo, "file_unique_id": "u" + in.Photo, "width": 1280, "height": 960, "file_size": len(f.content)},
		}
		textKey, entitiesKey = "caption", "caption_entities"
	case in.Document != "":
		f := s.files[in.Document]
		msg["document"] = map[string]any{"file_id": in.Document, "file_unique_id": "u" + in.Document,
			"file_name": f.path[strings.LastIndexByte(f.path, '/')+1:], "mime_type": "application/pdf", "file_size": len(f.content)}
		textKey, entitiesKey = "caption", "caption_entities"
	}
	if s.addMediaLocked(msg, in.Media) {
		textKey, entitiesKey = "caption", "caption_entities"
	}
	if in.Text != "" {
		msg[textKey] = in.Text
		if ents := mentions(in.Text); len(ents) > 0 {
			msg[entitiesKey] = ents
		}
	}
	if in.ReplyTo != 0 {
		msg["reply_to_message"] = map[string]any{"message_id": in.ReplyTo, "chat": chat, "date": time.Now().Unix(),
			"from": map[string]any{"id": s.opts.BotID, "is_bot": true, "first_name": "Support Bot", "username": s.opts.BotUsername}}
	}
	updateID = s.addUpdateLocked(map[string]any{"message": msg})
	return updateID, messageID
}

// mentions lists the @username entities of text, with UTF-16 offsets.
func mentions(text string) []map[string]any {
	var out []map[string]any
	for i := 0; i < len(text); i++ {
		if text[i] != '@' || (i > 0 && text[i-1] != ' ' && text[i-1] != '\n') {
			continue
		}
		j := i + 1
		for j < len(text) && (text[j] == '_' || text[j] >= '0' && text[j] <= '9' || text[j]|0x20 >= 'a' && text[j]|0x20 <= 'z') {
			j++
		}
		if j-i > 1 {
			out = append(out, map[string]any{"type": "mention", "offset": TextLength(text[:i]), "length": TextLength(text[i:j])})
		}
		i = j
	}
	return out
}

// UserPresses injects a callback query: the user pressed the inline button
// with data under the bot's message messageID in chat.
func (s *Server) UserPresses(chat int64, from User, messageID int, data string) (updateID int, callbackID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	callbackID = fmt.Sprintf("cb-%d-%d", chat, s.nextID)
	msg := map[string]any{"message_id": messageID, "chat": map[string]any{"id": chat, "type": "private"}, "date": time.Now().Unix(),
		"from": map[string]any{"id": s.opts.BotID, "is_bot": true, "first_name": "Support Bot", "username": s.opts.BotUsername}}
	updateID = s.addUpdateLocked(map[string]any{"callback_query": map[string]any{
		"id": callbackID, "from": from.wire(), "message": msg, "chat_instance": strconv.FormatInt(-chat, 10), "data": data,
	}})
	return updateID, callbackID
}

func (s *Server) addUpdateLocked(u map[string]any) int {
	id := s.nextID
	s.nextID++
	u["update_id"] = id
	raw, _ := json.Marshal(u)
	s.updates = append(s.updates, raw)
	s.updateIDs = append(s.updateIDs, id)
	close(s.arrived)
	s.arrived = make(chan struct{})
	return id
}

// HangUpdates makes getUpdates calls hang without an answer (until the
// client gives up) while on: a connection that looks up but delivers
// nothing.
func (s *Server) HangUpdates(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case on && s.updatesHang == nil:
		s.updatesHang = make(chan struct{})
	case !on && s.updatesHang != nil:
		close(s.updatesHang)
		s.updatesHang = nil
	}
}

// FailUpdates makes getUpdates answer 502 Bad Gateway while on.
func (s *Server) FailUpdates(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.updatesFail = on
}

// Pending counts updates not yet confirmed by an offset (or a webhook).
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// getUpdates is long polling: updates below offset are confirmed and
// forgotten; the call waits up to timeout seconds for one to arrive.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.UpdateCalls++
	failing, hang := s.updatesFail, s.updatesHang
	s.notifyLocked()
	s.mu.Unlock()
	if failing {
		s.fail(w, http.StatusBadGateway, "Bad Gateway", nil)
		return
	}
	if hang != nil {
		// The connection stays open and nothing ever comes back: what a
		// dead proxy or a half-open TCP connection looks like.
		select {
		case <-hang:
		case <-r.Context().Done():
			return
		}
	}
	current := s.startPoll(r)
	defer s.endPoll(current)
	offset, _ := strconv.Atoi(r.FormValue("offset"))
	limit, _ := strconv.Atoi(r.FormValue("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(r.FormValue("timeout"))
	var timer <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		timer = t.C
	}
	for {
		s.mu.Lock()
		if s.webhook.URL != "" {
			s.mu.Unlock()
			s.fail(w, http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", nil)
			return
		}
		for len(s.updateIDs) > 0 && s.updateIDs[0] < offset {
			s.updates, s.updateIDs = s.updates[1:], s.updateIDs[1:]
		}
		n := min(len(s.updates), limit)
		batch := append([]json.RawMessage(nil), s.updates[:n]...)
		arrived := s.arrived
		s.mu.Unlock()
		if n > 0 || timer == nil {
			s.ok(w, batch)
			return
		}
		select {
		case <-arrived:
		case <-timer:
			timer = nil
		case <-current.terminated:
			if r.Context().Err() == nil {
				s.mu.Lock()
				s.stats.Conflicts++
				s.mu.Unlock()
			}
			s.fail(w, http.StatusConflict, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", nil)
			return
		case <-r.Context().Done():
			return
		}
	}
}

// poll is one getUpdates call being served.
type poll struct {
	span       int
	terminated chan struct{} // closed by a newer call
}

// startPoll records a getUpdates call and terminates the one served
// before it, if any: Telegram serves one poller per bot.
func (s *Server) startPoll(r *http.Request) *poll {
	p := &poll{span: s.pollers.Opened(r.RemoteAddr), terminated: make(chan struct{})}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.polling != nil {
		close(s.polling.terminated)
	}
	s.polling = p
	return p
}

func (s *Server) endPoll(p *poll) {
	s.mu.Lock()
	if s.polling == p {
		s.polling = nil
	}
	s.mu.Unlock()
	s.pollers.Closed(p.span)
}

// Pollers records each getUpdates call, from its arrival until it was
// answered or its client went away: two bot instances polling at once
// show as overlapping spans (and Stats.Conflicts counts the 409s).
func (s *Server) Pollers() *connlog.Log { return &s.pollers }

func (s *Server) setWebhook(w http.ResponseWriter, r *http.Request) {
	u := r.FormValue("url")
	if u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://127.0.0.1") && !strings.HasPrefix(u, "http://localhost") {
		s.fail(w, http.StatusBadRequest, "Bad Request: bad webhook: HTTPS url must be provided for webhook", nil)
		return
	}
	s.mu.Lock()
	s.webhook = webhookState{URL: u, SecretToken: r.FormValue("secret_token")}
	s.notifyLocked()
	s.mu.Unlock()
	s.ok(w, true)
}

// getWebhookInfo reports the webhook, the updates waiting and the last
// delivery error, like Telegram.
func (s *Server) getWebhookInfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	info := map[string]any{"url": s.webhook.URL, "has_custom_certificate": false, "pending_update_count": len(s.updates)}
	if s.webhook.URL != "" {
		info["max_connections"] = 40
		info["allowed_updates"] = []string{"message", "callback_query"}
		if s.webhook.lastError != "" {
			info["last_error_date"] = s.webhook.lastErrorAt.Unix()
			info["last_error_message"] = s.webhook.lastError
		}
	}
	s.mu.Unlock()
	s.ok(w, info)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.webhook = webhookState{}
	s.mu.Unlock()
	s.ok(w, true)
}

// DeliverWebhook posts the pending updates, oldest first, to the webhook
// set with setWebhook, with its secret token, as Telegram does; each update
// answered 2xx is confirmed. It stops at the first refusal.
func (s *Server) DeliverWebhook(ctx context.Context) (delivered int, err error) {
	url, secret := s.Webhook()
	if url == "" {
		return 0, fmt.Errorf("no webhook is set")
	}
	return s.DeliverTo(ctx, url, secret)
}

// DeliverTo posts the pending updates to url with the given secret token
// header (empty: none), confirming those answered 2xx.
func (s *Server) DeliverTo(ctx context.Context, url, secret string) (delivered int, err error) {
	for {
		s.mu.Lock()
		if len(s.updates) == 0 {
			s.mu.Unlock()
			return delivered, nil
		}
		body, id := s.updates[0], s.updateIDs[0]
		s.mu.Unlock()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return delivered, err
		}
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return delivered, fmt.Errorf("deliver update %d: %w", id, err)
		}
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			s.mu.Lock()
			s.webhook.lastError, s.webhook.lastErrorAt = "Wrong response from the webhook: "+resp.Status, time.Now()
			s.mu.Unlock()
			return delivered, fmt.Errorf("deliver update %d: webhook answered %s", id, resp.Status)
		}
		s.mu.Lock()
		if len(s.updateIDs) > 0 && s.updateIDs[0] == id {
			s.updates, s.updateIDs = s.updates[1:], s.updateIDs[1:]
		}
		s.mu.Unlock()
		delivered++
	}
}

// UserEdits injects an edited_message update: the user changed the text of
// their message messageID in their private chat with the bot. Telegram
// sends the whole message again, with its new text and edit_date.
func (s *Server) UserEdits(from User, messageID int, text string) (updateID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chat := map[string]any{"id": from.ID, "type": "private", "first_name": from.FirstName}
	now := time.Now().Unix()
	msg := map[string]any{"message_id": messageID, "from": from.wire(), "chat": chat, "date": now - 5, "edit_date": now, "text": text}
	return s.addUpdateLocked(map[string]any{"edited_message": msg})
}
