package discordfake

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/internal/connlog"
)

// Typing is a typing indicator the bot sent.
type Typing struct {
	ChannelID, UserID string
	At                time.Time
}

// Reaction is a reaction the bot added.
type Reaction struct {
	ChannelID, MessageID, Emoji string
}

// NewUser makes a Discord user (not a bot) with the given name.
func (s *Server) NewUser(name string) discordgo.User {
	return discordgo.User{ID: s.ids.next(), Username: name, GlobalName: name, Discriminator: "0"}
}

// SetRoles gives a user guild roles; they show in the member of their
// messages and clicks.
func (s *Server) SetRoles(userID string, roles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[userID] = roles
}

// NewID makes a fresh snowflake (e.g. for a role).
func (s *Server) NewID() string { return s.ids.next() }

// NewTextChannel adds a text channel to the guild and returns its id.
func (s *Server) NewTextChannel(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := &discordgo.Channel{ID: s.ids.next(), GuildID: s.GuildID, Name: name, Type: discordgo.ChannelTypeGuildText}
	s.channels[ch.ID] = ch
	return ch.ID
}

// NewDM opens a direct-message channel between the bot and a user.
func (s *Server) NewDM(u discordgo.User) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := &discordgo.Channel{ID: s.ids.next(), Type: discordgo.ChannelTypeDM, Recipients: []*discordgo.User{&u}}
	s.channels[ch.ID] = ch
	return ch.ID
}

// DenyAccess makes a channel answer 403 Missing Access.
func (s *Server) DenyAccess(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[channelID] = true
}

// Say posts a message as a user, as if typed in the Discord client, and
// dispatches MESSAGE_CREATE.
func (s *Server) Say(channelID string, author discordgo.User, content string, atts ...*discordgo.MessageAttachment) (*discordgo.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[channelID]
	if ch == nil {
		return nil, fmt.Errorf("discordfake: say: no channel %s", channelID)
	}
	s.uploadLocked(channelID, atts)
	m := s.newMessageLocked(ch, &author, &outgoing{Content: &content, Attachments: atts})
	cp := m.Message
	return &cp, nil
}

// EditAs changes a user's message and dispatches MESSAGE_UPDATE.
func (s *Server) EditAs(channelID, messageID, content string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ch := s.byID[messageID], s.channels[channelID]
	if m == nil || ch == nil || m.Deleted {
		return fmt.Errorf("discordfake: edit: no message %s in %s", messageID, channelID)
	}
	s.editLocked(ch, m, &outgoing{Content: &content})
	return nil
}

// DeleteAs removes a message and dispatches MESSAGE_DELETE.
func (s *Server) DeleteAs(channelID, messageID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ch := s.byID[messageID], s.channels[channelID]
	if m == nil || ch == nil || m.Deleted {
		return fmt.Errorf("discordfake: delete: no message %s in %s", messageID, channelID)
	}
	s.deleteLocked(ch, m)
	return nil
}

// StartTyping dispatches TYPING_START of a user in a channel.
func (s *Server) StartTyping(channelID string, u discordgo.User) {
	s.mu.Lock()
	guild := ""
	if ch := s.channels[channelID]; ch != nil {
		guild = ch.GuildID
	}
	s.mu.Unlock()
	d := map[string]any{"channel_id": channelID, "user_id": u.ID, "timestamp": time.Now().Unix()}
	if guild != "" {
		d["guild_id"] = guild
		d["member"] = map[string]any{"user": u, "roles": s.rolesOf(u.ID)}
	}
	s.gw.dispatch("TYPING_START", d)
}

func (s *Server) rolesOf(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string{}, s.roles[userID]...)
}

