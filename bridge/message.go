package bridge

import "time"

// Role says who wrote a message.
type Role string

// Message author roles.
const (
	RoleUser   Role = "user"
	RoleAI     Role = "ai"
	RoleAgent  Role = "agent"
	RoleSystem Role = "system"
)

// Message is one entry of a conversation's history.
type Message struct {
	ID             MessageID
	ConversationID ConversationID
	HandoffID      HandoffID // the handoff open when it was written, if any
	Role           Role
	Author         string // display name: the user's, the agent's, or the bot's
	AgentID        AgentID
	Text           string // Markdown for agent and AI messages, plain for users
	Attachments    []Attachment
	// Internal marks agent notes: kept in history, never relayed to the user.
	Internal bool
	// Source and PlatformID name the platform message this was made from
	// (e.g. "slack", "1712345678.000100"), for edits and de-duplication.
	Source     string
	PlatformID string
	EditedAt   time.Time
	DeletedAt  time.Time
	CreatedAt  time.Time
}

// Attachment is a file shared in a conversation: where it can be fetched
// (URL) and, when the bridge keeps its bytes, the blob holding them (Blob),
// from which channels that serve files themselves (the widget, the console)
// make their own short-lived links.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size,omitempty"`
	URL         string `json:"url"`
	Blob        BlobID `json:"blob,omitempty"`
}
