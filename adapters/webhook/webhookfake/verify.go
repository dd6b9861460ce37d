package webhookfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// VerifyRequest is the receiver-side check documented in
// docs/notifications.md (the docs quote this function; a test keeps the two
// identical). It reads the body, refuses requests whose timestamp is more
// than maxAge away from now (replays), and compares the signature in
// constant time. It returns the body, to be decoded only once verified.
func VerifyRequest(r *http.Request, secret []byte, maxAge time.Duration, now time.Time) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	ts := r.Header.Get("X-Bridge-Timestamp")
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, errors.New("missing or malformed X-Bridge-Timestamp")
	}
	if age := now.Sub(time.Unix(secs, 0)); age > maxAge || age < -maxAge {
		return nil, fmt.Errorf("timestamp %s is too far from now", ts)
	}
	got, ok := strings.CutPrefix(r.Header.Get("X-Bridge-Signature"), "sha256=")
	if !ok {
		return nil, errors.New("missing X-Bridge-Signature")
	}
	sig, err := hex.DecodeString(got)
	if err != nil {
		return nil, errors.New("malformed X-Bridge-Signature")
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return nil, errors.New("bad signature")
	}
	return body, nil
}
