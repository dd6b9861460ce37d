package bridge

import "time"

// Observer is told what the engine does, for metrics. Calls are made on the
// hot path and must not block; the Prometheus adapter implements it.
type Observer interface {
	// HandoffChanged is a state transition of a team's handoff.
	HandoffChanged(team TeamID, from, to State)
	// HandoffJoined is an agent joining, waited since the request.
	HandoffJoined(team TeamID, waited time.Duration)
	// HandoffResolved is a handoff closed, open since the request.
	HandoffResolved(team TeamID, open time.Duration)
	// LeadCaptured is a lead stored.
	LeadCaptured(team TeamID)
	// Delivered is an outbox entry delivered, delay after it was queued.
	Delivered(d Destination, op Op, delay time.Duration)
	// DeliveryFailed is a failed attempt; outcome is "retry",
	// "rate_limited" or "permanent".
	DeliveryFailed(d Destination, op Op, outcome string)
}

// noObserver is the default: it observes nothing.
type noObserver struct{}

func (noObserver) HandoffChanged(TeamID, State, State)      {}
func (noObserver) HandoffJoined(TeamID, time.Duration)      {}
func (noObserver) HandoffResolved(TeamID, time.Duration)    {}
func (noObserver) LeadCaptured(TeamID)                      {}
func (noObserver) Delivered(Destination, Op, time.Duration) {}
func (noObserver) DeliveryFailed(Destination, Op, string)   {}

// HandoffCount is how many handoffs of a team are in a state.
type HandoffCount struct {
	Team  TeamID
	State State
	N     int
}
