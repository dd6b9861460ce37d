package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
)

var eventSeq atomic.Int64

// EventCallback wraps an inner event in Slack's event_callback envelope and
// returns it with its event_id.
func (s *Server) EventCallback(inner map[string]any) (eventID string, body []byte) {
	eventID = fmt.Sprintf("Ev%010d", eventSeq.Add(1))
	body, _ = json.Marshal(map[string]any{
		"token": "verification_token", "team_id": s.opts.TeamID, "api_app_id": s.opts.AppID,
		"event": inner, "type": "event_callback", "event_id": eventID, "event_time": s.opts.Now().Unix(),
		"authorizations": []map[string]any{{"team_id": s.opts.TeamID, "user_id": s.opts.BotUserID, "is_bot": true}},
	})
	return eventID, body
}

// PostAsUser records a message by a person and delivers its message event:
// a thread reply when threadTS is set. Files make it a file_share.
func (s *Server) PostAsUser(ctx context.Context, channel, user, text, threadTS string, files ...File) (string, Result, error) {
	s.rec.mu.Lock()
	m := &Message{Channel: channel, TS: s.rec.nextTS(), ThreadTS: threadTS, User: user, Text: text, Files: files}
	s.rec.add(channel, m)
	s.rec.touch()
	s.rec.mu.Unlock()
	ev := map[string]any{"type": "message", "channel": channel, "user": user, "text": text, "ts": m.TS,
		"event_ts": m.TS, "channel_type": "channel", "team": s.opts.TeamID}
	if threadTS != "" {
		ev["thread_ts"] = threadTS
		ev["parent_user_id"] = s.opts.BotUserID
	}
	if len(files) > 0 {
		ev["subtype"] = "file_share"
		ev["files"] = files
		ev["upload"] = false
	}
	_, body := s.EventCallback(ev)
	res, err := s.Deliver(ctx, KindEvent, body)
	return m.TS, res, err
}

// EditAsUser changes a person's message and delivers message_changed.
func (s *Server) EditAsUser(ctx context.Context, channel, ts, text string) (Result, error) {
	s.rec.mu.Lock()
	m := s.rec.find(channel, ts)
	if m == nil {
		s.rec.mu.Unlock()
		return Result{}, fmt.Errorf("slackfake: no message %s in %s", ts, channel)
	}
	prev := *m
	m.Text = text
	evTS := s.rec.nextTS()
	s.rec.touch()
	s.rec.mu.Unlock()
	ev := map[string]any{"type": "message", "subtype": "message_changed", "hidden": true, "channel": channel,
		"ts": evTS, "event_ts": evTS, "channel_type": "channel",
		"message": map[string]any{"type": "message", "user": prev.User, "text": text, "ts": ts, "thread_ts": prev.ThreadTS,
			"edited": map[string]any{"user": prev.User, "ts": evTS}},
		"previous_message": map[string]any{"type": "message", "user": prev.User, "text": prev.Text, "ts": ts, "thread_ts": prev.ThreadTS}}
	_, body := s.EventCallback(ev)
	return s.Deliver(ctx, KindEvent, body)
}

// DeleteAsUser removes a message and delivers message_deleted.
func (s *Server) DeleteAsUser(ctx context.Context, channel, ts string) (Result, error) {
	s.rec.mu.Lock()
	m := s.rec.find(channel, ts)
	if m == nil {
		s.rec.mu.Unlock()
		return Result{}, fmt.Errorf("slackfake: no message %s in %s", ts, channel)
	}
	m.Deleted = true
	prev := *m
	evTS := s.rec.nextTS()
	s.rec.touch()
	s.rec.mu.Unlock()
	ev := map[string]any{"type": "message", "subtype": "message_deleted", "hidden": true, "channel": channel,
		"ts": evTS, "event_ts": evTS, "deleted_ts": ts, "channel_type": "channel",
		"previous_message": map[string]any{"type": "message", "user": prev.User, "text": prev.Text, "ts": ts, "thread_ts": prev.ThreadTS}}
	_, body := s.EventCallback(ev)
	return s.Deliver(ctx, KindEvent, body)
}

// echo delivers a bot's own post back as a message event, as Slack does.
func (s *Server) echo(m Message) {
	ev := map[string]any{"type": "message", "subtype": "bot_message", "channel": m.Channel, "text": m.Text,
		"ts": m.TS, "event_ts": m.TS, "bot_id": m.BotID, "user": m.User, "channel_type": "channel"}
	if m.ThreadTS != "" {
		ev["thread_ts"] = m.ThreadTS
	}
	_, body := s.EventCallback(ev)
	_, _ = s.Deliver(context.Background(), KindEvent, body)
}

// Click presses a button of a message, as block_actions.
func (s *Server) Click(ctx context.Context, user, channel, messageTS, actionID, value string, opts ...DeliverOption) (Result, error) {
	s.rec.mu.Lock()
	u := s.rec.users[user]
	var msg *Message
	if m := s.rec.find(channel, messageTS); m != nil {
		c := *m
		msg = &c
	}
	s.rec.mu.Unlock()
	payload := map[string]any{
		"type": "block_actions", "api_app_id": s.opts.AppID, "token": "verification_token",
		"user":         map[string]any{"id": user, "username": u.Name, "name": u.Name, "team_id": s.opts.TeamID},
		"team":         map[string]any{"id": s.opts.TeamID, "domain": "fake"},
		"container":    map[string]any{"type": "message", "message_ts": messageTS, "channel_id": channel, "is_ephemeral": false},
		"channel":      map[string]any{"id": channel, "name": strings.TrimPrefix(channel, "C")},
		"trigger_id":   fmt.Sprintf("%d.%s", eventSeq.Add(1), user),
		"response_url": s.srv.URL + "/actions/" + messageTS,
		"actions": []map[string]any{{"action_id": actionID, "block_id": "handoff", "value": value, "type": "button",
			"text": map[string]any{"type": "plain_text", "text": actionID}, "action_ts": s.nextTS()}},
	}
	if msg != nil {
		payload["message"] = map[string]any{"type": "message", "ts": msg.TS, "text": msg.Text, "user": msg.User, "bot_id": msg.BotID, "blocks": msg.Blocks}
	}
	body, _ := json.Marshal(payload)
	return s.Deliver(ctx, KindInteractive, body, opts...)
}

// Slash runs a slash command as user in channel and returns the app's
// answer.
func (s *Server) Slash(ctx context.Context, user, channel, command, text string) (Result, error) {
	s.rec.mu.Lock()
	u := s.rec.users[user]
	s.rec.mu.Unlock()
	body, _ := json.Marshal(map[string]string{
		"token": "verification_token", "team_id": s.opts.TeamID, "team_domain": "fake", "channel_id": channel,
		"channel_name": strings.TrimPrefix(channel, "C"), "user_id": user, "user_name": u.Name, "command": command,
		"text": text, "api_app_id": s.opts.AppID, "response_url": s.srv.URL + "/commands/" + user,
		"trigger_id": fmt.Sprintf("%d.%s", eventSeq.Add(1), user),
	})
	return s.Deliver(ctx, KindSlash, body)
}

func (s *Server) nextTS() string {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return s.rec.nextTS()
}
