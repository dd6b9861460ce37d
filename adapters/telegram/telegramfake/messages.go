package telegramfake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Sent is a message the bot sent to a chat, as it stands now.
type Sent struct {
	MessageID int
	Kind      string // "text", "photo" or "document"
	Text      string // the text (or caption) as sent, markup included
	ParseMode string
	// Visible is the text the user sees: markup parsed, entities decoded.
	Visible  string
	Buttons  [][]Button
	File     string // photo or document: the URL or file id sent
	Edits    int    // how many times it was edited
	Deleted  bool
	SentAt   time.Time
	ReplyTo  int
	Sequence int // order of sending across all chats
}

// Button is an inline keyboard button.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

type keyboard struct {
	InlineKeyboard [][]Button `json:"inline_keyboard"`
}

// chatID reads the chat_id parameter; only numeric ids exist here.
func (s *Server) chatID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil {
		s.fail(w, http.StatusBadRequest, "Bad Request: chat not found", nil)
		return 0, false
	}
	return id, true
}

// visible validates text for parse_mode and returns what the user sees.
func (s *Server) visible(w http.ResponseWriter, text, parseMode string, limit int, what string) (string, bool) {
	vis := text
	if parseMode == "HTML" {
		var err error
		if vis, err = ParseHTML(text); err != nil {
			s.fail(w, http.StatusBadRequest, "Bad Request: "+err.Error(), nil)
			return "", false
		}
	} else if parseMode != "" {
		s.fail(w, http.StatusBadRequest, "Bad Request: unsupported parse_mode "+parseMode+" in this fake", nil)
		return "", false
	}
	if TextLength(vis) > limit {
		s.fail(w, http.StatusBadRequest, "Bad Request: "+what+" is too long", nil)
		return "", false
	}
	return vis, true
}

func (s *Server) buttons(w http.ResponseWriter, r *http.Request) ([][]Button, bool) {
	raw := r.FormValue("reply_markup")
	if raw == "" {
		return nil, true
	}
	var k keyboard
	if err := json.Unmarshal([]byte(raw), &k); err != nil {
		s.fail(w, http.StatusBadRequest, "Bad Request: can't parse reply keyboard markup JSON object", nil)
		return nil, false
	}
	for _, row := range k.InlineKeyboard {
		for _, b := range row {
			if b.Text == "" {
				s.fail(w, http.StatusBadRequest, "Bad Request: text buttons are unallowed in the inline keyboard", nil)
				return nil, false
			}
			if b.URL == "" && (len(b.CallbackData) < 1 || len(b.CallbackData) > 64) {
				s.fail(w, http.StatusBadRequest, "Bad Request: BUTTON_DATA_INVALID", nil)
				return nil, false
			}
		}
	}
	return k.InlineKeyboard, true
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	chat, ok := s.chatID(w, r)
	if !ok {
		return
	}
	text := r.FormValue("text")
	if text == "" {
		s.fail(w, http.StatusBadRequest, "Bad Request: message text is empty", nil)
		return
	}
	vis, ok := s.visible(w, text, r.FormValue("parse_mode"), 4096, "message")
	if !ok {
		return
	}
	kb, ok := s.buttons(w, r)
	if !ok || !s.admit(w, chat) {
		return
	}
	replyTo, _ := strconv.Atoi(r.FormValue("reply_to_message_id"))
	m := s.record(chat, Sent{Kind: "text", Text: text, ParseMode: r.FormValue("parse_mode"), Visible: vis, Buttons: kb, ReplyTo: replyTo})
	s.ok(w, s.wireMessage(chat, m))
}

