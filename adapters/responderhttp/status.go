package responderhttp

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// StatusError is a response with a non-2xx status. Callers count it as a
// miss; StatusCode tells a rate limit (429) or a server error (5xx) from a
// configuration mistake (401, 404).
type StatusError struct {
	StatusCode int
	// Body is the start of the response body, cleaned for logs.
	Body string
}

func (e *StatusError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("status %d", e.StatusCode)
	}
	return fmt.Sprintf("status %d: %s", e.StatusCode, e.Body)
}

const excerptLen = 256

// Excerpt returns the start of body on one line, for error messages: a
// remote server's answer can be long, multi-line or not text at all.
func Excerpt(body []byte) string {
	var b strings.Builder
	for i, r := range strings.ToValidUTF8(string(body[:min(len(body), 4*excerptLen)]), "\uFFFD") {
		if i >= excerptLen {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			r = ' '
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
