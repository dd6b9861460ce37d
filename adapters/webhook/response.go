package webhook

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/bridge"
)

// maxErrorBody bounds how much of a refusal's body is kept for the
// delivery log.
const maxErrorBody = 512

// checkResponse turns the receiver's answer into the outbox's vocabulary:
// 2xx is delivered; 429 waits for Retry-After; 408 and 5xx are retried
// with backoff; any other status (4xx, an unfollowed redirect) can never
// succeed by retrying the same request and is permanent.
func checkResponse(resp *http.Response, now time.Time) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err := fmt.Errorf("webhook answered %s%s", resp.Status, bodyExcerpt(resp.Body))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return &bridge.RetryAfterError{After: parseRetryAfter(resp.Header.Get("Retry-After"), now), Err: err}
	case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode >= 500:
		return err
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return bridge.Permanent(fmt.Errorf("%w (redirect to %q is not followed: configure the final URL)", err, resp.Header.Get("Location")))
	}
	return bridge.Permanent(err)
}

// bodyExcerpt is the start of a refusal's body, which often says why.
func bodyExcerpt(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, maxErrorBody))
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "?")), " ")
	if s == "" {
		return ""
	}
	if len(b) == maxErrorBody {
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return ": " + s
}
