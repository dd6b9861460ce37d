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

// errAddressTaken is CreateConversation's error when the address has a
// conversation already. When it was created by another transaction
// that committed meanwhile (two replicas saw the chat's first message at
// once), the Update is run again, once: its lookup by address now finds
// the other's conversation.
var errAddressTaken = errors.New("the address has a conversation already")

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
	return errors.Is(err, errAddressTaken) || pgconn.SafeToRetry(err)
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
