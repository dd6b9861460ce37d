package webhook

import "github.com/handoffbridge/handoff/internal/signing"

// Headers of a webhook request.
const (
	HeaderEvent     = "X-Bridge-Event"        // the event name, e.g. handoff.requested
	HeaderDelivery  = "X-Bridge-Delivery"     // the notification id: unique per event and notifier, the same on every retry
	HeaderTimestamp = signing.HeaderTimestamp // unix seconds when this attempt was signed
	HeaderSignature = signing.HeaderSignature // "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>"
)

// Sign returns the X-Bridge-Signature value of a request (see package
// internal/signing: the API's callbacks are signed the same way).
func Sign(secret []byte, timestamp string, body []byte) string {
	return signing.Sign(secret, timestamp, body)
}
