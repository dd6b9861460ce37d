package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/internal/waitfor"
)

// Message is one message as the fake holds it: a root message of a channel
// or a reply in a thread.
type Message struct {
	Channel  string          `json:"channel"`
	TS       string          `json:"ts"`
	ThreadTS string          `json:"thread_ts,omitempty"`
	User     string          `json:"user,omitempty"`
	BotID    string          `json:"bot_id,omitempty"`
	Text     string          `json:"text"`
	Blocks   json.RawMessage `json:"blocks,omitempty"`
	Files    []File          `json:"files,omitempty"`
	// At is when the fake took the message.
	At time.Time `json:"-"`
	// Updates counts chat.update calls on it; Deleted marks a removal.
	Updates int  `json:"-"`
	Deleted bool `json:"-"`
}

// Ephemeral is a message only one user sees (chat.postEphemeral).
type Ephemeral struct {
	Channel  string
	User     string
	ThreadTS string
	Text     string
	Blocks   json.RawMessage
}

// Reaction is an emoji added to a message (reactions.add).
type Reaction struct {
	Channel, TS, Name, User string
}

// File is a file shared in a message.
type File struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Title              string `json:"title,omitempty"`
	Mimetype           string `json:"mimetype,omitempty"`
	Size               int64  `json:"size,omitempty"`
	URLPrivate         string `json:"url_private,omitempty"`
	URLPrivateDownload string `json:"url_private_download,omitempty"`
	Permalink          string `json:"permalink,omitempty"`
}

// User is a member of the fake workspace.
type User struct {
	ID          string
	Name        string // the handle
	RealName    string
	DisplayName string
	IsBot       bool
}

// Channel is a conversation of the fake workspace.
type Channel struct {
	ID   string
	Name string
	// BotIsMember says whether the bridge's bot was added to it; posting in
	// a channel without the bot fails with not_in_channel.
	BotIsMember bool
}

// record is the fake's state, guarded by mu; every change is told to
// changes so that waiters wake.
type record struct {
	mu         sync.Mutex
	changes    waitfor.Changes
	users      map[string]User
	channels   map[string]Channel
	messages   map[string][]*Message // by channel, in ts order
	byTS       map[string]*Message   // by channel + "/" + ts: find without a scan
	ephemerals []Ephemeral
	reactions  []Reaction
	ratelimits int
	uploads    map[string]*upload
	lastMicros int64
}

func newRecord() *record {
	return &record{users: map[string]User{}, channels: map[string]Channel{}, messages: map[string][]*Message{}, byTS: map[string]*Message{}, uploads: map[string]*upload{}}
}

// touch wakes waiters; call with mu held.
func (r *record) touch() { r.changes.Notify() }

// nextTS returns a timestamp later than every one given before, in Slack's
// "seconds.micros" form: Slack's ts is unique per channel and orders
// messages, which tests rely on. Call with mu held.
func (r *record) nextTS() string {
	m := max(time.Now().UnixMicro(), r.lastMicros+1)
	r.lastMicros = m
	return fmt.Sprintf("%d.%06d", m/1e6, m%1e6)
}

func (r *record) find(channel, ts string) *Message { return r.byTS[channel+"/"+ts] }

// add records a new message of channel. Call with mu held.
func (r *record) add(channel string, m *Message) {
	r.messages[channel] = append(r.messages[channel], m)
	r.byTS[channel+"/"+m.TS] = m
}

// AddUser adds or replaces a member of the workspace.
func (s *Server) AddUser(u User) {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	s.rec.users[u.ID] = u
}

// AddChannel adds or replaces a channel.
func (s *Server) AddChannel(c Channel) {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	s.rec.channels[c.ID] = c
}

// Messages returns the messages of a channel (roots and replies), oldest
// first, as copies.
func (s *Server) Messages(channel string) []Message { return s.MessagesFrom(channel, 0) }

// MessagesFrom returns the messages of a channel from the from-th on
// (counted from 0, oldest first), as copies: what a reader that has read
// from of them has not seen, without copying the whole channel again.
func (s *Server) MessagesFrom(channel string, from int) []Message {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	all := s.rec.messages[channel]
	if from >= len(all) {
		return nil
	}
	out := make([]Message, 0, len(all)-max(from, 0))
	for _, m := range all[max(from, 0):] {
		out = append(out, *m)
	}
	return out
}

// Message returns one message by channel and ts.
func (s *Server) Message(channel, ts string) (Message, bool) {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	if m := s.rec.find(channel, ts); m != nil {
		return *m, true
	}
	return Message{}, false
}

// Replies returns the replies in a thread, oldest first, without the root.
func (s *Server) Replies(channel, threadTS string) []Message {
	var out []Message
	for _, m := range s.Messages(channel) {
		if m.ThreadTS == threadTS && m.TS != threadTS && !m.Deleted {
			out = append(out, m)
		}
	}
	return out
}

// Roots returns the root messages of a channel.
func (s *Server) Roots(channel string) []Message {
	var out []Message
	for _, m := range s.Messages(channel) {
		if m.ThreadTS == "" || m.ThreadTS == m.TS {
			out = append(out, m)
		}
	}
	return out
}

// Ephemerals returns the ephemeral messages sent so far.
func (s *Server) Ephemerals() []Ephemeral {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return append([]Ephemeral(nil), s.rec.ephemerals...)
}

// Reactions returns the reactions added so far.
func (s *Server) Reactions() []Reaction {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return append([]Reaction(nil), s.rec.reactions...)
}

// RateLimited counts the 429 answers given so far.
func (s *Server) RateLimited() int {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return s.rec.ratelimits
}

// WaitFor blocks until cond holds (it is checked after every change of the
// fake's state) or ctx ends; what names the condition in the error.
// Without a deadline on ctx it gives up after waitfor.DefaultBound.
func (s *Server) WaitFor(ctx context.Context, what string, cond func() bool) error {
	if err := s.rec.changes.Until(ctx, what, cond); err != nil {
		return fmt.Errorf("slackfake: %w", err)
	}
	return nil
}
