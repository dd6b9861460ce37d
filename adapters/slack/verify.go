package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// signatureWindow is how old (or how far ahead) a signed request may be:
// older ones may be replays.
const signatureWindow = 5 * time.Minute

var (
	errNoSignature  = errors.New("missing X-Slack-Signature or X-Slack-Request-Timestamp")
	errStale        = errors.New("request timestamp outside the 5-minute window")
	errBadSignature = errors.New("signature does not match")
)

// verifySignature checks Slack's v0 signature: "v0=" + hex HMAC-SHA256 of
// "v0:{timestamp}:{raw body}" with the signing secret, and that the
// timestamp is within five minutes of now. The comparison takes constant
// time.
func verifySignature(h http.Header, body []byte, secret string, now time.Time) error {
	sig, tsHeader := h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp")
	if sig == "" || tsHeader == "" {
		return errNoSignature
	}
	ts, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil {
		return fmt.Errorf("bad X-Slack-Request-Timestamp: %w", err)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > signatureWindow || d < -signatureWindow {
		return errStale
	}
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:", ts)
	mac.Write(body)
	want := "v0=" + hex.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return errBadSignature
	}
	return nil
}
