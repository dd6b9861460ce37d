package webhook

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Bounds of a receiver's Retry-After: a zero or negative wait would retry
// at once in a loop, and a huge one would park the event past the outbox's
// 24 hours.
const (
	minRetryAfter     = time.Second
	maxRetryAfter     = time.Hour
	defaultRetryAfter = time.Minute
)

// parseRetryAfter reads a Retry-After header (delay-seconds or an HTTP
// date, RFC 9110 §10.2.3) relative to now. A missing or unreadable value
// gives the default wait.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return defaultRetryAfter
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = at.Sub(now)
	} else {
		return defaultRetryAfter
	}
	return min(max(d, minRetryAfter), maxRetryAfter)
}
