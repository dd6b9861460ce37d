package api

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// problemBase prefixes every problem type: the types are stable, so a bot
// may switch on them.
const problemBase = "urn:handoff-bridge:problem:"

// Problem types.
const (
	ProblemMalformed      = problemBase + "malformed"
	ProblemUnauthorized   = problemBase + "unauthorized"
	ProblemTeamNotAllowed = problemBase + "team-not-allowed"
	ProblemNotFound       = problemBase + "not-found"
	ProblemNoHandoff      = problemBase + "no-handoff"
	ProblemHandoffActive  = problemBase + "handoff-active"
	ProblemHandoffClosed  = problemBase + "handoff-resolved"
	ProblemTooLarge       = problemBase + "too-large"
	ProblemInvalidField   = problemBase + "invalid-field"
	ProblemKeyReused      = problemBase + "idempotency-key-reused"
	ProblemRateLimited    = problemBase + "rate-limited"
	ProblemUnavailable    = problemBase + "unavailable"
)

// problem is an RFC 9457 problem details object.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Field is the invalid field as a JSON pointer (invalid-field).
	Field string `json:"field,omitempty"`

	retryAfter int // seconds, for rate-limited
}

func (p *problem) Error() string { return p.Title + ": " + p.Detail }

func malformed(detail string) *problem {
	return &problem{Type: ProblemMalformed, Title: "Malformed request", Status: http.StatusBadRequest, Detail: detail}
}

func invalid(field, detail string) *problem {
	return &problem{Type: ProblemInvalidField, Title: "Invalid field", Status: http.StatusUnprocessableEntity, Detail: detail, Field: field}
}

func tooLarge(detail string) *problem {
	return &problem{Type: ProblemTooLarge, Title: "Too large", Status: http.StatusRequestEntityTooLarge, Detail: detail}
}

func notFound(detail string) *problem {
	return &problem{Type: ProblemNotFound, Title: "Not found", Status: http.StatusNotFound, Detail: detail}
}

func unavailable(detail string) *problem {
	return &problem{Type: ProblemUnavailable, Title: "Unavailable", Status: http.StatusServiceUnavailable, Detail: detail}
}

func writeProblem(w http.ResponseWriter, p *problem) {
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	if p.Status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="handoff-api"`)
	}
	if p.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(p.retryAfter))
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
