package slackfake

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"
)

// TeamURL is the fake workspace's address, as auth.test reports it and
// permalinks start.
const TeamURL = "https://fake.slack.test/"

// Slack's message limits, as the real API enforces them.
const (
	MaxBlocks      = 50
	MaxSectionText = 3000
	MaxMessageText = 40000
	MaxFieldText   = 2000
	MaxFields      = 10
	MaxHeaderText  = 150
)

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	v, err := params(r)
	if err != nil {
		fail(w, "invalid_form_data")
		return
	}
	if s.takeCall(w, method) {
		return
	}
	tok := token(r, v)
	if method == "apps.connections.open" {
		if tok != s.opts.AppToken {
			fail(w, "invalid_auth")
			return
		}
		writeJSON(w, map[string]any{"ok": true, "url": s.socket.url(s)})
		return
	}
	if tok == "" {
		fail(w, "not_authed")
		return
	}
	if tok != s.opts.BotToken {
		fail(w, "invalid_auth")
		return
	}
	switch method {
	case "auth.test":
		w.Header().Set("X-OAuth-Scopes", strings.Join(s.opts.Scopes, ","))
		writeJSON(w, map[string]any{"ok": true, "url": TeamURL, "team": "Fake", "user": "bridge",
			"team_id": s.opts.TeamID, "user_id": s.opts.BotUserID, "bot_id": s.opts.BotID})
	case "chat.postMessage":
		s.postMessage(w, v)
	case "chat.update":
		s.updateMessage(w, v)
	case "chat.postEphemeral":
		s.postEphemeral(w, v)
	case "chat.getPermalink":
		s.getPermalink(w, v)
	case "reactions.add":
		s.addReaction(w, v)
	case "users.info":
		s.userInfo(w, v)
	case "conversations.info":
		s.conversationInfo(w, v)
	case "files.getUploadURLExternal":
		s.getUploadURL(w, v)
	case "files.completeUploadExternal":
		s.completeUpload(w, v)
	case "files.info":
		s.fileInfo(w, v)
	default:
		fail(w, "unknown_method")
	}
}

// allowPost applies chat.postMessage's per-channel limit. When it refuses,
// it has answered 429 with Retry-After in whole seconds, as Slack does.
func (s *Server) allowPost(w http.ResponseWriter, channel string) bool {
	if s.opts.NoRateLimit {
		return true
	}
	s.limMu.Lock()
	lim := s.limiters[channel]
	if lim == nil {
		lim = rate.NewLimiter(s.opts.PostRate, s.opts.PostBurst)
		s.limiters[channel] = lim
	}
	s.limMu.Unlock()
	if lim.Allow() {
		return true
	}
	res := lim.Reserve()
	wait := res.Delay()
	res.Cancel()
	w.Header().Set("Retry-After", fmt.Sprint(max(1, int(math.Ceil(wait.Seconds())))))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
	s.rec.mu.Lock()
	s.rec.ratelimits++
	s.rec.touch()
	s.rec.mu.Unlock()
	return false
}

// checkContent validates text and blocks against Slack's limits and
// returns Slack's error code, or "".
func checkContent(text, blocks string) string {
	if utf8.RuneCountInString(text) > MaxMessageText {
		return "msg_too_long"
	}
	if blocks == "" {
		if strings.TrimSpace(text) == "" {
			return "no_text"
		}
		return ""
	}
	var bs []struct {
		Type string `json:"type"`
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
		Fields []struct {
			Text string `json:"text"`
		} `json:"fields"`
	}
	if err := json.Unmarshal([]byte(blocks), &bs); err != nil {
		return "invalid_blocks_format"
	}
	if len(bs) > MaxBlocks {
		return "invalid_blocks"
	}
	for _, b := range bs {
		switch b.Type {
		case "section":
			if b.Text != nil && utf8.RuneCountInString(b.Text.Text) > MaxSectionText {
				return "invalid_blocks"
			}
			if b.Text == nil && len(b.Fields) == 0 {
				return "invalid_blocks"
			}
			if len(b.Fields) > MaxFields {
				return "invalid_blocks"
			}
			for _, f := range b.Fields {
				if utf8.RuneCountInString(f.Text) > MaxFieldText {
					return "invalid_blocks"
				}
			}
		case "header":
			if b.Text == nil || utf8.RuneCountInString(b.Text.Text) > MaxHeaderText {
				return "invalid_blocks"
			}
		case "":
			return "invalid_blocks"
		}
	}
	return ""
}

func (s *Server) channelFor(w http.ResponseWriter, id string) bool {
	s.rec.mu.Lock()
	c, ok := s.rec.channels[id]
	s.rec.mu.Unlock()
	switch {
	case !ok:
		fail(w, "channel_not_found")
	case !c.BotIsMember:
		fail(w, "not_in_channel")
	}
	return ok && c.BotIsMember
}