func (s *Server) sendMedia(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		chat, ok := s.chatID(w, r)
		if !ok {
			return
		}
		ref := r.FormValue(kind)
		if ref == "" {
			if r.MultipartForm != nil && len(r.MultipartForm.File[kind]) > 0 {
				ref = "upload:" + r.MultipartForm.File[kind][0].Filename
			} else {
				s.fail(w, http.StatusBadRequest, "Bad Request: there is no "+kind+" in the request", nil)
				return
			}
		}
		caption := r.FormValue("caption")
		vis, ok := s.visible(w, caption, r.FormValue("parse_mode"), 1024, "message caption")
		if !ok || !s.admit(w, chat) {
			return
		}
		m := s.record(chat, Sent{Kind: kind, Text: caption, ParseMode: r.FormValue("parse_mode"), Visible: vis, File: ref})
		s.ok(w, s.wireMessage(chat, m))
	}
}

func (s *Server) editMessageText(w http.ResponseWriter, r *http.Request) {
	chat, ok := s.chatID(w, r)
	if !ok {
		return
	}
	id, _ := strconv.Atoi(r.FormValue("message_id"))
	text := r.FormValue("text")
	if text == "" {
		s.fail(w, http.StatusBadRequest, "Bad Request: message text is empty", nil)
		return
	}
	vis, ok := s.visible(w, text, r.FormValue("parse_mode"), 4096, "message")
	if !ok {
		return
	}
	kb, ok := s.buttons(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	c := s.chat(chat)
	if c.blocked {
		s.mu.Unlock()
		s.fail(w, http.StatusForbidden, "Forbidden: bot was blocked by the user", nil)
		return
	}
	m := findSent(c, id)
	if m == nil || m.Deleted || m.Kind != "text" {
		s.mu.Unlock()
		s.fail(w, http.StatusBadRequest, "Bad Request: message to edit not found", nil)
		return
	}
	if m.Text == text && fmt.Sprint(m.Buttons) == fmt.Sprint(kb) {
		s.mu.Unlock()
		s.fail(w, http.StatusBadRequest, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message", nil)
		return
	}
	m.Text, m.Visible, m.ParseMode, m.Buttons = text, vis, r.FormValue("parse_mode"), kb
	m.Edits++
	cp := *m
	s.notifyLocked()
	s.mu.Unlock()
	s.ok(w, s.wireMessage(chat, cp))
}

func (s *Server) deleteMessage(w http.ResponseWriter, r *http.Request) {
	chat, ok := s.chatID(w, r)
	if !ok {
		return
	}
	id, _ := strconv.Atoi(r.FormValue("message_id"))
	s.mu.Lock()
	m := findSent(s.chat(chat), id)
	if m == nil || m.Deleted {
		s.mu.Unlock()
		s.fail(w, http.StatusBadRequest, "Bad Request: message to delete not found", nil)
		return
	}
	m.Deleted = true
	s.notifyLocked()
	s.mu.Unlock()
	s.ok(w, true)
}

func (s *Server) answerCallbackQuery(w http.ResponseWriter, r *http.Request) {
	id := r.FormValue("callback_query_id")
	s.mu.Lock()
	known := false
	for _, raw := range s.updates {
		known = known || json.Valid(raw) && containsCallback(raw, id)
	}
	_, answered := s.callbacks[id]
	if !answered && id != "" && (known || s.issued(id)) {
		s.callbacks[id] = r.FormValue("text")
		s.notifyLocked()
		s.mu.Unlock()
		s.ok(w, true)
		return
	}
	s.mu.Unlock()
	s.fail(w, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid", nil)
}

// issued reports whether id has the shape of a callback id this server
// gave out; s.mu must be held.
func (s *Server) issued(id string) bool {
	var chat, n int64
	_, err := fmt.Sscanf(id, "cb-%d-%d", &chat, &n)
	return err == nil && n < int64(s.nextID)
}

func containsCallback(raw json.RawMessage, id string) bool {
	var u struct {
		CallbackQuery *struct {
			ID string `json:"id"`
		} `json:"callback_query"`
	}
	return json.Unmarshal(raw, &u) == nil && u.CallbackQuery != nil && u.CallbackQuery.ID == id
}

// CallbackAnswer returns the text a callback query was answered with and
// whether it was answered.
func (s *Server) CallbackAnswer(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	text, ok := s.callbacks[id]
	return text, ok
}

func (s *Server) sendChatAction(w http.ResponseWriter, r *http.Request) {
	chat, ok := s.chatID(w, r)
	if !ok {
		return
	}
	action := r.FormValue("action")
	switch action {
	case "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document", "choose_sticker", "find_location":
	default:
		s.fail(w, http.StatusBadRequest, "Bad Request: wrong parameter action in request", nil)
		return
	}
	s.mu.Lock()
	c := s.chat(chat)
	if c.blocked {
		s.mu.Unlock()
		s.fail(w, http.StatusForbidden, "Forbidden: bot was blocked by the user", nil)
		return
	}
	c.actions = append(c.actions, action)
	s.notifyLocked()
	s.mu.Unlock()
	s.ok(w, true)
}

// Actions returns the chat actions (typing, …) sent to chat.
func (s *Server) Actions(chat int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.chat(chat).actions...)
}

func findSent(c *chatState, id int) *Sent {
	for i := range c.sent {
		if c.sent[i].MessageID == id {
			return &c.sent[i]
		}
	}
	return nil
}

func (s *Server) record(chat int64, m Sent) Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextMsgID[chat]++
	s.sequence++
	m.MessageID, m.SentAt, m.Sequence = s.nextMsgID[chat], time.Now(), s.sequence
	c := s.chat(chat)
	c.sent = append(c.sent, m)
	s.notifyLocked()
	return m
}

func (s *Server) notifyLocked() { s.changes.Notify() }

func (s *Server) wireMessage(chat int64, m Sent) map[string]any {
	out := map[string]any{
		"message_id": m.MessageID, "date": m.SentAt.Unix(), "chat": map[string]any{"id": chat, "type": "private"},
		"from": map[string]any{"id": s.opts.BotID, "is_bot": true, "first_name": "Support Bot", "username": s.opts.BotUsername},
	}
	switch m.Kind {
	case "text":
		out["text"] = m.Visible
	case "photo":
		out["photo"] = []map[string]any{{"file_id": fmt.Sprintf("sent-photo-%d", m.MessageID), "file_unique_id": fmt.Sprintf("sp%d", m.MessageID), "width": 800, "height": 600}}
	case "document":
		out["document"] = map[string]any{"file_id": fmt.Sprintf("sent-doc-%d", m.MessageID), "file_unique_id": fmt.Sprintf("sd%d", m.MessageID)}
	}
	if m.Kind != "text" && m.Visible != "" {
		out["caption"] = m.Visible
	}
	if len(m.Buttons) > 0 {
		out["reply_markup"] = keyboard{InlineKeyboard: m.Buttons}
	}
	return out
}

// Sent returns what the bot sent to chat, oldest first (deleted messages
// included, marked).
func (s *Server) Sent(chat int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.chat(chat).sent...)
}

// WaitSent blocks until ok holds for what was sent to chat (or its chat
// actions changed), or ctx ends. Without a deadline on ctx it gives up
// after waitfor.DefaultBound: a guard against a hung test.
func (s *Server) WaitSent(ctx context.Context, chat int64, what string, ok func([]Sent) bool) ([]Sent, error) {
	var sent []Sent
	err := s.changes.Until(ctx, fmt.Sprintf("%s in chat %d", what, chat), func() bool {
		sent = s.Sent(chat)
		return ok(sent)
	})
	if err != nil {
		return sent, fmt.Errorf("%w (have %d messages)", err, len(sent))
	}
	return sent, nil
}

// WaitChange blocks until cond holds, checked after anything is sent,
// edited, answered or acted, or ctx ends; for conditions WaitSent does not
// cover.
func (s *Server) WaitChange(ctx context.Context, cond func() bool) error {
	return s.changes.Until(ctx, "a change", cond)
}
