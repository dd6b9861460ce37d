package bridge

import (
	"encoding/json"
	"time"
)

// Destination names who an outbox entry is for: a user channel, an agent
// workspace or a notifier. Each destination has its own sender, so a slow
// platform never stalls another.
type Destination string

// UserDestination is the outbox destination of a user channel.
func UserDestination(k ChannelKind) Destination { return Destination("user:" + string(k)) }

// WorkspaceDestination is the outbox destination of an agent workspace.
func WorkspaceDestination(k WorkspaceKind) Destination {
	return Destination("workspace:" + string(k))
}

// NotifierDestination is the outbox destination of a named notifier.
func NotifierDestination(name string) Destination { return Destination("notify:" + name) }

// Op is what an outbox entry asks its destination to do.
type Op string

// Outbox operations.
const (
	OpUserMessage  Op = "user.message"
	OpUserOffer    Op = "user.offer"
	OpUserLeadForm Op = "user.lead_form"
	OpUserEdit     Op = "user.edit"
	OpUserDelete   Op = "user.delete"
	OpThreadOpen   Op = "thread.open"
	OpThreadUpdate Op = "thread.update"
	OpThreadPost   Op = "thread.post"
	OpThreadNote   Op = "thread.note" // mark an agent's post as internal
	OpThreadEdit   Op = "thread.edit" // a user's edit or deletion of a relayed post
	OpAgentTell    Op = "agent.tell"
	OpNotify       Op = "notify"
)

// OutboxEntry is one durable delivery. It is written in the same transaction
// as the change that causes it, and delivered at least once, in order within
// its Stream.
type OutboxEntry struct {
	ID          OutboxID
	Destination Destination
	// Stream orders deliveries: entries of one stream go out one at a time,
	// in id order (a conversation for users, a handoff for threads).
	Stream  string
	Op      Op
	Payload json.RawMessage
	// Attempts counts failed deliveries so far.
	Attempts  int
	NextTry   time.Time
	LastError string
	CreatedAt time.Time
}

// Payloads of the outbox operations.
type (
	// UserMessagePayload is the payload of OpUserMessage, OpUserEdit and
	// OpUserDelete.
	UserMessagePayload struct {
		To      ChatAddress     `json:"to"`
		Message OutgoingMessage `json:"message"`
		// Handoff is the open handoff whose thread hears of a failure.
		Handoff HandoffID `json:"handoff,omitempty"`
	}
	// UserOfferPayload is the payload of OpUserOffer.
	UserOfferPayload struct {
		To    ChatAddress   `json:"to"`
		Offer OutgoingOffer `json:"offer"`
		// TypedHint is appended to the offer's text on channels without
		// buttons ("Reply yes or no.").
		TypedHint string `json:"typed_hint,omitempty"`
	}
	// UserLeadFormPayload is the payload of OpUserLeadForm.
	UserLeadFormPayload struct {
		To   ChatAddress  `json:"to"`
		Step LeadFormStep `json:"step"`
	}
	// ThreadPayload is the payload of the thread and agent operations. The
	// thread itself is looked up when the entry is delivered, since it is
	// only known once OpThreadOpen has gone out.
	ThreadPayload struct {
		Handoff  HandoffID    `json:"handoff"`
		Channel  string       `json:"channel,omitempty"` // OpThreadOpen
		Card     *HandoffCard `json:"card,omitempty"`    // OpThreadOpen, OpThreadUpdate
		Posts    []ThreadPost `json:"posts,omitempty"`   // OpThreadPost, OpThreadEdit (one)
		AgentRef string       `json:"agent_ref,omitempty"`
		Text     string       `json:"text,omitempty"`        // OpAgentTell
		Platform string       `json:"platform_id,omitempty"` // OpThreadNote
	}
)
