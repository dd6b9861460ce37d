package mattermost

import "encoding/json"

// The wire shapes of Mattermost's REST API v4 and WebSocket that the bridge
// reads and writes; fields it does not use are left out.

// Post is a message in a channel; a reply names its thread's root post.
type Post struct {
	ID        string         `json:"id,omitempty"`
	CreateAt  int64          `json:"create_at,omitempty"` // milliseconds since the epoch
	UpdateAt  int64          `json:"update_at,omitempty"`
	EditAt    int64          `json:"edit_at,omitempty"`
	DeleteAt  int64          `json:"delete_at,omitempty"`
	UserID    string         `json:"user_id,omitempty"`
	ChannelID string         `json:"channel_id,omitempty"`
	RootID    string         `json:"root_id,omitempty"`
	Message   string         `json:"message"`
	Type      string         `json:"type,omitempty"` // "" for people's posts; system_* for the server's
	Props     map[string]any `json:"props,omitempty"`
}

// postPatch changes a post's message and props (PUT /posts/{id}/patch).
type postPatch struct {
	Message *string        `json:"message,omitempty"`
	Props   map[string]any `json:"props,omitempty"`
}

// PostList is a page of posts: the ids in order and the posts by id.
type PostList struct {
	Order []string         `json:"order"`
	Posts map[string]*Post `json:"posts"`
}

// Attachment is a Slack-style message attachment (props.attachments).
type Attachment struct {
	Fallback string            `json:"fallback,omitempty"`
	Color    string            `json:"color,omitempty"`
	Pretext  string            `json:"pretext,omitempty"`
	Title    string            `json:"title,omitempty"`
	Text     string            `json:"text,omitempty"`
	Fields   []AttachmentField `json:"fields,omitempty"`
	Footer   string            `json:"footer,omitempty"`
	Actions  []Action          `json:"actions,omitempty"`
}

// AttachmentField is one labelled value of an attachment.
type AttachmentField struct {
	Title string `json:"title"`
	Value string `json:"value"`
	Short bool   `json:"short"`
}

// Action is an interactive button; Integration says where a click goes.
type Action struct {
	ID          string       `json:"id,omitempty"`
	Type        string       `json:"type,omitempty"`
	Name        string       `json:"name,omitempty"`
	Style       string       `json:"style,omitempty"`
	Integration *Integration `json:"integration,omitempty"`
}

// Integration is where Mattermost posts a click, with the context it
// passes back (stripped from posts before clients see them).
type Integration struct {
	URL     string         `json:"url,omitempty"`
	Context map[string]any `json:"context,omitempty"`
}

// ActionRequest is what Mattermost posts to an action's URL on a click.
type ActionRequest struct {
	UserID      string         `json:"user_id"`
	UserName    string         `json:"user_name"`
	ChannelID   string         `json:"channel_id"`
	ChannelName string         `json:"channel_name"`
	TeamID      string         `json:"team_id"`
	TeamDomain  string         `json:"team_domain"`
	PostID      string         `json:"post_id"`
	TriggerID   string         `json:"trigger_id"`
	Type        string         `json:"type"`
	DataSource  string         `json:"data_source"`
	Context     map[string]any `json:"context,omitempty"`
}

// ActionResponse is the answer to an action request: an update of the
// post and a message only the clicking user sees.
type ActionResponse struct {
	Update        *Post  `json:"update,omitempty"`
	EphemeralText string `json:"ephemeral_text,omitempty"`
}

// CommandResponse answers a slash command.
type CommandResponse struct {
	ResponseType string `json:"response_type"` // ephemeral or in_channel
	Text         string `json:"text"`
}

// User is a Mattermost account.
type User struct {
	ID        string `json:"id"`
	Username  string `json:"username"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Nickname  string `json:"nickname"`
	IsBot     bool   `json:"is_bot,omitempty"`
}

// Channel is a channel of a team.
type Channel struct {
	ID          string `json:"id"`
	TeamID      string `json:"team_id"`
	Type        string `json:"type"` // O public, P private, D direct, G group
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// Team is a team of the server; its name is in its URLs.
type Team struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// ChannelMember is a user's membership of a channel.
type ChannelMember struct {
	ChannelID string `json:"channel_id"`
	UserID    string `json:"user_id"`
}

// ephemeralPost is the body of POST /posts/ephemeral.
type ephemeralPost struct {
	UserID string `json:"user_id"`
	Post   *Post  `json:"post"`
}

// reaction is the body of POST /reactions.
type reaction struct {
	UserID    string `json:"user_id"`
	PostID    string `json:"post_id"`
	EmojiName string `json:"emoji_name"`
}

// appError is Mattermost's error body.
type appError struct {
	ID         string `json:"id"`
	Message    string `json:"message"`
	StatusCode int    `json:"status_code"`
}

// wsEvent is one event of the WebSocket stream.
type wsEvent struct {
	Event     string          `json:"event"`
	Data      json.RawMessage `json:"data"`
	Broadcast struct {
		ChannelID string `json:"channel_id"`
		UserID    string `json:"user_id"`
		TeamID    string `json:"team_id"`
	} `json:"broadcast"`
	Seq int64 `json:"seq"`
	// Status and SeqReply are set on the answer to an action the client
	// sent, instead of Event.
	Status   string `json:"status,omitempty"`
	SeqReply int64  `json:"seq_reply,omitempty"`
}

// wsAction is an action the client sends on the WebSocket (user_typing).
type wsAction struct {
	Seq    int64          `json:"seq"`
	Action string         `json:"action"`
	Data   map[string]any `json:"data"`
}
