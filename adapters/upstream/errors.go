package upstream

import "github.com/handoffbridge/handoff/adapters/responderhttp"

// StatusError is a response with a non-2xx status. Callers count it as a
// miss; StatusCode tells a rate limit (429) or a server error (5xx) from a
// configuration mistake (401, 404).
type StatusError = responderhttp.StatusError

// excerpt returns the start of body on one line, for error messages.
func excerpt(body []byte) string { return responderhttp.Excerpt(body) }
