package bridge

import (
	"context"
	"time"
)

// Notifier tells people or systems about handoff events (email, webhook,
// Slack or Discord alerts). Notifications reach it through the durable
// outbox, retried on error.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// Notification is one handoff event, as notifiers receive it. Its JSON form
// is the documented schema of webhook payloads.
type Notification struct {
	// ID is unique per event and notifier, stable across retries.
	ID       string           `json:"id"`
	Event    HandoffEventKind `json:"event"`
	At       time.Time        `json:"at"`
	Handoff  HandoffID        `json:"handoff_id"`
	Previous HandoffID        `json:"previous_handoff_id,omitempty"`
	Team     TeamID           `json:"team"`
	State    State            `json:"state"`
	Priority Priority         `json:"priority"`
	Trigger  string           `json:"trigger"`
	Reason   string           `json:"reason"`
	Agent    AgentID          `json:"agent,omitempty"` // the owner, when there is one
	// Actor is who caused the event: an agent id, "user" or "system".
	Actor    string      `json:"actor,omitempty"`
	Channel  ChannelKind `json:"channel"`
	UserName string      `json:"user_name,omitempty"`
	Context  UserContext `json:"user_context"`
	Thread   ThreadRef   `json:"thread"`
	Lead     *Lead       `json:"lead,omitempty"`
}
