package teamsfake

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Message is a message (or typing) the bot posted, as the fake keeps it.
type Message struct {
	ID           string
	Conversation string
	Type         string
	Text         string
	TextFormat   string
	Card         *Card // the Adaptive Card, if it is one
	Deleted      bool
}

// Card is the part of an Adaptive Card tests look at.
type Card struct {
	Type    string            `json:"type"`
	Version string            `json:"version"`
	Body    []json.RawMessage `json:"body"`
	Actions []CardAction      `json:"actions"`
}

// CardAction is a button.
type CardAction struct {
	Type  string            `json:"type"`
	Title string            `json:"title"`
	Data  map[string]string `json:"data"`
}

// Buttons are the card's button titles.
func (m Message) Buttons() []string {
	if m.Card == nil {
		return nil
	}
	var out []string
	for _, a := range m.Card.Actions {
		out = append(out, a.Title)
	}
	return out
}

// activity is the part of a posted activity the fake reads.
type activity struct {
	Type        string `json:"type"`
	Text        string `json:"text"`
	TextFormat  string `json:"textFormat"`
	Attachments []struct {
		ContentType string          `json:"contentType"`
		Content     json.RawMessage `json:"content"`
	} `json:"attachments"`
}

func (a activity) message(conv, id string) (*Message, bool) {
	if a.Type != "message" && a.Type != "typing" {
		return nil, false
	}
	m := &Message{ID: id, Conversation: conv, Type: a.Type, Text: a.Text, TextFormat: a.TextFormat}
	for _, at := range a.Attachments {
		if at.ContentType != "application/vnd.microsoft.card.adaptive" {
			continue
		}
		var c Card
		if json.Unmarshal(at.Content, &c) != nil || c.Type != "AdaptiveCard" {
			return nil, false
		}
		m.Card = &c
	}
	return m, true
}

func connectorError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// connector wraps a Connector route: the token is checked, a throttle
// applied, and the call recorded.
func (s *Server) connector(h func(r *http.Request, body []byte) (int, any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		call := Call{Method: r.Method, Path: r.URL.Path, Conversation: r.PathValue("conv"), ActivityID: r.PathValue("id"), Body: body}
		status, answer := 0, any(nil)
		s.mu.Lock()
		throttled := s.throttle > 0
		if throttled {
			s.throttle--
			w.Header().Set("Retry-After", strconv.Itoa(s.retryAfter))
		}
		s.mu.Unlock()
		switch {
		case !s.authorized(r):
			status, answer = 401, errorBody("Unauthorized", "Authorization has been denied for this request.")
		case throttled:
			status, answer = 429, errorBody("Throttled", "Too many requests.")
		default:
			status, answer = h(r, body)
		}
		call.Status = status
		s.mu.Lock()
		s.calls = append(s.calls, call)
		s.mu.Unlock()
		s.changes.Notify()
		writeJSON(w, status, answer)
	}
}

func errorBody(code, msg string) any {
	return map[string]any{"error": map[string]string{"code": code, "message": msg}}
}

