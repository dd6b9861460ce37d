package discordfake

import (
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// route is one REST route: its template (as rate limits and forced errors
// name it), whether it needs the bot token, and its major parameter.
type route struct {
	method, tmpl string
	auth         bool
	major        string // path value naming the bucket's major parameter
	h            http.HandlerFunc
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	rs := []route{
		{"GET", "/gateway", false, "", s.getGateway},
		{"GET", "/gateway/bot", true, "", s.getGateway},
		{"GET", "/users/@me", true, "", s.getMe},
		{"GET", "/applications/@me", true, "", s.getApplication},
		{"GET", "/oauth2/applications/@me", true, "", s.getApplication},
		{"GET", "/channels/{id}", true, "id", s.getChannel},
		{"PATCH", "/channels/{id}", true, "id", s.patchChannel},
		{"POST", "/channels/{id}/messages", true, "id", s.postMessage},
		{"GET", "/channels/{id}/messages", true, "id", s.getMessages},
		{"PATCH", "/channels/{id}/messages/{mid}", true, "id", s.patchMessage},
		{"DELETE", "/channels/{id}/messages/{mid}", true, "id", s.deleteMessage},
		{"POST", "/channels/{id}/messages/{mid}/threads", true, "id", s.startThread},
		{"PUT", "/channels/{id}/messages/{mid}/reactions/{emoji}/@me", true, "id", s.putReaction},
		{"POST", "/channels/{id}/typing", true, "id", s.postTyping},
		{"PUT", "/applications/{app}/commands", true, "app", s.putCommands},
		{"GET", "/applications/{app}/commands", true, "app", s.getCommands},
		{"PUT", "/applications/{app}/guilds/{guild}/commands", true, "guild", s.putCommands},
		{"GET", "/applications/{app}/guilds/{guild}/commands", true, "guild", s.getCommands},
		{"POST", "/interactions/{iid}/{token}/callback", false, "iid", s.interactionCallback},
		{"POST", "/webhooks/{app}/{token}", false, "token", s.followup},
		{"PATCH", "/webhooks/{app}/{token}/messages/@original", false, "token", s.editOriginal},
	}
	for _, r := range rs {
		tmpl := strings.ReplaceAll(strings.ReplaceAll(r.tmpl, "{mid}", "{id}"), "{iid}", "{id}")
		limitKey := r.method + " " + tmpl
		mux.HandleFunc(r.method+" /api/{ver}"+r.tmpl, func(w http.ResponseWriter, req *http.Request) {
			if r.auth && req.Header.Get("Authorization") != "Bot "+s.token {
				apiError(w, http.StatusUnauthorized, 0, "401: Unauthorized")
				return
			}
			major := ""
			if r.major != "" {
				major = req.PathValue(r.major)
			}
			if !s.lim.admit(w, limitKey, major) {
				return
			}
			if code := s.takeFailure(limitKey); code != 0 {
				apiError(w, code, 0, http.StatusText(code))
				return
			}
			r.h(w, req)
		})
	}
	// Attachments are on cdn.discordapp.com, without the bot token.
	mux.HandleFunc("GET /attachments/{channel}/{id}/{name}", s.serveAttachment)
	// The gateway lives at the root, as wss://gateway.discord.gg/ does
	// (discordgo adds a trailing slash to the URL /gateway answers).
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/" && websocket.IsWebSocketUpgrade(req) {
			s.gw.serve(w, req)
			return
		}
		apiError(w, http.StatusNotFound, 0, "404: Not Found")
	})
	return mux
}

func (s *Server) takeFailure(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.failNext[route]
	if len(q) == 0 {
		return 0
	}
	s.failNext[route] = q[1:]
	return q[0]
}

func (s *Server) getGateway(w http.ResponseWriter, r *http.Request) {
	body := map[string]any{"url": s.GatewayURL()}
	if strings.HasSuffix(r.URL.Path, "/bot") {
		body["shards"] = 1
		body["session_start_limit"] = map[string]int{"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) getApplication(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	flags := s.AppFlags
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"id": s.AppID, "name": "Handoff Bridge", "bot_public": false, "flags": flags,
		"verify_key": hex.EncodeToString(s.PublicKey), "bot": s.Bot})
}

func (s *Server) getMe(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Bot)
}

// channel finds a channel the bot can see, or answers the error.
func (s *Server) channel(w http.ResponseWriter, id string) *discordgo.Channel {
	ch := s.channels[id]
	switch {
	case ch == nil:
		apiError(w, http.StatusNotFound, 10003, "Unknown Channel")
		return nil
	case s.denied[id]:
		apiError(w, http.StatusForbidden, 50001, "Missing Access")
		return nil
	}
	return ch
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := s.channel(w, r.PathValue("id")); ch != nil {
		writeJSON(w, http.StatusOK, ch)
	}
}

