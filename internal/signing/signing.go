// Package signing is the one HMAC scheme of the bridge's outgoing HTTP
// requests (webhook notifications, handoff API callbacks): the hex
// HMAC-SHA256, keyed with a shared secret, of the timestamp header's value,
// a dot, and the raw body, sent as "sha256=<hex>". Signing the timestamp
// with the body lets receivers refuse replays of an old request.
package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Headers of a signed request.
const (
	HeaderTimestamp = "X-Bridge-Timestamp" // unix seconds when this attempt was signed
	HeaderSignature = "X-Bridge-Signature" // "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>"
)

// Sign returns the signature header value of body sent at timestamp.
func Sign(secret []byte, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether signature is body's signature at timestamp, in
// constant time, and whether timestamp lies within maxAge of now (0 skips
// the age check).
func Verify(secret []byte, timestamp, signature string, body []byte, now time.Time, maxAge time.Duration) bool {
	if !hmac.Equal([]byte(Sign(secret, timestamp, body)), []byte(signature)) {
		return false
	}
	if maxAge <= 0 {
		return true
	}
	secs, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	age := now.Sub(time.Unix(secs, 0))
	return age <= maxAge && age >= -maxAge
}
