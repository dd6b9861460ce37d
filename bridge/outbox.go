package bridge

import (
	"github.com/handoffbridge/handoff/bridge/outbox"
)

// Destination names who an outbox entry is for: a user channel, an agent
// workspace or a notifier (see package outbox).
type Destination = outbox.Destination

// DestinationKind says what a destination is.
type DestinationKind = outbox.DestinationKind

// The kinds of destinations.
const (
	DestinationUser      = outbox.User
	DestinationWorkspace = outbox.Workspace
	DestinationNotifier  = outbox.Notifier
)

// UserDestination is the outbox destination of a user channel.
func UserDestination(k ChannelKind) Destination {
	return Destination{Kind: DestinationUser, Name: string(k)}
}

// WorkspaceDestination is the outbox destination of an agent workspace.
func WorkspaceDestination(k WorkspaceKind) Destination {
	return Destination{Kind: DestinationWorkspace, Name: string(k)}
}

// NotifierDestination is the outbox destination of a named notifier.
func NotifierDestination(name string) Destination {
	return Destination{Kind: DestinationNotifier, Name: name}
}

// ParseDestination reads a destination's stored form, "kind:name".
func ParseDestination(s string) (Destination, error) { return outbox.ParseDestination(s) }

// sourceOf is the text that tags what came from a destination's platform:
// the de-duplication source of a user channel's events and the source of
// an agent's stored messages. It is the destination's stored form, so that
// existing databases keep matching.
func sourceOf(d Destination) string { return d.String() }

// Op is what an outbox entry asks its destination to do.
type Op = outbox.Op

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

// OutboxEntry is one durable delivery (see package outbox).
type OutboxEntry = outbox.Entry

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