// createConversation starts a reply chain in a channel (with its first
// message), or a personal chat with one member.
func (s *Server) createConversation(_ *http.Request, body []byte) (int, any) {
	var p struct {
		IsGroup     bool                  `json:"isGroup"`
		Members     []struct{ ID string } `json:"members"`
		ChannelData struct {
			Channel *struct{ ID string } `json:"channel"`
		} `json:"channelData"`
		Activity *activity `json:"activity"`
		TenantID string    `json:"tenantId"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return 400, errorBody("BadSyntax", err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.TenantID != s.opts.TenantID {
		return 403, errorBody("Forbidden", "The bot is not part of the conversation roster.")
	}
	if p.ChannelData.Channel != nil {
		ch := p.ChannelData.Channel.ID
		if !s.channels[ch] {
			return 404, errorBody("ConversationNotFound", "Conversation not found.")
		}
		if p.Activity == nil {
			return 400, errorBody("BadArgument", "Activity is required to start a channel thread.")
		}
		id := s.newID()
		conv := ch + ";messageid=" + id
		m, ok := p.Activity.message(conv, id)
		if !ok {
			return 400, errorBody("BadArgument", "Unknown activity type or card.")
		}
		s.convs[conv] = append(s.convs[conv], m)
		return 201, map[string]string{"id": conv, "activityId": id}
	}
	if p.IsGroup || len(p.Members) != 1 || p.Members[0].ID == "" {
		return 400, errorBody("BadArgument", "A personal conversation needs exactly one member.")
	}
	conv := "a:1" + strings.TrimPrefix(p.Members[0].ID, "29:")
	if _, ok := s.convs[conv]; !ok {
		s.convs[conv] = nil
	}
	return 201, map[string]string{"id": conv}
}

func (s *Server) sendActivity(r *http.Request, body []byte) (int, any) {
	var a activity
	if err := json.Unmarshal(body, &a); err != nil {
		return 400, errorBody("BadSyntax", err.Error())
	}
	conv := r.PathValue("conv")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.knownConversation(conv) {
		return 404, errorBody("ConversationNotFound", "Conversation not found.")
	}
	id := s.newID()
	m, ok := a.message(conv, id)
	if !ok {
		return 400, errorBody("BadArgument", "Unknown activity type or card.")
	}
	if a.Type == "typing" {
		return 200, map[string]string{} // Teams answers typing with no id
	}
	s.convs[conv] = append(s.convs[conv], m)
	return 201, map[string]string{"id": id}
}

// knownConversation: a reply chain or personal chat the fake made, or a
// reply chain an agent started in a known channel.
func (s *Server) knownConversation(conv string) bool {
	if _, ok := s.convs[conv]; ok {
		return true
	}
	ch, _, _ := strings.Cut(conv, ";messageid=")
	return s.channels[ch]
}

func (s *Server) find(conv, id string) *Message {
	for _, m := range s.convs[conv] {
		if m.ID == id {
			return m
		}
	}
	return nil
}

func (s *Server) updateActivity(r *http.Request, body []byte) (int, any) {
	var a activity
	if err := json.Unmarshal(body, &a); err != nil {
		return 400, errorBody("BadSyntax", err.Error())
	}
	conv, id := r.PathValue("conv"), r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.find(conv, id)
	if old == nil || old.Deleted {
		return 404, errorBody("ActivityNotFound", "Activity not found.")
	}
	m, ok := a.message(conv, id)
	if !ok {
		return 400, errorBody("BadArgument", "Unknown activity type or card.")
	}
	*old = *m
	return 200, map[string]string{"id": id}
}

func (s *Server) deleteActivity(r *http.Request, _ []byte) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.find(r.PathValue("conv"), r.PathValue("id"))
	if m == nil {
		return 404, errorBody("ActivityNotFound", "Activity not found.")
	}
	m.Deleted = true
	return 200, map[string]string{}
}

// members lists a channel's members (the bot's team).
func (s *Server) members(r *http.Request, _ []byte) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.knownConversation(r.PathValue("conv")) {
		return 404, errorBody("ConversationNotFound", "Conversation not found.")
	}
	return 200, []map[string]string{{"id": "28:" + s.opts.AppID, "name": "Handoff"}}
}

// Messages are the messages of a conversation (a reply chain, root first,
// or a personal chat), as they are now.
func (s *Server) Messages(conv string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.convs[conv]))
	for _, m := range s.convs[conv] {
		c := *m
		out = append(out, c)
	}
	return out
}

// Threads are the reply chains the bot started in channel with a card,
// oldest first, by their root message.
func (s *Server) Threads(channel string) []Message {
	var out []Message
	for _, m := range s.Posts(channel) {
		if m.Card != nil {
			out = append(out, m)
		}
	}
	return out
}

// PersonalChat is the conversation id of the bot's personal chat with u.
func PersonalChat(u User) string { return "a:1" + strings.TrimPrefix(u.ID, "29:") }

// Posts are the top-level posts the bot made in channel (cards and
// others), oldest first.
func (s *Server) Posts(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for conv, ms := range s.convs {
		if strings.HasPrefix(conv, channel+";messageid=") && len(ms) > 0 {
			out = append(out, *ms[0])
		}
	}
	slices.SortFunc(out, func(a, b Message) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
