package webhook

import "github.com/handoffbridge/handoff/bridge"

// Payload is the JSON body of a webhook request: the notification's fields
// (see docs/notifications.md for the schema) and the link to the handoff.
type Payload struct {
	bridge.Notification
	// ThreadURL opens the handoff for an agent; empty when the bridge has
	// no public URL configured.
	ThreadURL string `json:"thread_url,omitempty"`
}
