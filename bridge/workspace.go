package bridge

import (
	"context"
	"time"
)

// AgentWorkspace is where agents answer: a Slack channel, a Discord channel,
// the web console. Each handoff is a thread there.
type AgentWorkspace interface {
	Kind() WorkspaceKind
	// OpenThread posts the request's root message in channel and returns the
	// thread it starts.
	OpenThread(ctx context.Context, channel string, card HandoffCard) (ThreadRef, error)
	// UpdateThread rewrites the root message in place for the card's state.
	UpdateThread(ctx context.Context, ref ThreadRef, card HandoffCard) error
	// PostToThread adds posts to the thread, batching them into as few
	// platform messages as the platform allows.
	PostToThread(ctx context.Context, ref ThreadRef, posts []ThreadPost) error
	// TellAgent tells one agent something only they see (a refusal, an
	// "already taken by"), next to the thread.
	TellAgent(ctx context.Context, ref ThreadRef, agentUserID, text string) error
}

// HandoffCard is what a thread's root message shows.
type HandoffCard struct {
	Handoff     HandoffID `json:"handoff"`
	Previous    HandoffID `json:"previous,omitempty"`
	State       State     `json:"state"`
	Owner       AgentID   `json:"owner,omitempty"`
	OwnerName   string    `json:"owner_name,omitempty"`
	OwnerUserID string    `json:"owner_user_id,omitempty"` // the owner's id in this workspace
	Team        TeamID    `json:"team"`
	Priority    Priority  `json:"priority"`
	Trigger     string    `json:"trigger"`
	Reason      string    `json:"reason"`
	// Summary is plain text of a few lines (not Markdown): the AI's summary
	// of the conversation, or the reason and the user's last messages.
	Summary     string        `json:"summary,omitempty"`
	Channel     ChannelKind   `json:"channel"`
	UserName    string        `json:"user_name"`
	Context     UserContext   `json:"context"`
	RequestedAt time.Time     `json:"requested_at"`
	ChangedAt   time.Time     `json:"changed_at"`
	Declined    []AgentID     `json:"declined,omitempty"`
	Lead        *Lead         `json:"lead,omitempty"`
	SLA         time.Duration `json:"sla,omitempty"`
}

// ThreadPost is one entry posted into a thread: a history line, a user
// message arriving live, or a line of the bridge ("Ana joined").
type ThreadPost struct {
	MessageID   MessageID    `json:"message_id,omitempty"`
	Role        Role         `json:"role"`
	Author      string       `json:"author"`
	Text        string       `json:"text"`
	Attachments []Attachment `json:"attachments,omitempty"`
	At          time.Time    `json:"at"`
	// Mention is the workspace user id of an agent the line is addressed to
	// (an offer): workspaces that can mention someone do.
	Mention string `json:"mention,omitempty"`
	// History marks the conversation-so-far posted when the thread opens.
	History bool `json:"history,omitempty"`
	// Edited and Deleted mark a user's later change to the message: Text
	// is then the new text, or empty for a deletion.
	Edited  bool `json:"edited,omitempty"`
	Deleted bool `json:"deleted,omitempty"`
}

// PostEditor is a workspace that can change a post it made in a thread,
// so that a user's edit or deletion changes the relayed copy. Without it,
// or when the workspace named no copy for the post, the thread gets a
// marked correction instead.
type PostEditor interface {
	// PostToThreadCopies is PostToThread that also tells, for posts of
	// stored messages that got a platform message of their own, that
	// message's id (a post batched with others has none: it cannot be
	// changed alone).
	PostToThreadCopies(ctx context.Context, ref ThreadRef, posts []ThreadPost) (map[MessageID]string, error)
	// EditPost rewrites the platform message platformID for post, which
	// is marked Edited or Deleted.
	EditPost(ctx context.Context, ref ThreadRef, platformID string, post ThreadPost) error
}

// NoteMarker is a workspace that can mark an agent's message in the thread
// as an internal note (not sent to the user), e.g. with a reaction.
type NoteMarker interface {
	MarkNote(ctx context.Context, ref ThreadRef, platformID string) error
}

// ThreadTyping is a workspace that can show the user's typing in the thread.
type ThreadTyping interface {
	ShowUserTyping(ctx context.Context, ref ThreadRef) error
}
