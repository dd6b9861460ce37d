package bridge

import (
	"context"
	"time"

	"github.com/handoffbridge/handoff/bridge/outbox"
)

// Store keeps everything the bridge must not forget: conversations,
// messages, handoffs and their timelines, leads, platform cursors, processed
// inbound ids and the outbox. bridge/sqlite is the embedded implementation;
// the interface holds no SQL so that other databases can follow, and
// bridge/storetest is the conformance suite every implementation runs.
type Store interface {
	// Update runs fn in one read-write transaction: all of fn's changes are
	// committed together, or none if fn returns an error.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction; writes through tx fail.
	View(ctx context.Context, fn func(tx Tx) error) error
	Close() error
}

// Tx is what can be read and written inside one transaction: one small
// interface per subject, so that a reader, or the next implementation,
// sees one at a time. Lookups of a missing thing return an error wrapping
// ErrNotFound.
type Tx interface {
	ConversationTx
	MessageTx
	HandoffTx
	TimelineTx
	LeadTx
	OutboxTx
	InboundTx
	AdapterStateTx
	KeysTx
	AgentTx
}

// ConversationTx keeps conversations: one per chat of a user channel.
type ConversationTx interface {
	Conversation(ctx context.Context, id ConversationID) (*Conversation, error)
	ConversationByAddress(ctx context.Context, a ChatAddress) (*Conversation, error)
	// CreateConversation stores c and sets c.ID.
	CreateConversation(ctx context.Context, c *Conversation) error
	UpdateConversation(ctx context.Context, c *Conversation) error
	// ConversationsAwaiting lists conversations with a user message the AI
	// has yet to answer.
	ConversationsAwaiting(ctx context.Context, limit int) ([]Conversation, error)
}

// MessageTx keeps a conversation's messages and the platform ids their
// copies got at each destination.
type MessageTx interface {
	// AddMessage stores m and sets m.ID.
	AddMessage(ctx context.Context, m *Message) error
	// UpdateMessage rewrites the text, attachments, edit and delete times.
	UpdateMessage(ctx context.Context, m *Message) error
	Message(ctx context.Context, id MessageID) (*Message, error)
	// Messages lists a conversation's messages with ids above after, oldest
	// first, at most limit (0 means all).
	Messages(ctx context.Context, c ConversationID, after MessageID, limit int) ([]Message, error)
	// RecentMessages lists a conversation's last limit messages, oldest
	// first.
	RecentMessages(ctx context.Context, c ConversationID, limit int) ([]Message, error)
	// MessageByPlatformID finds the message made from a platform message.
	MessageByPlatformID(ctx context.Context, source, platformID string) (*Message, error)
	// AddMessageCopy records the platform id a message got at a destination,
	// so that later edits and deletions reach the same platform message.
	AddMessageCopy(ctx context.Context, m MessageID, d Destination, platformID string) error
	MessageCopy(ctx context.Context, m MessageID, d Destination) (platformID string, err error)
}

// HandoffTx keeps handoffs, their queue and their deadlines.
type HandoffTx interface {
	// CreateHandoff stores h and sets h.ID.
	CreateHandoff(ctx context.Context, h *Handoff) error
	Handoff(ctx context.Context, id HandoffID) (*Handoff, error)
	// OpenHandoff returns the conversation's open handoff (pending, active or
	// fallback), or ErrNotFound.
	OpenHandoff(ctx context.Context, c ConversationID) (*Handoff, error)
	// HandoffByThread finds a handoff by its workspace and thread id.
	HandoffByThread(ctx context.Context, w WorkspaceKind, threadID string) (*Handoff, error)
	// UpdateHandoff writes h only if the stored state and owner still are
	// expectState and expectOwner, and reports whether it did. This
	// compare-and-set is what makes the first Join win.
	UpdateHandoff(ctx context.Context, h *Handoff, expectState State, expectOwner AgentID) (bool, error)
	// SetHandoffThread records the thread a workspace opened for h.
	SetHandoffThread(ctx context.Context, h HandoffID, t ThreadRef) error
	// Handoffs lists handoffs in the given states (all when empty) of a team
	// (all when empty), highest priority first, then oldest first.
	Handoffs(ctx context.Context, states []State, team TeamID, limit int) ([]Handoff, error)
	// ClosedHandoffs lists the resolved and abandoned handoffs of a team (all
	// when empty), most recently closed first, at most limit (0 means all).
	ClosedHandoffs(ctx context.Context, team TeamID, limit int) ([]Handoff, error)
	// QueuePosition is h's place among its team's pending handoffs, 1-based.
	QueuePosition(ctx context.Context, h *Handoff) (int, error)
	// NextDeadline is the earliest SLA deadline of a pending handoff.
	NextDeadline(ctx context.Context) (t time.Time, ok bool, err error)
	// DueHandoffs lists pending handoffs whose deadline is at or before now.
	DueHandoffs(ctx context.Context, now time.Time, limit int) ([]Handoff, error)
	// HandoffCounts counts handoffs by team and state (for metrics).
	HandoffCounts(ctx context.Context) ([]HandoffCount, error)
	// QueueTold is what h's user was last told of their place in the
	// queue; the zero QueueTold when nothing yet.
	QueueTold(ctx context.Context, h HandoffID) (QueueTold, error)
	// SetQueueTold records next for h only if what is stored still is
	// prev, and reports whether it did: of two transactions telling the
	// same change, on one replica or two, one does.
	SetQueueTold(ctx context.Context, h HandoffID, prev, next QueueTold) (bool, error)
}

// AgentTx keeps what the bridge knows of agents beyond the config: the
// status each set, and how busy each is.
type AgentTx interface {
	// SetAgentStatus records agent's status, replacing the one before.
	SetAgentStatus(ctx context.Context, agent AgentID, s AgentStatus, at time.Time) error
	// AgentStatuses maps every agent who ever set a status to it.
	AgentStatuses(ctx context.Context) (map[AgentID]AgentStatus, error)
	// ActiveHandoffCounts maps every agent who owns an active handoff to the
	// number they own, across teams.
	ActiveHandoffCounts(ctx context.Context) (map[AgentID]int, error)
}

// TimelineTx keeps what happened to each handoff, in order.
type TimelineTx interface {
	AddHandoffEvent(ctx context.Context, e *HandoffEvent) error
	HandoffEvents(ctx context.Context, h HandoffID) ([]HandoffEvent, error)
}

// LeadTx keeps the leads the fallback form collects.
type LeadTx interface {
	// AddLead stores l and sets l.ID.
	AddLead(ctx context.Context, l *Lead) error
	Leads(ctx context.Context, limit int) ([]Lead, error)
}

// OutboxTx is the durable outbox: what is to be delivered, per destination
// and stream, and how each delivery went (the entries and their marks are
// the delivery package's contract).
type OutboxTx interface {
	outbox.Tx
	// OutboxDepth counts undelivered entries and the creation time of the
	// oldest one.
	OutboxDepth(ctx context.Context) (n int, oldest time.Time, err error)
}

// InboundTx remembers the platform events already handled, and the
// core's platform cursors. (What an adapter keeps for itself is its
// AdapterStateTx.)
type InboundTx interface {
	// MarkInbound records a platform's event id (source is e.g. "slack",
	// "telegram") and reports whether it is new. An id seen before means the
	// event is a redelivery and must change nothing.
	MarkInbound(ctx context.Context, source, id string) (fresh bool, err error)
	// Cursor returns a platform cursor, "" when unset.
	Cursor(ctx context.Context, name string) (string, error)
	SetCursor(ctx context.Context, name, value string) error
}
