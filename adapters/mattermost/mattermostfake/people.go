package mattermostfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// PostAsUser writes a post as a person (a reply when rootID is set) and
// returns its id.
func (s *Server) PostAsUser(userID, channelID, rootID, message string) (string, error) {
	p, status := s.addPost(userID, channelID, rootID, message, nil)
	if p == nil {
		return "", fmt.Errorf("mattermostfake: post as %s: status %d", userID, status)
	}
	return p.ID, nil
}

// EditAsUser changes a person's post.
func (s *Server) EditAsUser(userID, postID, message string) error {
	if _, status := s.editPost(userID, postID, &message, nil); status != http.StatusOK {
		return fmt.Errorf("mattermostfake: edit %s as %s: status %d", postID, userID, status)
	}
	return nil
}

// DeleteAsUser deletes a person's post.
func (s *Server) DeleteAsUser(userID, postID string) error {
	if status := s.deletePost(userID, postID); status != http.StatusOK {
		return fmt.Errorf("mattermostfake: delete %s as %s: status %d", postID, userID, status)
	}
	return nil
}

// TypingAsUser streams that a person is typing in a thread.
func (s *Server) TypingAsUser(userID, channelID, rootID string) {
	s.broadcast(channelID, userID, "typing", map[string]any{"parent_id": rootID, "user_id": userID})
}

// ClickResult is what the clicking user's client sees.
type ClickResult struct {
	// Status is the server's answer to the client: 200, or 400 when the
	// integration failed (answered other than 200, or not JSON).
	Status int
	// Ephemeral is the integration's ephemeral_text, shown to the
	// clicking user only.
	Ephemeral string
}

// Click presses a button of a post as userID, as the server does on
// POST /posts/{post_id}/actions/{action_id}: it posts the integration
// request to the button's URL with its context, applies the answer's
// update to the post and shows its ephemeral text to the user.
func (s *Server) Click(ctx context.Context, userID, postID, actionID string) (ClickResult, error) {
	s.mu.Lock()
	p, ok := s.posts[postID]
	var post Post
	if ok {
		post = *p
	}
	user := s.users[userID]
	c := s.channels[post.ChannelID]
	s.mu.Unlock()
	if !ok || c == nil {
		return ClickResult{}, fmt.Errorf("mattermostfake: click: no post %s", postID)
	}
	var act *Action
	for _, a := range post.Attachments() {
		for _, b := range a.Actions {
			if b.ID == actionID && b.Integration != nil {
				act = &b
			}
		}
	}
	if act == nil {
		return ClickResult{Status: http.StatusNotFound}, nil // api.post.do_action.action_id.app_error
	}
	req := map[string]any{"user_id": userID, "user_name": user.Username, "channel_id": post.ChannelID, "channel_name": c.Name,
		"team_id": c.TeamID, "team_domain": s.opts.TeamName, "post_id": postID, "trigger_id": NewID(), "type": act.Type,
		"data_source": "", "context": act.Integration.Context}
	body, _ := json.Marshal(req)
	status, raw, err := s.send(ctx, act.Integration.URL, "application/json", nil, body)
	if err != nil || status != http.StatusOK {
		return ClickResult{Status: http.StatusBadRequest}, err
	}
	var resp struct {
		Update        *Post  `json:"update"`
		EphemeralText string `json:"ephemeral_text"`
	}
	if len(raw) > 0 && json.Unmarshal(raw, &resp) != nil {
		return ClickResult{Status: http.StatusBadRequest}, nil
	}
	if resp.Update != nil {
		props := resp.Update.Props
		if props == nil {
			props = post.Props
		}
		s.editPost(post.UserID, postID, &resp.Update.Message, props)
	}
	if resp.EphemeralText != "" {
		root := post.RootID
		if root == "" {
			root = post.ID
		}
		s.mu.Lock()
		s.ephem = append(s.ephem, Ephemeral{UserID: userID, ChannelID: post.ChannelID, RootID: root, Message: resp.EphemeralText})
		s.mu.Unlock()
		s.changed()
	}
	return ClickResult{Status: http.StatusOK, Ephemeral: resp.EphemeralText}, nil
}

// CommandResult is a slash command's answer, as the server read it.
type CommandResult struct {
	Status       int
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

// RunCommand types a slash command line ("/handoffs args") as userID in
// a channel: the server posts the form to the command's request URL with
// its token (Authorization: Token …, and the token field).
func (s *Server) RunCommand(ctx context.Context, userID, channelID, line, token string) (CommandResult, error) {
	trigger, text, _ := strings.Cut(strings.TrimPrefix(line, "/"), " ")
	s.mu.Lock()
	target, ok := s.commands[trigger]
	user := s.users[userID]
	c := s.channels[channelID]
	s.mu.Unlock()
	if !ok || c == nil {
		return CommandResult{}, fmt.Errorf("mattermostfake: no command /%s or channel %s", trigger, channelID)
	}
	form := url.Values{"channel_id": {channelID}, "channel_name": {c.Name}, "command": {"/" + trigger},
		"response_url": {s.URL() + "/hooks/commands/" + NewID()}, "team_domain": {s.opts.TeamName}, "team_id": {c.TeamID},
		"text": {text}, "token": {token}, "trigger_id": {NewID()}, "user_id": {userID}, "user_name": {user.Username}}
	status, raw, err := s.send(ctx, target, "application/x-www-form-urlencoded", http.Header{"Authorization": {"Token " + token}}, []byte(form.Encode()))
	if err != nil {
		return CommandResult{}, err
	}
	res := CommandResult{Status: status}
	if status == http.StatusOK {
		if err := json.Unmarshal(raw, &res); err != nil {
			return res, fmt.Errorf("mattermostfake: command answer: %w", err)
		}
	}
	return res, nil
}

// send posts body to an integration, as the server's outgoing HTTP does.
func (s *Server) send(ctx context.Context, target, contentType string, h http.Header, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("mattermostfake: post to %s: %w", target, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, raw, err
}
