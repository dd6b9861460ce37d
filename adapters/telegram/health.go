package telegram

import (
	"context"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// health tracks the update connection for /readyz.
type health struct {
	mu       sync.Mutex
	lastOK   time.Time
	failures int
	lastErr  string
}

func (h *health) ok() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastOK, h.failures, h.lastErr = time.Now(), 0, ""
}

func (h *health) failed(err string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failures++
	h.lastErr = err
}

// Health is up once updates arrive (a long poll answered, or the webhook
// set), degraded while calls fail, down before the first success.
func (a *Adapter) Health(context.Context) bridge.Health {
	h := &a.health
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.failures > 0:
		return bridge.Health{State: bridge.HealthDegraded, Detail: h.lastErr}
	case h.lastOK.IsZero():
		return bridge.Health{State: bridge.HealthDown, Detail: "not connected yet"}
	case a.opts.Mode == ModePolling && time.Since(h.lastOK) > 3*a.opts.PollTimeout:
		// A long poll answers at least every PollTimeout: silence past that
		// is a connection that looks open but delivers nothing.
		return bridge.Health{State: bridge.HealthDegraded, Detail: "no answer to getUpdates since " + h.lastOK.Format(time.RFC3339)}
	}
	return bridge.Health{State: bridge.HealthUp}
}
