package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// pending is the condition of an entry still to deliver. It is written as a
// literal everywhere so that the planner can use the partial indexes
// outbox_pending and outbox_due.
const pending = `delivered_at IS NULL AND failed_at IS NULL`

// isHead holds for an outbox row o that is its stream's oldest pending
// entry: only a stream's head may go out, so that a stream is delivered in
// order and one at a time. It is one probe of outbox_pending per row, so a
// scan in id order that stops at its LIMIT costs what it returns.
const isHead = `NOT EXISTS (SELECT 1 FROM outbox p WHERE p.destination = o.destination
	AND p.stream = o.stream AND p.id < o.id AND p.delivered_at IS NULL AND p.failed_at IS NULL)`

const outboxCols = `id, destination, stream, op, payload, attempts, next_try, last_error, created_at`

// Enqueue stores e and sets e.ID. A zero CreatedAt is the store's now, and
// a zero NextTry is CreatedAt: a new entry is due at once.
func (t *tx) Enqueue(ctx context.Context, e *bridge.OutboxEntry) error {
	if err := t.writable("enqueue"); err != nil {
		return err
	}
	created := fill(e.CreatedAt, t.now())
	next := fill(e.NextTry, created)
	var payload any
	if e.Payload != nil {
		payload = string(e.Payload)
	}
	var id int64
	err := t.queryRow(ctx,
		`INSERT INTO outbox (destination, stream, op, payload, attempts, next_try, last_error, created_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		e.Destination.String(), e.Stream, string(e.Op), payload, e.Attempts, next.UnixNano(), e.LastError,
		created.UnixNano()).Scan(&id)
	if err != nil {
		return fmt.Errorf("postgres: enqueue %s for %s: %w", e.Op, e.Destination, err)
	}
	e.ID, e.CreatedAt, e.NextTry = bridge.OutboxID(id), created, next
	return nil
}

// DueOutbox lists, in id order, the head of each of d's streams whose next
// try is at or before now, at most limit (0: all). A stream whose head
// waits for a retry holds back the entries behind it; delivered and failed
// entries are no longer heads.
func (t *tx) DueOutbox(ctx context.Context, d bridge.Destination, now time.Time, limit int) ([]bridge.OutboxEntry, error) {
	rows, err := t.query(ctx,
		`SELECT `+outboxCols+` FROM outbox o
		 WHERE destination = $1 AND `+pending+` AND next_try <= $2 AND `+isHead+`
		 ORDER BY id LIMIT $3`,
		d.String(), now.UnixNano(), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: due outbox of %s: %w", d, err)
	}
	es, err := collect(t, rows, scanOutboxEntry)
	if err != nil {
		return nil, fmt.Errorf("postgres: due outbox of %s: %w", d, err)
	}
	return es, nil
}

// PendingInStream lists a stream's undelivered entries, oldest first: the
// head and what waits behind it.
func (t *tx) PendingInStream(ctx context.Context, d bridge.Destination, stream string, limit int) ([]bridge.OutboxEntry, error) {
	rows, err := t.query(ctx,
		`SELECT `+outboxCols+` FROM outbox
		 WHERE destination = $1 AND stream = $2 AND `+pending+`
		 ORDER BY id LIMIT $3`,
		d.String(), stream, limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: pending outbox of %s/%s: %w", d, stream, err)
	}
	es, err := collect(t, rows, scanOutboxEntry)
	if err != nil {
		return nil, fmt.Errorf("postgres: pending outbox of %s/%s: %w", d, stream, err)
	}
	return es, nil
}

// PendingBefore reports whether an undelivered entry of the stream is older
// than id: one probe of outbox_pending.
func (t *tx) PendingBefore(ctx context.Context, d bridge.Destination, stream string, id bridge.OutboxID) (bool, error) {
	var older bool
	err := t.queryRow(ctx,
		`SELECT EXISTS (SELECT 1 FROM outbox WHERE destination = $1 AND stream = $2 AND id < $3 AND `+pending+`)`,
		d.String(), stream, int64(id)).Scan(&older)
	if err != nil {
		return false, fmt.Errorf("postgres: pending before %d in %s/%s: %w", id, d, stream, err)
	}
	return older, nil
}

func scanOutboxEntry(r pgx.Rows) (bridge.OutboxEntry, error) {
	var (
		e             bridge.OutboxEntry
		dest          string
		payload       *string
		next, created int64
	)
	if err := r.Scan(&e.ID, &dest, &e.Stream, &e.Op, &payload, &e.Attempts, &next, &e.LastError, &created); err != nil {
		return e, err
	}
	var err error
	if e.Destination, err = bridge.ParseDestination(dest); err != nil {
		return e, fmt.Errorf("entry %d: %w", e.ID, err)
	}
	if payload != nil {
		e.Payload = []byte(*payload)
	}
	e.NextTry, e.CreatedAt = unixTime(next), unixTime(created)
	return e, err
}

// NextOutboxTry is the earliest next try among the heads of d's streams,
// the entries DueOutbox may return. Entries behind a head are not counted:
// they cannot go before their head, and a sender woken for them would find
// nothing due.
func (t *tx) NextOutboxTry(ctx context.Context, d bridge.Destination) (time.Time, bool, error) {
	var next *int64
	err := t.queryRow(ctx,
		`SELECT MIN(next_try) FROM outbox o WHERE destination = $1 AND `+pending+` AND `+isHead, d.String()).Scan(&next)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("postgres: next outbox try of %s: %w", d, err)
	}
	return timeOf(next), next != nil, nil
}

// MarkDelivered records that entry id went out at at; it leaves its stream.
func (t *tx) MarkDelivered(ctx context.Context, id bridge.OutboxID, at time.Time) error {
	if err := t.writable("mark delivered"); err != nil {
		return err
	}
	return t.execOne(ctx, "mark outbox "+id.String()+" delivered",
		`UPDATE outbox SET delivered_at = $1 WHERE id = $2`,
		fill(at, t.now()).UnixNano(), int64(id))
}

// MarkRetry counts a failed attempt of entry id and schedules the next one.
func (t *tx) MarkRetry(ctx context.Context, id bridge.OutboxID, next time.Time, lastError string) error {
	if err := t.writable("mark retry"); err != nil {
		return err
	}
	return t.execOne(ctx, "mark outbox "+id.String()+" for retry",
		`UPDATE outbox SET attempts = attempts + 1, next_try = $1, last_error = $2 WHERE id = $3`,
		fill(next, t.now()).UnixNano(), lastError, int64(id))
}

// MarkFailed gives up on entry id: the failed attempt is counted, and the
// entry leaves its stream so that the ones behind it can go.
func (t *tx) MarkFailed(ctx context.Context, id bridge.OutboxID, at time.Time, lastError string) error {
	if err := t.writable("mark failed"); err != nil {
		return err
	}
	return t.execOne(ctx, "mark outbox "+id.String()+" failed",
		`UPDATE outbox SET attempts = attempts + 1, failed_at = $1, last_error = $2 WHERE id = $3`,
		fill(at, t.now()).UnixNano(), lastError, int64(id))
}

// OutboxDepth counts the entries still to deliver, of every destination,
// and the creation time of the oldest.
func (t *tx) OutboxDepth(ctx context.Context) (int, time.Time, error) {
	var (
		n      int
		oldest *int64
	)
	err := t.queryRow(ctx, `SELECT COUNT(*), MIN(created_at) FROM outbox WHERE `+pending).Scan(&n, &oldest)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("postgres: outbox depth: %w", err)
	}
	return n, timeOf(oldest), nil
}
