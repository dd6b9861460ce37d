package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"math"
	"net/http"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// integration is one configured bot with its rate limiter.
type integration struct {
	Integration
	keys    [][32]byte // SHA-256 of each API key: compared in constant time
	limiter *rate.Limiter
	allowed map[string]bool
}

func newIntegration(in Integration) *integration {
	it := &integration{Integration: in, limiter: rate.NewLimiter(rate.Limit(in.RateLimit), in.Burst),
		allowed: map[string]bool{string(in.DefaultTeam): true}}
	for _, k := range in.APIKeys {
		it.keys = append(it.keys, sha256.Sum256([]byte(k)))
	}
	for _, t := range in.Teams {
		it.allowed[string(t)] = true
	}
	return it
}

// authenticate finds the integration whose key the request bears. Every
// key is compared, in constant time, whatever matches: the time taken
// tells nothing about the keys.
func (a *API) authenticate(r *http.Request) (*integration, *problem) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil, &problem{Type: ProblemUnauthorized, Title: "Unauthorized", Status: http.StatusUnauthorized,
			Detail: "send an API key as Authorization: Bearer <key>"}
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	var found *integration
	for _, it := range a.integrations {
		for _, k := range it.keys {
			if subtle.ConstantTimeCompare(sum[:], k[:]) == 1 {
				found = it
			}
		}
	}
	if found == nil {
		return nil, &problem{Type: ProblemUnauthorized, Title: "Unauthorized", Status: http.StatusUnauthorized,
			Detail: "the API key is not one of this bridge's"}
	}
	return found, nil
}

// admit spends one request of the integration's rate.
func (a *API) admit(it *integration) *problem {
	now := a.clock.Now()
	r := it.limiter.ReserveN(now, 1)
	if !r.OK() {
		return rateLimited(time.Second)
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return rateLimited(d)
	}
	return nil
}

func rateLimited(wait time.Duration) *problem {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	return &problem{Type: ProblemRateLimited, Title: "Too many requests", Status: http.StatusTooManyRequests,
		Detail: "this integration's rate limit is spent; retry after the Retry-After seconds", retryAfter: secs}
}
