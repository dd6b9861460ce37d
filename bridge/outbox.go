package bridge

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Destination names who an outbox entry is for: a user channel, an agent
// workspace or a notifier. Each destination has its own sender, so a slow
// platform never stalls another.
type Destination struct {
	Kind DestinationKind
	// Name is the channel, workspace or notifier of that kind ("web",
	// "slack", "hook-crm").
	Name string
}

// DestinationKind says what a destination is.
type DestinationKind string

// The kinds of destinations. Their text is the prefix of a destination's
// stored form (see String).
const (
	DestinationUser      DestinationKind = "user"
	DestinationWorkspace DestinationKind = "workspace"
	DestinationNotifier  DestinationKind = "notify"
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

// String is the destination's stored and logged form, "kind:name"
// ("user:web", "workspace:slack", "notify:hook-crm"); "" for the zero
// destination. Stores keep it as text, and metrics label by it.
func (d Destination) String() string {
	if d == (Destination{}) {
		return ""
	}
	return string(d.Kind) + ":" + d.Name
}

// ParseDestination reads the form String writes. A kind the bridge does
// not know is kept as it is, so that nothing stored is lost in a read.
func ParseDestination(s string) (Destination, error) {
	if s == "" {
		return Destination{}, nil
	}
	kind, name, ok := strings.Cut(s, ":")
	if !ok || kind == "" {
		return Destination{}, fmt.Errorf("destination %q: want kind:name", s)
	}
	return Destination{Kind: DestinationKind(kind), Name: name}, nil
}

// MarshalText writes the stored form, so that logs and JSON show
// "user:web" as before the type had fields.
func (d Destination) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads the stored form.
func (d *Destination) UnmarshalText(b []byte) error {
	parsed, err := ParseDestination(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// sourceOf is the text that tags what came from a destination's platform:
// the de-duplication source of a user channel's events and the source of
// an agent's stored messages. It is the destination's stored form, so that
// existing databases keep matching.
func sourceOf(d Destination) string { return d.String() }

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
		Posts    []ThreadPost `json:"posts,omitempty"`   // OpThreadPost
		AgentRef string       `json:"agent_ref,omitempty"`
		Text     string       `json:"text,omitempty"`        // OpAgentTell
		Platform string       `json:"platform_id,omitempty"` // OpThreadNote
	}
)
