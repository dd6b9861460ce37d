package apiclient

import "time"

// The API's JSON, as openapi.yaml describes it.
type (
	// Profile is what the agent sees of the user.
	Profile struct {
		Name         string            `json:"name,omitempty"`
		Email        string            `json:"email,omitempty"`
		Locale       string            `json:"locale,omitempty"`
		ChannelLabel string            `json:"channel_label,omitempty"`
		Attributes   map[string]string `json:"attributes,omitempty"`
	}
	// Turn is one message of the conversation before the handoff; Role is
	// "user" or "bot".
	Turn struct {
		Role   string    `json:"role"`
		Text   string    `json:"text"`
		Author string    `json:"author,omitempty"`
		At     time.Time `json:"at,omitzero"`
	}
	// ConversationInput creates or continues a conversation.
	ConversationInput struct {
		ExternalID string   `json:"external_id"`
		User       *Profile `json:"user,omitempty"`
		Transcript []Turn   `json:"transcript,omitempty"`
	}
	// Conversation is a conversation's state.
	Conversation struct {
		ID        string    `json:"id"`
		User      *Profile  `json:"user,omitempty"`
		CreatedAt time.Time `json:"created_at"`
		UpdatedAt time.Time `json:"updated_at"`
		// BotPaused is true while a handoff is open: stay quiet and relay
		// the user's messages.
		BotPaused bool     `json:"bot_paused"`
		Handoff   *Handoff `json:"handoff"`
	}
	// HandoffInput asks for a human.
	HandoffInput struct {
		Team       string            `json:"team,omitempty"`
		Priority   string            `json:"priority,omitempty"`
		Reason     string            `json:"reason,omitempty"`
		Summary    string            `json:"summary,omitempty"`
		Attributes map[string]string `json:"attributes,omitempty"`
	}
	// Handoff is where a handoff stands.
	Handoff struct {
		ID            string     `json:"id"`
		State         string     `json:"state"`
		Team          string     `json:"team"`
		Priority      string     `json:"priority"`
		QueuePosition int        `json:"queue_position"`
		Agent         *Agent     `json:"agent,omitempty"`
		CreatedAt     time.Time  `json:"created_at"`
		ClosedAt      *time.Time `json:"closed_at,omitempty"`
	}
	// Agent is the human on the other side.
	Agent struct {
		Name string `json:"name"`
	}
	// Attachment is a file by URL.
	Attachment struct {
		URL         string `json:"url"`
		Name        string `json:"name,omitempty"`
		ContentType string `json:"content_type,omitempty"`
		Size        int64  `json:"size,omitempty"`
	}
	// MessageInput is a message the user wrote; MessageID is the bot's own
	// id for it and de-duplicates.
	MessageInput struct {
		Text        string       `json:"text,omitempty"`
		MessageID   string       `json:"message_id,omitempty"`
		Attachments []Attachment `json:"attachments,omitempty"`
	}
	// MessageAccepted says where the message went: "thread" or "recorded".
	MessageAccepted struct {
		MessageID string `json:"message_id"`
		RoutedTo  string `json:"routed_to"`
		BotPaused bool   `json:"bot_paused"`
	}
	// Message is one entry of the history.
	Message struct {
		ID          string       `json:"id"`
		Role        string       `json:"role"`
		Author      string       `json:"author,omitempty"`
		Text        string       `json:"text"`
		Attachments []Attachment `json:"attachments,omitempty"`
		HandoffID   string       `json:"handoff_id,omitempty"`
		CreatedAt   time.Time    `json:"created_at"`
		EditedAt    *time.Time   `json:"edited_at,omitempty"`
		Deleted     bool         `json:"deleted,omitempty"`
	}
	// MessagePage is a page of history; pass NextCursor to read on.
	MessagePage struct {
		Messages   []Message `json:"messages"`
		NextCursor string    `json:"next_cursor"`
	}
	// Event is a callback's body, and an event of the stream.
	Event struct {
		ID             string        `json:"id"`
		Type           string        `json:"type"`
		Integration    string        `json:"integration"`
		ConversationID string        `json:"conversation_id"`
		HandoffID      string        `json:"handoff_id,omitempty"`
		CreatedAt      time.Time     `json:"created_at"`
		State          string        `json:"state,omitempty"`
		BotPaused      *bool         `json:"bot_paused,omitempty"`
		QueuePosition  int           `json:"queue_position,omitempty"`
		Agent          *Agent        `json:"agent,omitempty"`
		Message        *EventMessage `json:"message,omitempty"`
		LeadForm       *LeadForm     `json:"lead_form,omitempty"`
		Conversation   *Conversation `json:"conversation,omitempty"`
	}
	// EventMessage is a message to show the user: Markdown, or Plain for
	// channels without it.
	EventMessage struct {
		ID          string       `json:"id"`
		Role        string       `json:"role"`
		Author      string       `json:"author,omitempty"`
		Text        string       `json:"text"`
		Markdown    string       `json:"markdown"`
		Plain       string       `json:"plain"`
		Attachments []Attachment `json:"attachments,omitempty"`
	}
	// LeadForm is one step of the lead form: show Prompt (after Problem),
	// and post the user's answer as a message.
	LeadForm struct {
		Field   string `json:"field"`
		Prompt  string `json:"prompt"`
		Problem string `json:"problem,omitempty"`
	}
)

// Event types.
const (
	EventAgentMessage   = "message.agent"
	EventMessageEdited  = "message.edited"
	EventMessageDeleted = "message.deleted"
	EventBotMessage     = "message.bot"
	EventAgentTyping    = "agent.typing"
	EventPending        = "handoff.pending"
	EventJoined         = "handoff.joined"
	EventRejected       = "handoff.rejected"
	EventResolved       = "handoff.resolved"
	EventFallback       = "handoff.fallback"
	EventAbandoned      = "handoff.abandoned"
	EventLeadFormStep   = "lead_form.step"
	EventLeadCaptured   = "lead.captured"
	EventState          = "conversation.state"
)