// interactionPayload builds an INTERACTION_CREATE of a button click.
func (s *Server) interactionPayload(channelID, messageID, customID string, u discordgo.User) (*Interaction, map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, m := s.channels[channelID], s.byID[messageID]
	if ch == nil || m == nil {
		return nil, nil, fmt.Errorf("discordfake: click: no message %s in %s", messageID, channelID)
	}
	in := s.newInteractionLocked(channelID, messageID, u)
	in.CustomID = customID
	d := map[string]any{
		"id": in.ID, "application_id": s.AppID, "type": discordgo.InteractionMessageComponent, "token": in.Token, "version": 1,
		"channel_id": channelID, "message": m, "locale": "en-US",
		"data":            map[string]any{"custom_id": customID, "component_type": discordgo.ButtonComponent},
		"app_permissions": "17179869183",
	}
	s.addInvokerLocked(d, ch, u)
	return in, d, nil
}

// Click presses a button as a user and dispatches INTERACTION_CREATE over
// the gateway. Wait on the returned interaction with Interaction(token).
func (s *Server) Click(channelID, messageID, customID string, u discordgo.User) (*Interaction, error) {
	in, d, err := s.interactionPayload(channelID, messageID, customID, u)
	if err != nil {
		return nil, err
	}
	s.gw.dispatch("INTERACTION_CREATE", d)
	return in, nil
}

// ClickOverHTTP presses a button and posts the interaction to url as
// Discord's outgoing webhook does, signed with the application's key (or
// with a forged signature when forge is set). It returns the HTTP status.
func (s *Server) ClickOverHTTP(ctx context.Context, url, channelID, messageID, customID string, u discordgo.User, forge bool) (*Interaction, int, error) {
	in, d, err := s.interactionPayload(channelID, messageID, customID, u)
	if err != nil {
		return nil, 0, err
	}
	body, _ := json.Marshal(d)
	status, err := s.PostSigned(ctx, url, body, forge)
	return in, status, err
}

// PostSigned posts body to url with Discord's X-Signature-Ed25519 and
// X-Signature-Timestamp headers; forge signs with another key.
func (s *Server) PostSigned(ctx context.Context, url string, body []byte, forge bool) (int, error) {
	return s.PostSignedAt(ctx, url, body, time.Now(), forge)
}