func (s *Server) patchChannel(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name        *string   `json:"name"`
		Archived    *bool     `json:"archived"`
		Locked      *bool     `json:"locked"`
		AppliedTags *[]string `json:"applied_tags"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		apiError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channel(w, r.PathValue("id"))
	if ch == nil {
		return
	}
	if body.Name != nil {
		if n := utf8.RuneCountInString(*body.Name); n < 1 || n > 100 {
			formError(w, "name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
			return
		}
		ch.Name = *body.Name
	}
	if ch.ThreadMetadata != nil {
		if body.Archived != nil {
			ch.ThreadMetadata.Archived = *body.Archived
			ch.ThreadMetadata.ArchiveTimestamp = time.Now()
		}
		if body.Locked != nil {
			ch.ThreadMetadata.Locked = *body.Locked
		}
	}
	if body.AppliedTags != nil {
		ch.AppliedTags = *body.AppliedTags
	}
	s.touch()
	s.gw.dispatch("CHANNEL_UPDATE", ch)
	writeJSON(w, http.StatusOK, ch)
}

func readOutgoing(w http.ResponseWriter, r *http.Request, creating bool) (*outgoing, bool) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		apiError(w, http.StatusBadRequest, 0, "could not read body")
		return nil, false
	}
	var o outgoing
	if err := json.Unmarshal(b, &o); err != nil {
		apiError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return nil, false
	}
	if field, code, msg := o.validate(creating); field != "" {
		if code == "EMPTY" {
			apiError(w, http.StatusBadRequest, 50006, msg)
		} else {
			formError(w, field, code, msg)
		}
		return nil, false
	}
	return &o, true
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	o, ok := readOutgoing(w, r, true)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channel(w, r.PathValue("id"))
	if ch == nil {
		return
	}
	if t := ch.ThreadMetadata; t != nil && t.Archived {
		if t.Locked {
			apiError(w, http.StatusBadRequest, 50083, "Thread is archived")
			return
		}
		t.Archived = false // sending unarchives an unlocked thread
	}
	if n := o.nonce(); n != "" && o.EnforceNonce {
		for _, m := range s.messages[ch.ID] {
			if m.Nonce == n && m.Author.ID == s.Bot.ID && time.Since(m.Timestamp) < 5*time.Minute {
				writeJSON(w, http.StatusOK, m) // the same message again: not a second copy
				return
			}
		}
	}
	m := s.newMessageLocked(ch, &s.Bot, o)
	writeJSON(w, http.StatusOK, m)
}

// newMessageLocked stores a message and dispatches MESSAGE_CREATE.
func (s *Server) newMessageLocked(ch *discordgo.Channel, author *discordgo.User, o *outgoing) *Message {
	m := &Message{Message: discordgo.Message{
		ID: s.ids.next(), ChannelID: ch.ID, GuildID: ch.GuildID, Author: author, Timestamp: time.Now().UTC(),
		Embeds: o.Embeds, Attachments: o.Attachments, Type: discordgo.MessageTypeDefault,
		Mentions: []*discordgo.User{}, MentionRoles: []string{},
	}, ComponentsJSON: o.Components, AllowedMentions: o.AllowedMentions, Nonce: o.nonce(), Ephemeral: o.Flags&64 != 0}
	if m.Embeds == nil {
		m.Embeds = []*discordgo.MessageEmbed{}
	}
	if m.Attachments == nil {
		m.Attachments = []*discordgo.MessageAttachment{}
	}
	if o.Content != nil {
		m.Content = *o.Content
	}
	if u := o.user; u != nil {
		m.StickerItems, m.Poll, m.MessageSnapshots, m.Flags, m.Type = u.StickerItems, u.Poll, u.MessageSnapshots, u.Flags, u.Type
	}
	m.Pings = pings(m.Content, o.AllowedMentions)
	for _, p := range m.Pings {
		switch {
		case p == "everyone":
			m.MentionEveryone = true
		case strings.HasPrefix(p, "user:"):
			m.Mentions = append(m.Mentions, &discordgo.User{ID: strings.TrimPrefix(p, "user:")})
		case strings.HasPrefix(p, "role:"):
			m.MentionRoles = append(m.MentionRoles, strings.TrimPrefix(p, "role:"))
		}
	}
	if ch.GuildID != "" && author.ID != s.Bot.ID {
		m.Member = &discordgo.Member{Roles: append([]string{}, s.roles[author.ID]...), JoinedAt: time.Now().UTC()}
	}
	s.messages[ch.ID] = append(s.messages[ch.ID], m)
	s.created = append(s.created, m)
	s.byID[m.ID] = m
	if ch.ThreadMetadata != nil {
		ch.MessageCount++
	}
	ch.LastMessageID = m.ID
	s.touch()
	if !m.Ephemeral {
		s.gw.dispatchMessage("MESSAGE_CREATE", ch, m)
	}
	return m
}

func (s *Server) getMessages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			formError(w, "limit", "NUMBER_TYPE_MAX", "int value should be between 1 and 100.")
			return
		}
		limit = n
	}
	after, before := q.Get("after"), q.Get("before")
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channel(w, r.PathValue("id"))
	if ch == nil {
		return
	}
	var picked []*Message
	all := s.messages[ch.ID]
	switch {
	case after != "":
		// The limit messages just after the id, answered newest first as
		// Discord does.
		for _, m := range all {
			if !m.Deleted && !m.Ephemeral && Less(after, m.ID) && len(picked) < limit {
				picked = append(picked, m)
			}
		}
	default:
		for i := len(all) - 1; i >= 0 && len(picked) < limit; i-- {
			m := all[i]
			if !m.Deleted && !m.Ephemeral && (before == "" || Less(m.ID, before)) {
				picked = append(picked, m)
			}
		}
		slices.Reverse(picked)
	}
	slices.Reverse(picked)
	out := make([]*Message, len(picked))
	for i, m := range picked {
		// Messages read over REST carry neither guild_id nor member (the
		// gateway's MESSAGE_CREATE does).
		cp := *m
		cp.GuildID, cp.Member = "", nil
		out[i] = &cp
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) patchMessage(w http.ResponseWriter, r *http.Request) {
	o, ok := readOutgoing(w, r, false)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channel(w, r.PathValue("id"))
	if ch == nil {
		return
	}
	m := s.byID[r.PathValue("mid")]
	if m == nil || m.Deleted || m.ChannelID != ch.ID {
		apiError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	if m.Author.ID != s.Bot.ID {
		apiError(w, http.StatusForbidden, 50005, "Cannot edit a message authored by another user")
		return
	}
	s.editLocked(ch, m, o)
	writeJSON(w, http.StatusOK, m)
}

func (s *Server) editLocked(ch *discordgo.Channel, m *Message, o *outgoing) {
	if o.Content != nil {
		m.Content = *o.Content
	}
	if o.Embeds != nil {
		m.Embeds = o.Embeds
	}
	if len(o.Components) > 0 {
		m.ComponentsJSON = o.Components
	}
	if o.AllowedMentions != nil {
		m.AllowedMentions = o.AllowedMentions
	}
	now := time.Now().UTC()
	m.EditedTimestamp = &now
	s.touch()
	s.gw.dispatchMessage("MESSAGE_UPDATE", ch, m)
}

func (s *Server) deleteMessage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channel(w, r.PathValue("id"))
	if ch == nil {
		return
	}
	m := s.byID[r.PathValue("mid")]
	if m == nil || m.Deleted || m.ChannelID != ch.ID {
		apiError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	s.deleteLocked(ch, m)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) deleteLocked(ch *discordgo.Channel, m *Message) {
	m.Deleted = true
	s.touch()
	s.gw.dispatch("MESSAGE_DELETE", map[string]string{"id": m.ID, "channel_id": ch.ID, "guild_id": ch.GuildID})
}

func (s *Server) startThread(w http.ResponseWriter, r *http.Request) {
	var body discordgo.ThreadStart
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		apiError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	if n := utf8.RuneCountInString(body.Name); n < 1 || n > 100 {
		formError(w, "name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	parent := s.channel(w, r.PathValue("id"))
	if parent == nil {
		return
	}
	m := s.byID[r.PathValue("mid")]
	if m == nil || m.Deleted || m.ChannelID != parent.ID {
		apiError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	if s.channels[m.ID] != nil {
		apiError(w, http.StatusBadRequest, 160004, "A thread has already been created for this message")
		return
	}
	archive := body.AutoArchiveDuration
	if archive == 0 {
		archive = 4320
	}
	// A thread started from a message has the message's id.
	th := &discordgo.Channel{
		ID: m.ID, GuildID: parent.GuildID, ParentID: parent.ID, Name: body.Name, Type: discordgo.ChannelTypeGuildPublicThread,
		OwnerID: s.Bot.ID, ThreadMetadata: &discordgo.ThreadMetadata{AutoArchiveDuration: archive, ArchiveTimestamp: time.Now().UTC()},
	}
	s.channels[th.ID] = th
	s.touch()
	s.gw.dispatch("THREAD_CREATE", th)
	writeJSON(w, http.StatusCreated, th)
}

func (s *Server) putReaction(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channel(w, r.PathValue("id"))
	if ch == nil {
		return
	}
	m := s.byID[r.PathValue("mid")]
	if m == nil || m.Deleted || m.ChannelID != ch.ID {
		apiError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	emoji := r.PathValue("emoji")
	for _, x := range s.reactions {
		if x.MessageID == m.ID && x.Emoji == emoji {
			w.WriteHeader(http.StatusNoContent) // adding it twice changes nothing
			return
		}
	}
	s.reactions = append(s.reactions, Reaction{ChannelID: ch.ID, MessageID: m.ID, Emoji: emoji})
	s.touch()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) postTyping(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channel(w, r.PathValue("id"))
	if ch == nil {
		return
	}
	s.typing = append(s.typing, Typing{ChannelID: ch.ID, UserID: s.Bot.ID, At: time.Now()})
	s.touch()
	w.WriteHeader(http.StatusNoContent)
}
