package postgres

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// maxAttempts bounds how often Update runs a transaction that keeps
// failing for a reason a new attempt may cure.
const maxAttempts = 10

// Backoff between attempts: random up to a ceiling that doubles from
// backoffBase to backoffCap, so that transactions which collided do not
// collide again in step.
const (
	backoffBase = 2 * time.Millisecond
	backoffCap  = 250 * time.Millisecond
)

// SQLSTATEs worth another attempt: PostgreSQL aborted the transaction for
// colliding with another, which a new attempt, reading afresh, does not.
const (
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
)

// errTaken is the error of an insert of a unique name (a conversation's
// address, a key's name) that exists already. When another transaction
// made it and committed meanwhile (two replicas saw a chat's first message
// at once, or both made the key at their first start), the Update is run
// again, once: its lookup now finds what the other made.
var errTaken = errors.New("taken already")

// retryable reports whether another attempt of the transaction may
// succeed where this one failed.
func retryable(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == serializationFailure || pgErr.Code == deadlockDetected
	}
	// SafeToRetry: the connection failed before the statement was sent.
	return errors.Is(err, errTaken) || pgconn.SafeToRetry(err)
}

// backoff waits before attempt (2, 3, ...), or until ctx is done.
func backoff(ctx context.Context, attempt int) error {
	ceiling := min(backoffCap, backoffBase<<min(attempt-2, 16))
	t := time.NewTimer(rand.N(ceiling) + 1)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
