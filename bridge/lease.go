package bridge

import (
	"context"
	"errors"
	"time"
)

// ErrLeaseLost is returned by Renew when the caller no longer holds the
// lease: it expired and another holder took it, or it was released.
var ErrLeaseLost = errors.New("lease lost")

// Lease is one holder's claim on a singleton (a platform connection only
// one replica may keep). Epoch grows each time the lease changes hands, so
// that it can fence writes made under an older claim.
type Lease struct {
	Name   string
	Holder string
	Epoch  int64
}

// Leases is an optional capability of a Store: named, expiring claims
// that replicas sharing the store compete for. Expiry is measured by the
// store's clock (the database server's, not a replica's).
type Leases interface {
	// Acquire claims name for holder for ttl when it is free, expired, or
	// held by holder already (which extends it, keeping the epoch). ok is
	// false when another holder has it.
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (l Lease, ok bool, err error)
	// Renew extends a held lease by ttl from now, or returns ErrLeaseLost.
	Renew(ctx context.Context, l Lease, ttl time.Duration) error
	// Release gives the lease up at once, so that another holder may take
	// it without waiting for expiry. Releasing a lease no longer held is
	// no error.
	Release(ctx context.Context, l Lease) error
}
