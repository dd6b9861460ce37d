package bridge

import (
	"context"
	"net/http"
)

// EventHandler is how adapters hand inbound events to the core; *Engine
// implements it. Adapters depend on this interface, not on the Engine, so
// that their tests can record events instead.
type EventHandler interface {
	Handle(ctx context.Context, ev Event) (Outcome, error)
}

var _ EventHandler = (*Engine)(nil)

// Runner is an adapter with a connection of its own to keep up (Slack
// Socket Mode, the Discord gateway, Telegram long polling). The binary runs
// it until shutdown; Run returns when ctx is cancelled.
type Runner interface {
	Run(ctx context.Context) error
}

// RouteMounter is an adapter that serves HTTP on the bridge's one listener
// (the widget's socket, the console, platform webhooks).
type RouteMounter interface {
	Mount(mux *http.ServeMux)
}

// HealthState is what /readyz says of one connection.
type HealthState string

// Health states.
const (
	HealthUp       HealthState = "up"
	HealthDegraded HealthState = "degraded" // connected but nothing arrives, or retrying
	HealthDown     HealthState = "down"
)

// Health is one adapter's connection state.
type Health struct {
	State  HealthState `json:"state"`
	Detail string      `json:"detail,omitempty"`
}

// HealthChecker is an adapter that reports its connection for /readyz.
type HealthChecker interface {
	Health(ctx context.Context) Health
}
