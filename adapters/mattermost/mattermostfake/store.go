package mattermostfake

import (
	"encoding/json"
	"net/http"
)

// addPost records a post by userID and streams "posted"; it answers the
// HTTP status Mattermost would (403 outside the channel, 400 for a reply
// to a post of another channel).
func (s *Server) addPost(userID, channelID, rootID, message string, props map[string]any) (*Post, int) {
	s.mu.Lock()
	c, ok := s.channels[channelID]
	if !ok || !c.members[userID] {
		s.mu.Unlock()
		return nil, http.StatusForbidden
	}
	if root, ok := s.posts[rootID]; rootID != "" && (!ok || root.ChannelID != channelID || root.RootID != "") {
		s.mu.Unlock()
		return nil, http.StatusBadRequest
	}
	if props == nil {
		props = map[string]any{}
	}
	at := s.now()
	p := &Post{ID: NewID(), CreateAt: at, UpdateAt: at, UserID: userID, ChannelID: channelID, RootID: rootID,
		Message: message, Props: props, Metadata: map[string]any{}}
	s.posts[p.ID] = p
	s.order = append(s.order, p.ID)
	if root := s.posts[rootID]; root != nil {
		root.ReplyCount++
	}
	view := clientView(p)
	data := map[string]any{"channel_display_name": c.DisplayName, "channel_name": c.Name, "channel_type": c.Type,
		"post": postJSON(view), "sender_name": s.sender(userID), "set_online": true, "team_id": c.TeamID}
	s.mu.Unlock()
	s.changed()
	s.broadcast(channelID, "", "posted", data)
	return view, http.StatusCreated
}

// editPost changes a post's message (and props, when given) as its author
// and streams "post_edited".
func (s *Server) editPost(userID, postID string, message *string, props map[string]any) (*Post, int) {
	s.mu.Lock()
	p, ok := s.posts[postID]
	switch {
	case !ok || p.DeleteAt != 0:
		s.mu.Unlock()
		return nil, http.StatusNotFound
	case p.UserID != userID:
		s.mu.Unlock()
		return nil, http.StatusForbidden
	}
	at := s.now()
	if message != nil && *message != p.Message {
		p.Message, p.EditAt = *message, at
	}
	if props != nil {
		p.Props = props
	}
	p.UpdateAt = at
	view := clientView(p)
	s.mu.Unlock()
	s.changed()
	s.broadcast(view.ChannelID, "", "post_edited", map[string]any{"post": postJSON(view)})
	return view, http.StatusOK
}

// deletePost deletes a post as its author and streams "post_deleted".
func (s *Server) deletePost(userID, postID string) int {
	s.mu.Lock()
	p, ok := s.posts[postID]
	switch {
	case !ok || p.DeleteAt != 0:
		s.mu.Unlock()
		return http.StatusNotFound
	case p.UserID != userID:
		s.mu.Unlock()
		return http.StatusForbidden
	}
	at := s.now()
	p.DeleteAt, p.UpdateAt = at, at
	view := clientView(p)
	s.mu.Unlock()
	s.changed()
	s.broadcast(view.ChannelID, "", "post_deleted", map[string]any{"post": postJSON(view), "delete_by": userID})
	return http.StatusOK
}

// postJSON is a post as events carry it: a JSON string.
func postJSON(p *Post) string {
	b, _ := json.Marshal(p)
	return string(b)
}

// Post returns a post as the server keeps it, integrations included.
func (s *Server) Post(id string) (Post, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.posts[id]
	if !ok {
		return Post{}, false
	}
	return *p, true
}

// Roots lists a channel's root posts, oldest first; deleted ones too.
func (s *Server) Roots(channelID string) []Post { return s.postsWhere(channelID, "", true) }

// Replies lists a thread's replies, oldest first; deleted ones too.
func (s *Server) Replies(channelID, rootID string) []Post {
	return s.postsWhere(channelID, rootID, false)
}

func (s *Server) postsWhere(channelID, rootID string, roots bool) []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Post
	for _, id := range s.order {
		p := s.posts[id]
		if p.ChannelID == channelID && ((roots && p.RootID == "") || (!roots && p.RootID == rootID && rootID != "")) {
			out = append(out, *p)
		}
	}
	return out
}

// Ephemerals lists what was shown to one user only, in order.
func (s *Server) Ephemerals() []Ephemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ephemeral(nil), s.ephem...)
}

// Reactions lists the reactions added, in order.
func (s *Server) Reactions() []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Reaction(nil), s.reacts...)
}

// TypingSeen lists the bot's user_typing actions, in order.
func (s *Server) TypingSeen() []Typing {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Typing(nil), s.typing...)
}
