package bridge

import (
	"context"
	"time"
)

// DeliveryStatus is where an outbox entry stands.
type DeliveryStatus string

// Delivery states.
const (
	DeliveryPending   DeliveryStatus = "pending"   // not sent yet, or failed and waiting for a retry
	DeliveryDelivered DeliveryStatus = "delivered" // the destination accepted it
	DeliveryFailed    DeliveryStatus = "failed"    // given up: a permanent error, or older than MaxDeliveryAge
)

// Delivery is an outbox entry as the delivery log shows it: what was sent
// where, how many attempts failed, and how it ended.
type Delivery struct {
	OutboxEntry
	Status DeliveryStatus
	// DoneAt is when it was delivered or given up; zero while pending.
	DoneAt time.Time
}

// DeliveryLog is a store that can list its outbox for operators (the
// `bridge deliveries` command). It is optional: a Store need not
// implement it, and the engine never uses it.
type DeliveryLog interface {
	// Deliveries lists the most recent entries (highest id first) of the
	// destinations of kind whose name starts with namePrefix (kind
	// DestinationNotifier and "" for every notifier, "hook-crm" for one;
	// kind "" for all destinations), at most limit.
	Deliveries(ctx context.Context, kind DestinationKind, namePrefix string, limit int) ([]Delivery, error)
}