// PostSignedAt is PostSigned with the signature timestamp at, e.g. an old
// one, as a replayed request would carry.
func (s *Server) PostSignedAt(ctx context.Context, url string, body []byte, at time.Time, forge bool) (int, error) {
	ts := strconv.FormatInt(at.Unix(), 10)
	key := s.privateKey
	if forge {
		_, key, _ = ed25519.GenerateKey(nil)
	}
	sig := ed25519.Sign(key, append([]byte(ts), body...))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
	req.Header.Set("X-Signature-Timestamp", ts)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var answer struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data *outgoing                         `json:"data"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&answer)
	if resp.StatusCode == http.StatusOK {
		s.recordHTTPAnswer(body, answer.Type, answer.Data)
	}
	return resp.StatusCode, nil
}

// recordHTTPAnswer notes the response to an interaction answered in the
// body of the webhook call (Discord's HTTP interactions).
func (s *Server) recordHTTPAnswer(body []byte, t discordgo.InteractionResponseType, data *outgoing) {
	var in struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal(body, &in)
	s.mu.Lock()
	defer s.mu.Unlock()
	if x := s.interactions[in.Token]; x != nil {
		cb := Callback{Type: t, After: time.Since(x.Created)}
		if data != nil {
			if data.Content != nil {
				cb.Content = *data.Content
			}
			cb.Ephemeral = data.Flags&64 != 0
		}
		x.Callbacks = append(x.Callbacks, cb)
		s.answerLocked(x, s.channels[x.ChannelID], t, data)
		s.touch()
	}
}

// InteractionOf returns a copy of an interaction's record.
func (s *Server) InteractionOf(token string) Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[token]
	if in == nil {
		return Interaction{}
	}
	cp := *in
	cp.Callbacks = slices.Clone(in.Callbacks)
	cp.Followups = slices.Clone(in.Followups)
	return cp
}

// Messages returns copies of a channel's messages, oldest first, deleted
// ones left out.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages[channelID] {
		if !m.Deleted {
			out = append(out, *m)
		}
	}
	return out
}

// MessageByID returns a copy of a message.
func (s *Server) MessageByID(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.byID[id]
	if m == nil {
		return Message{}, false
	}
	return *m, true
}

// Channel returns a copy of a channel.
func (s *Server) Channel(id string) (discordgo.Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[id]
	if ch == nil {
		return discordgo.Channel{}, false
	}
	cp := *ch
	if ch.ThreadMetadata != nil {
		tm := *ch.ThreadMetadata
		cp.ThreadMetadata = &tm
	}
	return cp, true
}

// Typings returns the typing indicators the bot sent.
func (s *Server) Typings() []Typing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.typing)
}

// Reactions returns the reactions the bot added.
func (s *Server) Reactions() []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reactions)
}

// Force429 makes the next n requests of a route (e.g. "POST
// /channels/{id}/messages") answer 429 with retry_after.
func (s *Server) Force429(route string, n int, retryAfter time.Duration, global bool) {
	s.lim.force(route, n, retryAfter, global)
}

// RateLimited counts the 429s answered on a route.
func (s *Server) RateLimited(route string) int { return s.lim.count(route) }

// FailNext makes the next requests of a route answer these HTTP statuses.
func (s *Server) FailNext(route string, statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[route] = append(s.failNext[route], statuses...)
}

// HoldConnections makes new gateway connections wait until
// ReleaseConnections: a window in which the bot is disconnected.
func (s *Server) HoldConnections() {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	if s.gw.hold == nil {
		s.gw.hold = make(chan struct{})
	}
}

// ReleaseConnections lets held gateway connections through.
func (s *Server) ReleaseConnections() {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	if s.gw.hold != nil {
		close(s.gw.hold)
		s.gw.hold = nil
	}
}

// DropConnections cuts every gateway connection without a close frame, as
// a network failure does. Sessions stay resumable.
func (s *Server) DropConnections() {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for c := range s.gw.conns {
		_ = c.ws.UnderlyingConn().Close()
	}
}

// StallConnections makes every open gateway connection go silent while
// staying open, as a half-open TCP connection or a stuck proxy does: no
// heartbeat ACK, no dispatch. What is dispatched meanwhile waits in the
// session for a RESUME on a new connection. New connections are not
// stalled.
func (s *Server) StallConnections() {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for c := range s.gw.conns {
		c.stalled = true
	}
}

// InvalidateSessions forgets every gateway session: the next RESUME gets
// INVALID_SESSION and the bot must identify again, missing what was
// dispatched meanwhile.
func (s *Server) InvalidateSessions() {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	clear(s.gw.sessions)
}

// Reconnect asks every connected client to reconnect (op 7).
func (s *Server) Reconnect() {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for c := range s.gw.conns {
		c.send(map[string]any{"op": opReconnect, "d": nil, "s": nil, "t": nil})
	}
}

// GatewayStats returns the gateway's counters.
func (s *Server) GatewayStats() GatewayStats {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	return s.gw.stats
}

// Sessions records each gateway connection that carried a session, from
// its IDENTIFY (or RESUME) until it closed: a test of several replicas
// checks that two bots never held sessions at once.
func (s *Server) Sessions() *connlog.Log { return &s.gw.log }

// Connected reports whether a client is connected with a live session.
func (s *Server) Connected() bool {
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for c := range s.gw.conns {
		if c.session != nil {
			return true
		}
	}
	return false
}

// SetAppFlags sets the application's flags (0 turns the message content
// intent off).
func (s *Server) SetAppFlags(flags int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.AppFlags = flags
}

// uploadLocked gives a user's files their id and signed CDN links, as
// Discord does when the client uploads them (see File).
func (s *Server) uploadLocked(channelID string, atts []*discordgo.MessageAttachment) {
	for _, a := range atts {
		if a.ID == "" {
			a.ID = s.ids.next()
		}
		if a.URL == "" {
			a.URL, a.ProxyURL = s.cdnLinks(channelID, a.ID, a.Filename)
		}
	}
}
