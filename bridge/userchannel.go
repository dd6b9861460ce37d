package bridge

import "context"

// UserChannel delivers to users of one channel kind (web widget, Telegram,
// Discord, WhatsApp). Deliveries reach it from the durable outbox, in order
// per conversation, and are retried on error: see RetryAfterError and
// PermanentError for how a channel says what went wrong.
type UserChannel interface {
	Kind() ChannelKind
	// Send delivers one message and returns the platform's id for it.
	Send(ctx context.Context, to ChatAddress, m OutgoingMessage) (platformID string, err error)
}

// OutgoingMessage is what a user is sent: an AI or agent answer, or a notice
// of the bridge (waiting, agent joined, resolved, …).
type OutgoingMessage struct {
	MessageID   MessageID    `json:"message_id"` // stable across retries: an idempotency key
	Role        Role         `json:"role"`
	Author      string       `json:"author,omitempty"` // the agent's display name, or the bot's
	Text        string       `json:"text"`             // Markdown
	Attachments []Attachment `json:"attachments,omitempty"`
	Notice      Notice       `json:"notice,omitempty"`
	// Agent is the display name of the agent a NoticeJoined announces, for
	// channels that show who the user is talking to.
	Agent string `json:"agent,omitempty"`
	// QueuePosition accompanies NoticeWaiting when known (1 = next).
	QueuePosition int `json:"queue_position,omitempty"`
	// Choices are buttons a channel may show with the message (the waiting
	// notice carries the cancel button, labelled from the settings).
	Choices []Choice `json:"choices,omitempty"`
	// Handoff is the handoff the message belongs to, if any.
	Handoff HandoffID `json:"handoff,omitempty"`
}

// Notice tells channels that can render state (the widget) what a system
// message means; text-only channels just show Text.
type Notice string

// Notices.
const (
	NoticeWaiting   Notice = "waiting"
	NoticeJoined    Notice = "joined"
	NoticeRequeued  Notice = "requeued"
	NoticeResolved  Notice = "resolved"
	NoticeCancelled Notice = "cancelled"
	NoticeNoAgents  Notice = "no_agents"
	NoticeLeadSaved Notice = "lead_saved"
)

// Choice is one button of an offer.
type Choice struct {
	ID    ChoiceID `json:"id"`
	Label string   `json:"label"`
}

// ChoiceID is what a channel sends back when the user presses a button.
type ChoiceID string

// The choices the bridge offers.
const (
	ChoiceAccept  ChoiceID = "handoff.accept"
	ChoiceDecline ChoiceID = "handoff.decline"
	ChoiceCancel  ChoiceID = "handoff.cancel"
)

// OutgoingOffer asks the user a question with buttons.
type OutgoingOffer struct {
	MessageID MessageID `json:"message_id"`
	Text      string    `json:"text"`
	Choices   []Choice  `json:"choices"`
}

// Offerer is a channel that can show buttons (widget, Telegram inline
// keyboard, Discord components, WhatsApp reply buttons). Channels without it
// get the offer as text and a typed yes/no is accepted.
type Offerer interface {
	SendOffer(ctx context.Context, to ChatAddress, o OutgoingOffer) (platformID string, err error)
}

// TypingIndicator is a channel that can show "agent is typing".
type TypingIndicator interface {
	SendTyping(ctx context.Context, to ChatAddress, author string) error
}

// MessageEditor is a channel that can change or remove a delivered message.
// Channels without it get a marked correction instead.
type MessageEditor interface {
	EditMessage(ctx context.Context, to ChatAddress, platformID string, m OutgoingMessage) error
	DeleteMessage(ctx context.Context, to ChatAddress, platformID string) error
}

// LeadFormStep is one step of the lead form: the field asked for, its prompt,
// and the validation problem with the previous answer, if any.
type LeadFormStep struct {
	MessageID MessageID `json:"message_id"`
	Field     LeadField `json:"field"`
	Prompt    string    `json:"prompt"`
	Problem   string    `json:"problem,omitempty"`
}

// LeadFormPresenter is a channel that shows the whole lead form at once (the
// widget). Others are asked step by step in text.
type LeadFormPresenter interface {
	ShowLeadForm(ctx context.Context, to ChatAddress, step LeadFormStep) (platformID string, err error)
}