func (s *Server) postMessage(w http.ResponseWriter, v url.Values) {
	channel := v.Get("channel")
	if !s.channelFor(w, channel) {
		return
	}
	if code := checkContent(v.Get("text"), v.Get("blocks")); code != "" {
		fail(w, code)
		return
	}
	if !s.allowPost(w, channel) {
		return
	}
	s.rec.mu.Lock()
	m := &Message{Channel: channel, TS: s.rec.nextTS(), ThreadTS: v.Get("thread_ts"), User: s.opts.BotUserID,
		BotID: s.opts.BotID, Text: v.Get("text"), At: time.Now()}
	if b := v.Get("blocks"); b != "" {
		m.Blocks = json.RawMessage(b)
	}
	if m.ThreadTS != "" && s.rec.find(channel, m.ThreadTS) == nil {
		s.rec.mu.Unlock()
		fail(w, "thread_not_found")
		return
	}
	s.rec.add(channel, m)
	s.rec.touch()
	copyM := *m
	s.rec.mu.Unlock()
	writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": m.TS, "message": map[string]any{
		"type": "message", "subtype": "bot_message", "text": m.Text, "ts": m.TS, "thread_ts": m.ThreadTS,
		"bot_id": m.BotID, "user": m.User, "blocks": m.Blocks}})
	if s.opts.EchoBotMessages {
		go s.echo(copyM)
	}
}

func (s *Server) updateMessage(w http.ResponseWriter, v url.Values) {
	channel, ts := v.Get("channel"), v.Get("ts")
	if code := checkContent(v.Get("text"), v.Get("blocks")); code != "" {
		fail(w, code)
		return
	}
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	m := s.rec.find(channel, ts)
	switch {
	case m == nil:
		fail(w, "message_not_found")
		return
	case m.BotID != s.opts.BotID:
		fail(w, "cant_update_message")
		return
	}
	m.Text = v.Get("text")
	if b := v.Get("blocks"); b != "" {
		m.Blocks = json.RawMessage(b)
	}
	m.Updates++
	s.rec.touch()
	writeJSON(w, map[string]any{"ok": true, "channel": channel, "ts": ts, "text": m.Text})
}

func (s *Server) postEphemeral(w http.ResponseWriter, v url.Values) {
	channel := v.Get("channel")
	if !s.channelFor(w, channel) {
		return
	}
	if code := checkContent(v.Get("text"), v.Get("blocks")); code != "" {
		fail(w, code)
		return
	}
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	if _, ok := s.rec.users[v.Get("user")]; !ok {
		fail(w, "user_not_in_channel")
		return
	}
	e := Ephemeral{Channel: channel, User: v.Get("user"), ThreadTS: v.Get("thread_ts"), Text: v.Get("text")}
	if b := v.Get("blocks"); b != "" {
		e.Blocks = json.RawMessage(b)
	}
	s.rec.ephemerals = append(s.rec.ephemerals, e)
	ts := s.rec.nextTS()
	s.rec.touch()
	writeJSON(w, map[string]any{"ok": true, "message_ts": ts})
}

func (s *Server) addReaction(w http.ResponseWriter, v url.Values) {
	channel, ts, name := v.Get("channel"), v.Get("timestamp"), v.Get("name")
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	if s.rec.find(channel, ts) == nil {
		fail(w, "message_not_found")
		return
	}
	for _, r := range s.rec.reactions {
		if r.Channel == channel && r.TS == ts && r.Name == name && r.User == s.opts.BotUserID {
			fail(w, "already_reacted")
			return
		}
	}
	s.rec.reactions = append(s.rec.reactions, Reaction{Channel: channel, TS: ts, Name: name, User: s.opts.BotUserID})
	s.rec.touch()
	writeJSON(w, map[string]any{"ok": true})
}

func (s *Server) userInfo(w http.ResponseWriter, v url.Values) {
	s.rec.mu.Lock()
	u, ok := s.rec.users[v.Get("user")]
	s.rec.mu.Unlock()
	if !ok {
		fail(w, "user_not_found")
		return
	}
	writeJSON(w, map[string]any{"ok": true, "user": map[string]any{
		"id": u.ID, "team_id": s.opts.TeamID, "name": u.Name, "real_name": u.RealName, "is_bot": u.IsBot,
		"profile": map[string]any{"real_name": u.RealName, "display_name": u.DisplayName,
			"real_name_normalized": u.RealName, "display_name_normalized": u.DisplayName}}})
}

func (s *Server) conversationInfo(w http.ResponseWriter, v url.Values) {
	s.rec.mu.Lock()
	c, ok := s.rec.channels[v.Get("channel")]
	s.rec.mu.Unlock()
	if !ok {
		fail(w, "channel_not_found")
		return
	}
	writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{
		"id": c.ID, "name": c.Name, "is_channel": true, "is_member": c.BotIsMember}})
}

// getPermalink answers chat.getPermalink as Slack does: the message's
// address in the workspace, with thread_ts and cid for a reply in a
// thread; channel_not_found or message_not_found otherwise.
func (s *Server) getPermalink(w http.ResponseWriter, v url.Values) {
	channel, ts := v.Get("channel"), v.Get("message_ts")
	s.rec.mu.Lock()
	_, known := s.rec.channels[channel]
	m := s.rec.find(channel, ts)
	s.rec.mu.Unlock()
	switch {
	case !known:
		fail(w, "channel_not_found")
		return
	case m == nil || m.Deleted:
		fail(w, "message_not_found")
		return
	}
	link := fmt.Sprintf("%sarchives/%s/p%s", TeamURL, channel, strings.ReplaceAll(ts, ".", ""))
	if m.ThreadTS != "" && m.ThreadTS != m.TS {
		link += "?" + url.Values{"thread_ts": {m.ThreadTS}, "cid": {channel}}.Encode()
	}
	writeJSON(w, map[string]any{"ok": true, "channel": channel, "permalink": link})
}
