package telegram

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// health tracks the update connection for /readyz.
type health struct {
	mu       sync.Mutex
	lastOK   time.Time
	failures int // calls failed since the last success
	lastErr  string
	stall    string // why the poller was last restarted, until a success
	restarts int
}

func (h *health) ok() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastOK, h.failures, h.lastErr, h.stall = time.Now(), 0, "", ""
}

// connected notes a first answer from the Bot API before any getUpdates
// has returned: a long poll with nothing to say answers only after
// PollTimeout, and until then /readyz would call the bridge down. After a
// stall it changes nothing: only getUpdates itself clears that.
func (h *health) connected() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.lastOK.IsZero() {
		h.lastOK, h.lastErr = time.Now(), ""
	}
}

func (h *health) failed(err string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures++
	h.lastErr = err
}

func (h *health) stalled(why string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stall = why
	h.restarts++
}

// Health is down before the first answer of the Bot API; degraded when the poller
// stalled (getUpdates failing or hanging for StallTimeout; it is then
// restarted) or, in webhook mode, while setWebhook fails; up otherwise. A
// long-poll error or two in between successes is not worth a page.
func (a *Adapter) Health(context.Context) bridge.Health {
	h := &a.health
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.stall != "":
		return bridge.Health{State: bridge.HealthDegraded, Detail: fmt.Sprintf("%s; poller restarted (%d restarts so far)", h.stall, h.restarts)}
	case h.lastOK.IsZero() && h.lastErr != "":
		return bridge.Health{State: bridge.HealthDown, Detail: "not connected yet: " + h.lastErr}
	case h.lastOK.IsZero():
		return bridge.Health{State: bridge.HealthDown, Detail: "not connected yet"}
	case a.opts.Mode == ModeWebhook && h.failures > 0:
		return bridge.Health{State: bridge.HealthDegraded, Detail: h.lastErr}
	case a.opts.Mode == ModePolling && time.Since(h.lastOK) > a.opts.StallTimeout+a.opts.PollTimeout:
		// The watchdog restarts a stalled poller; this catches one that
		// is itself stuck (in handling an update, say).
		return bridge.Health{State: bridge.HealthDegraded, Detail: "no answer to getUpdates since " + h.lastOK.UTC().Format(time.RFC3339)}
	}
	return bridge.Health{State: bridge.HealthUp}
}
