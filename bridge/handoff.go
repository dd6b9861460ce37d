package bridge

import "time"

// State is where a handoff stands.
type State string

// Handoff states. Each change of state is recorded in the handoff's
// timeline (HandoffEvent).
const (
	StatePending   State = "pending"   // waiting for an agent
	StateActive    State = "active"    // an agent owns it and chats with the user
	StateResolved  State = "resolved"  // closed by an agent; the AI answers again
	StateFallback  State = "fallback"  // SLA elapsed: lead capture offered; late joins allowed
	StateAbandoned State = "abandoned" // the user cancelled or left while waiting
)

// Open reports whether a handoff in this state still belongs to the humans:
// the conversation has at most one open handoff at a time.
func (s State) Open() bool { return s == StatePending || s == StateActive || s == StateFallback }

// Priority orders the queue of pending handoffs.
type Priority string

// Priorities, lowest to highest.
const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Rank orders priorities; unknown values rank as normal.
func (p Priority) Rank() int {
	switch p {
	case PriorityLow:
		return 0
	case PriorityHigh:
		return 2
	case PriorityUrgent:
		return 3
	default:
		return 1
	}
}

// Handoff is a request for a human on a conversation.
type Handoff struct {
	ID             HandoffID
	ConversationID ConversationID
	Team           TeamID
	State          State
	Owner          AgentID // set while active
	// OwnerName and OwnerRef are the owner's display name and user id in the
	// handoff's workspace, as they were when the owner joined.
	OwnerName string
	OwnerRef  string
	Priority  Priority
	Trigger   string // the trigger's name, e.g. "human", "ai_low_confidence"
	Reason    string // a human-readable why, shown in the thread
	Previous  HandoffID
	// Deadline is when the SLA window closes for a pending handoff; zero when
	// no timer runs. Stored, so timers survive restarts.
	Deadline time.Time
	// Thread is where the request lives in the agent workspace. It is filled
	// once the workspace has opened the thread, and never changes after, even
	// if the team's channel changes in the config.
	Thread ThreadRef
	// Lead capture progress while in fallback.
	LeadStep  LeadField
	LeadDraft Lead
	// Declined lists agents who declined while it was pending.
	Declined []AgentID
	// Summary is what the agent reads first on the card: the AI's summary
	// of the conversation, or an extractive one (see summary.go).
	Summary string
	// Offer is the agent a pending request is offered to by the team's
	// assignment, and who had it before in this wait.
	Offer     HandoffOffer
	CreatedAt time.Time
	UpdatedAt time.Time
	ClosedAt  time.Time
}

// HandoffOffer is where a pending request's assignment stands: offered to
// To until Deadline (zero To: open to all), after Tried had their turn.
type HandoffOffer struct {
	To   AgentID `json:"to,omitempty"`
	Name string  `json:"name,omitempty"` // To's name, as agents see it
	// Deadline is when the offer passes to the next agent; stored in a
	// column of its own, so that the engine's timer finds it.
	Deadline time.Time `json:"-"`
	Tried    []AgentID `json:"tried,omitempty"`
}

// IsZero reports whether the request was never offered in this wait.
func (o HandoffOffer) IsZero() bool { return o.To == "" && len(o.Tried) == 0 }

// ThreadRef locates a handoff's thread in an agent workspace.
type ThreadRef struct {
	Workspace WorkspaceKind `json:"workspace"`
	Channel   string        `json:"channel"`   // e.g. Slack channel id, Discord channel id
	ThreadID  string        `json:"thread_id"` // e.g. Slack root ts, Discord thread id
}

// IsZero reports whether the thread has not been opened yet.
func (t ThreadRef) IsZero() bool { return t.ThreadID == "" }

// HandoffEventKind names what happened to a handoff.
type HandoffEventKind string

// Handoff event kinds; they double as notification event names.
const (
	EventRequested HandoffEventKind = "handoff.requested"
	EventJoined    HandoffEventKind = "handoff.joined"
	EventRejected  HandoffEventKind = "handoff.rejected"
	EventResolved  HandoffEventKind = "handoff.resolved"
	EventFallback  HandoffEventKind = "handoff.fallback"
	EventAbandoned HandoffEventKind = "handoff.abandoned"
	EventLead      HandoffEventKind = "lead.captured"
	// EventTransferred: the owner handed the handoff to another agent, or
	// to another team (which gets a new request that links to it).
	EventTransferred HandoffEventKind = "handoff.transferred"
)

// HandoffEvent is one entry of a handoff's timeline: who did what, when,
// and the state before and after.
type HandoffEvent struct {
	HandoffID HandoffID
	Kind      HandoffEventKind
	Actor     string // agent id, "user" or "system"
	From      State
	To        State
	Note      string
	At        time.Time
}
