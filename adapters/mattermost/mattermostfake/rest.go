package mattermostfake

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// rest wraps a route: it counts the call, checks the bot's token, and
// answers 429 while throttled, as Mattermost's rate limiter does.
func (s *Server) rest(h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.calls[r.Pattern]++
		limited := s.throttle > 0
		if limited {
			s.throttle--
			s.limited++
		}
		s.mu.Unlock()
		s.changed()
		if limited {
			// The limiter's headers (from throttled's HTTPRateLimiter) and
			// its plain-text body.
			w.Header().Set("X-RateLimit-Limit", "10")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", "1")
			w.Header().Set("Retry-After", "1")
			http.Error(w, "limit exceeded", http.StatusTooManyRequests)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+s.opts.Token {
			writeError(w, http.StatusUnauthorized, "api.context.session_expired.app_error", "Invalid or expired session, please login again.")
			return
		}
		h(w, r)
	}
}

// Throttle makes the next n REST requests answer 429.
func (s *Server) Throttle(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle += n
}

// Limited counts the 429s given.
func (s *Server) Limited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// Calls counts the requests taken on a route, named by its pattern, e.g.
// "GET /api/v4/channels/{id}/posts".
func (s *Server) Calls(pattern string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[pattern]
}

func writeError(w http.ResponseWriter, status int, id, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(appError{ID: id, Message: msg, RequestID: NewID(), StatusCode: status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error", "Invalid or missing body in request body.")
		return false
	}
	return true
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	u := s.users[s.opts.BotUserID]
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	u, ok := s.users[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "app.user.missing_account.const", "Unable to find the user.")
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) getTeam(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != s.opts.TeamID {
		writeError(w, http.StatusNotFound, "app.team.get.find.app_error", "Unable to find the existing team.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": s.opts.TeamID, "name": s.opts.TeamName, "display_name": s.opts.TeamName, "type": "O"})
}

func (s *Server) getChannel(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c, ok := s.channels[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "app.channel.get.existing.app_error", "Unable to find the existing channel.")
		return
	}
	writeJSON(w, http.StatusOK, c.Channel)
}

func (s *Server) getMember(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	c, ok := s.channels[r.PathValue("id")]
	member := ok && c.members[r.PathValue("user")]
	s.mu.Unlock()
	if !member {
		writeError(w, http.StatusNotFound, "app.channel.get_member.missing.app_error", "No channel member found for that user ID and channel ID.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"channel_id": r.PathValue("id"), "user_id": r.PathValue("user"), "roles": "channel_user"})
}

// getPostsSince answers ?since=: the channel's posts created, edited or
// deleted since then, deleted ones included, newest first in order.
func (s *Server) getPostsSince(w http.ResponseWriter, r *http.Request) {
	since, err := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "api.context.invalid_url_param.app_error", "Invalid or missing since parameter in request URL.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[r.PathValue("id")]
	if !ok || !c.members[s.opts.BotUserID] {
		writeError(w, http.StatusForbidden, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
		return
	}
	list := struct {
		Order      []string         `json:"order"`
		Posts      map[string]*Post `json:"posts"`
		NextPostID string           `json:"next_post_id"`
		PrevPostID string           `json:"prev_post_id"`
	}{Order: []string{}, Posts: map[string]*Post{}}
	for _, id := range slices.Backward(s.order) {
		p := s.posts[id]
		if p.ChannelID == c.ID && p.UpdateAt >= since {
			list.Order = append(list.Order, id)
			list.Posts[id] = clientView(p)
		}
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) createPost(w http.ResponseWriter, r *http.Request) {
	var in Post
	if !decode(w, r, &in) {
		return
	}
	p, status := s.addPost(s.opts.BotUserID, in.ChannelID, in.RootID, in.Message, in.Props)
	if status != http.StatusCreated {
		writeError(w, status, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
		return
	}
	writeJSON(w, http.StatusCreated, p)
}

func (s *Server) patchPost(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Message *string        `json:"message"`
		Props   map[string]any `json:"props"`
	}
	if !decode(w, r, &in) {
		return
	}
	p, status := s.editPost(s.opts.BotUserID, r.PathValue("id"), in.Message, in.Props)
	if status != http.StatusOK {
		writeError(w, status, "api.post.patch_post.app_error", "Unable to patch the post.")
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) createEphemeral(w http.ResponseWriter, r *http.Request) {
	var in struct {
		UserID string `json:"user_id"`
		Post   Post   `json:"post"`
	}
	if !decode(w, r, &in) {
		return
	}
	if s.opts.NoEphemeral {
		writeError(w, http.StatusForbidden, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
		return
	}
	s.mu.Lock()
	s.ephem = append(s.ephem, Ephemeral{UserID: in.UserID, ChannelID: in.Post.ChannelID, RootID: in.Post.RootID, Message: in.Post.Message})
	p := in.Post
	p.ID, p.UserID, p.CreateAt = NewID(), s.opts.BotUserID, s.now()
	s.mu.Unlock()
	s.changed()
	writeJSON(w, http.StatusCreated, p)
}

func (s *Server) addReaction(w http.ResponseWriter, r *http.Request) {
	var in Reaction
	if !decode(w, r, &in) {
		return
	}
	s.mu.Lock()
	_, ok := s.posts[in.PostID]
	if ok {
		in.CreateAt = s.now()
		s.reacts = append(s.reacts, in)
	}
	s.mu.Unlock()
	if !ok || in.UserID != s.opts.BotUserID {
		writeError(w, http.StatusBadRequest, "api.context.invalid_body_param.app_error", "Invalid post_id or user_id.")
		return
	}
	s.changed()
	writeJSON(w, http.StatusCreated, in)
}

// clientView is a post as clients see it: the buttons' integrations
// (their URL and context) stripped, as Mattermost does.
func clientView(p *Post) *Post {
	c := *p
	c.Props = maps.Clone(p.Props)
	atts, ok := c.Props["attachments"].([]any)
	if !ok {
		return &c
	}
	out := make([]any, len(atts))
	for i, a := range atts {
		m, ok := a.(map[string]any)
		if !ok {
			out[i] = a
			continue
		}
		m = maps.Clone(m)
		if acts, ok := m["actions"].([]any); ok {
			stripped := make([]any, len(acts))
			for j, x := range acts {
				if am, ok := x.(map[string]any); ok {
					am = maps.Clone(am)
					delete(am, "integration")
					x = am
				}
				stripped[j] = x
			}
			m["actions"] = stripped
		}
		out[i] = m
	}
	c.Props["attachments"] = out
	return &c
}

// sender names a user as events do: @username.
func (s *Server) sender(userID string) string {
	return "@" + strings.TrimPrefix(s.users[userID].Username, "@")
}
