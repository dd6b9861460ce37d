package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Headers of a webhook request.
const (
	HeaderEvent     = "X-Bridge-Event"     // the event name, e.g. handoff.requested
	HeaderDelivery  = "X-Bridge-Delivery"  // the notification id: unique per event and notifier, the same on every retry
	HeaderTimestamp = "X-Bridge-Timestamp" // unix seconds when this attempt was signed
	HeaderSignature = "X-Bridge-Signature" // "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>"
)

// Sign returns the X-Bridge-Signature value of a request: the hex
// HMAC-SHA256, keyed with the shared secret, of the timestamp header's
// value, a dot, and the raw body. Signing the timestamp with the body lets
// receivers refuse replays of an old request.
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
