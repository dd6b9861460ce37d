package mattermostfake

import "encoding/json"

// User is an account, as GET /users/{id} shows it.
type User struct {
	ID        string `json:"id"`
	Username  string `json:"username"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Nickname  string `json:"nickname"`
	IsBot     bool   `json:"is_bot,omitempty"`
}

// Channel is a channel of the team.
type Channel struct {
	ID          string `json:"id"`
	TeamID      string `json:"team_id"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
}

// Post is a post as the server keeps it (integrations included).
type Post struct {
	ID            string         `json:"id"`
	CreateAt      int64          `json:"create_at"`
	UpdateAt      int64          `json:"update_at"`
	EditAt        int64          `json:"edit_at"`
	DeleteAt      int64          `json:"delete_at"`
	IsPinned      bool           `json:"is_pinned"`
	UserID        string         `json:"user_id"`
	ChannelID     string         `json:"channel_id"`
	RootID        string         `json:"root_id"`
	OriginalID    string         `json:"original_id"`
	Message       string         `json:"message"`
	Type          string         `json:"type"`
	Props         map[string]any `json:"props"`
	Hashtags      string         `json:"hashtags"`
	PendingPostID string         `json:"pending_post_id"`
	ReplyCount    int64          `json:"reply_count"`
	Metadata      map[string]any `json:"metadata"`
}

// Ephemeral is a message shown to one user only.
type Ephemeral struct {
	UserID, ChannelID, RootID, Message string
}

// Reaction is an emoji a user put on a post.
type Reaction struct {
	UserID    string `json:"user_id"`
	PostID    string `json:"post_id"`
	EmojiName string `json:"emoji_name"`
	CreateAt  int64  `json:"create_at"`
}

// Typing is a user_typing action the bot sent on its WebSocket.
type Typing struct {
	ChannelID, ParentID string
}

// Attachment and Action are the parts of props.attachments that clicks
// and tests read.
type Attachment struct {
	Fallback string   `json:"fallback"`
	Color    string   `json:"color"`
	Text     string   `json:"text"`
	Fields   []Field  `json:"fields"`
	Actions  []Action `json:"actions"`
}

// Field is one labelled value of an attachment.
type Field struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

// Action is a button with its integration.
type Action struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Name        string `json:"name"`
	Style       string `json:"style"`
	Integration *struct {
		URL     string         `json:"url"`
		Context map[string]any `json:"context"`
	} `json:"integration"`
}

// Attachments reads the post's props.attachments.
func (p Post) Attachments() []Attachment {
	raw, err := json.Marshal(p.Props["attachments"])
	if err != nil {
		return nil
	}
	var out []Attachment
	if json.Unmarshal(raw, &out) != nil {
		return nil
	}
	return out
}

// Buttons lists the ids of the post's buttons, in order.
func (p Post) Buttons() []string {
	var ids []string
	for _, a := range p.Attachments() {
		for _, b := range a.Actions {
			ids = append(ids, b.ID)
		}
	}
	return ids
}

// Text is everything a reader sees of the post: its message and its
// attachments' texts and fields.
func (p Post) Text() string {
	s := p.Message
	for _, a := range p.Attachments() {
		s += "\n" + a.Text
		for _, f := range a.Fields {
			s += "\n" + f.Title + ": " + f.Value
		}
	}
	return s
}

// appError is Mattermost's error body.
type appError struct {
	ID            string `json:"id"`
	Message       string `json:"message"`
	DetailedError string `json:"detailed_error"`
	RequestID     string `json:"request_id"`
	StatusCode    int    `json:"status_code"`
}
