package outbox

import (
	"context"
	"time"
)

// The outbox does not know the engine: it reaches the store, the platforms
// and the engine's bookkeeping through the small interfaces below, which
// package bridge implements.

// Tx is the part of a store transaction that keeps the outbox.
type Tx interface {
	// Enqueue stores e and sets e.ID.
	Enqueue(ctx context.Context, e *Entry) error
	// DueOutbox lists the entries of d ready to go at now: for each stream,
	// only its oldest undelivered entry, and only if its next try is due.
	DueOutbox(ctx context.Context, d Destination, now time.Time, limit int) ([]Entry, error)
	// PendingInStream lists a stream's undelivered entries of d, oldest
	// first, at most limit.
	PendingInStream(ctx context.Context, d Destination, stream string, limit int) ([]Entry, error)
	// PendingBefore reports whether d's stream has an undelivered entry
	// older than id: whether the entry id must wait behind another.
	PendingBefore(ctx context.Context, d Destination, stream string, id ID) (bool, error)
	// NextOutboxTry is the earliest next try among the heads of d's streams.
	NextOutboxTry(ctx context.Context, d Destination) (t time.Time, ok bool, err error)
	MarkDelivered(ctx context.Context, id ID, at time.Time) error
	MarkRetry(ctx context.Context, id ID, next time.Time, lastError string) error
	MarkFailed(ctx context.Context, id ID, at time.Time, lastError string) error
}

// Store runs the outbox's transactions.
type Store interface {
	// View runs fn in a read-only transaction.
	View(ctx context.Context, fn func(tx Tx) error) error
	// Record runs fn in one read-write transaction of the engine, which
	// hands over what fn's effects enqueue once it commits.
	Record(ctx context.Context, fn func(tx RecordTx) error) error
}

// RecordTx is the transaction that records delivery results: the marks,
// and what the engine does with an outcome.
type RecordTx interface {
	Tx
	// Delivered keeps what delivering e learned: the receipt its Sender
	// returned (the id the user's copy got, the thread a workspace opened).
	Delivered(ctx context.Context, e *Entry, r Receipt) error
	// GaveUp is told of an entry given up for good, with the cause (the
	// engine tells the agents when a message could not reach the user).
	GaveUp(ctx context.Context, e *Entry, cause error) error
}

// Receipt is what a delivery learned that the store must keep. The outbox
// carries it from Sender.Send to RecordTx.Delivered untouched.
type Receipt any

// Sender performs the entries of one destination.
type Sender interface {
	// Pace waits until the destination's rate limits let e go. An error
	// (ctx ended) leaves e undelivered, to be sent later.
	Pace(ctx context.Context, e *Entry) error
	// Send performs e. A RetryAfterError or PermanentError says how to
	// retry; any other error is retried after a backoff.
	Send(ctx context.Context, e *Entry) (Receipt, error)
}

// Merger joins entries queued in a stream into one delivery, so that a
// rate-limited stream (Slack's one post a second per channel) catches up
// instead of falling further behind.
type Merger interface {
	// Mergeable says whether others may join e. Looking for them costs a
	// read, spent only on entries that can take them.
	Mergeable(e *Entry) bool
	// Merge joins the leading entries of queued (those after head in its
	// stream, in order) into head, and says how many it joined.
	Merge(head Entry, queued []Entry) (out Entry, joined int)
}

// Observer is told about deliveries, for metrics. Calls must not block.
type Observer interface {
	// Delivered is an entry delivered, delay after it was queued.
	Delivered(d Destination, op Op, delay time.Duration)
	// DeliveryFailed is a failed attempt; outcome is "retry",
	// "rate_limited" or "permanent".
	DeliveryFailed(d Destination, op Op, outcome string)
}

// Clock tells the time and makes timers: the engine's, so that tests move
// time forward without sleeping.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is a timer of a Clock.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}
