package bridge

import (
	"context"
	"errors"
	"fmt"
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

// LeaseFenceTx is an optional capability of a Store's Tx that has Leases:
// the epoch as a fencing token. A replica that paused past its lease's
// expiry (a long GC pause, a frozen VM) may wake up still believing it
// holds it; the writes it makes under that lease must then be refused, or
// it would overwrite what the new holder did (mark an entry delivered that
// the new holder sent again, set a thread or an offset back).
type LeaseFenceTx interface {
	// FenceLease fails with ErrLeaseLost unless l's holder still holds the
	// lease at l's epoch, and keeps the lease from changing hands until the
	// transaction ends, so that the transaction's writes land before any
	// takeover. A lease past its expiry that nobody took over yet still
	// passes: no other holder can have written under it.
	FenceLease(ctx context.Context, l Lease) error
}

// leasesKey carries the leases a context's work runs under.
type leasesKey struct{}

// WithLease returns a context for work done under l: every write the
// engine makes with it (or a context derived from it) is fenced by l's
// epoch (see LeaseFenceTx). Singleton hands its Work such a context.
func WithLease(ctx context.Context, l Lease) context.Context {
	held := LeasesOf(ctx)
	return context.WithValue(ctx, leasesKey{}, append(held[:len(held):len(held)], l))
}

// LeasesOf lists the leases ctx's work runs under, outermost first.
func LeasesOf(ctx context.Context) []Lease {
	held, _ := ctx.Value(leasesKey{}).([]Lease)
	return held
}

// fence checks, inside tx, every lease ctx's work runs under. A store
// without fencing (no Leases: one process owns it) checks nothing.
func fence(ctx context.Context, tx Tx) error {
	held := LeasesOf(ctx)
	if len(held) == 0 {
		return nil
	}
	f, ok := tx.(LeaseFenceTx)
	if !ok {
		return nil
	}
	for _, l := range held {
		if err := f.FenceLease(ctx, l); err != nil {
			return fmt.Errorf("write under lease %s (epoch %d): %w", l.Name, l.Epoch, err)
		}
	}
	return nil
}
