package whatsapp

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

const (
	// failuresBeforeDegraded is how many Graph API calls in a row may fail
	// (network errors, 5xx, 429) before /readyz says degraded.
	failuresBeforeDegraded = 3
	// inboxStall is how old the oldest unprocessed webhook delivery may get
	// before /readyz says degraded.
	inboxStall = time.Minute
)

// health tracks the Graph API calls for /readyz: WhatsApp has no
// connection to watch, so the last calls' results stand for it.
type health struct {
	mu           sync.Mutex
	lastOK       time.Time
	failures     int // in a row
	lastErr      string
	tokenRefused string
}

// record notes the result of one call: nil or an API answer that is about
// the request (a 400) mean the API is there; network errors, 5xx and 429
// mean trouble; 401 or code 190 mean the token is refused.
func (h *health) record(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var e *apiError
	isAPI := asAPIError(err, &e)
	switch {
	case err == nil, isAPI && e.Status < 500 && e.Status != http.StatusTooManyRequests && e.Status != http.StatusUnauthorized && e.Code != codeBadToken:
		h.lastOK, h.failures, h.lastErr, h.tokenRefused = time.Now(), 0, "", ""
	case isAPI && (e.Status == http.StatusUnauthorized || e.Code == codeBadToken):
		h.tokenRefused = e.Error()
	default:
		h.failures++
		h.lastErr = err.Error()
	}
}

var _ bridge.HealthChecker = (*Adapter)(nil)

// Health is down while the Graph API refuses the access token, degraded
// after several failed calls in a row or while webhook deliveries wait
// unprocessed for more than a minute, and up otherwise.
func (a *Adapter) Health(ctx context.Context) bridge.Health {
	h := &a.health
	h.mu.Lock()
	refused, failures, lastErr, lastOK := h.tokenRefused, h.failures, h.lastErr, h.lastOK
	h.mu.Unlock()
	switch {
	case refused != "":
		return bridge.Health{State: bridge.HealthDown, Detail: "the Graph API refuses the access token: " + refused}
	case failures >= failuresBeforeDegraded:
		detail := fmt.Sprintf("%d Graph API calls failed in a row, the last: %s", failures, lastErr)
		if !lastOK.IsZero() {
			detail += "; last success " + lastOK.UTC().Format(time.RFC3339)
		}
		return bridge.Health{State: bridge.HealthDegraded, Detail: detail}
	}
	if a.inbox != nil {
		n, oldest, err := a.inbox.InboxDepth(ctx, inboxSource)
		switch {
		case err != nil:
			return bridge.Health{State: bridge.HealthDegraded, Detail: "cannot read the webhook inbox: " + err.Error()}
		case n > 0 && time.Since(oldest) > inboxStall:
			return bridge.Health{State: bridge.HealthDegraded, Detail: fmt.Sprintf("%d webhook deliveries wait to be processed, the oldest since %s", n, oldest.UTC().Format(time.RFC3339))}
		}
	}
	return bridge.Health{State: bridge.HealthUp}
}

// probe asks the Graph API about the phone number, so that Health knows
// the token works before the first message.
func (a *Adapter) probe(ctx context.Context) {
	_, err := a.call(ctx, http.MethodGet, "/"+a.opts.PhoneNumberID+"?fields=display_phone_number,verified_name", nil)
	if err != nil && ctx.Err() == nil {
		a.log.Warn("whatsapp: the Graph API did not answer the phone number check", "err", err)
	}
}
