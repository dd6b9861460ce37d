package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

var _ bridge.Inbox = (*Store)(nil)

// inTx runs fn on the store's own tx type, in a write or a read
// transaction.
func (s *Store) inTx(ctx context.Context, write bool, fn func(t *tx) error) error {
	run := s.View
	if write {
		run = s.Update
	}
	return run(ctx, func(t bridge.Tx) error { return fn(t.(*tx)) })
}

// PutInbox stores a raw delivery.
func (s *Store) PutInbox(ctx context.Context, source string, body []byte) (bridge.InboxID, error) {
	var id int64
	err := s.inTx(ctx, true, func(t *tx) error {
		return t.queryRow(ctx, `INSERT INTO inbox (source, body, received_at) VALUES ($1, $2, $3) RETURNING id`,
			source, body, t.now().UnixNano()).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: put inbox entry of %s: %w", source, err)
	}
	return bridge.InboxID(id), nil
}

// PendingInbox lists the entries still to process, oldest first.
func (s *Store) PendingInbox(ctx context.Context, source string, after bridge.InboxID, limit int) ([]bridge.InboxEntry, error) {
	var out []bridge.InboxEntry
	err := s.inTx(ctx, false, func(t *tx) error {
		rows, err := t.query(ctx,
			`SELECT id, body, received_at, attempts, COALESCE(last_error, '') FROM inbox
			 WHERE source = $1 AND id > $2 AND given_up_at IS NULL ORDER BY id LIMIT $3`,
			source, int64(after), limitArg(limit))
		if err != nil {
			return err
		}
		out, err = collect(t, rows, func(r pgx.Rows) (bridge.InboxEntry, error) {
			e := bridge.InboxEntry{Source: source}
			var received int64
			err := r.Scan(&e.ID, &e.Body, &received, &e.Attempts, &e.LastError)
			e.ReceivedAt = unixTime(received)
			return e, err
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: pending inbox entries of %s: %w", source, err)
	}
	return out, nil
}

// DoneInbox deletes a processed entry; an entry already gone is not an
// error (it was done by an earlier attempt).
func (s *Store) DoneInbox(ctx context.Context, id bridge.InboxID) error {
	return s.inTx(ctx, true, func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM inbox WHERE id = $1`, int64(id)); err != nil {
			return fmt.Errorf("postgres: inbox entry %d done: %w", id, err)
		}
		return nil
	})
}

// RetryInbox counts a failed attempt.
func (s *Store) RetryInbox(ctx context.Context, id bridge.InboxID, lastError string) error {
	return s.inTx(ctx, true, func(t *tx) error {
		return t.execOne(ctx, fmt.Sprintf("retry inbox entry %d", id),
			`UPDATE inbox SET attempts = attempts + 1, last_error = $1 WHERE id = $2`, lastError, int64(id))
	})
}

// GiveUpInbox takes an entry out of the queue, keeping it.
func (s *Store) GiveUpInbox(ctx context.Context, id bridge.InboxID, lastError string) error {
	return s.inTx(ctx, true, func(t *tx) error {
		return t.execOne(ctx, fmt.Sprintf("give up inbox entry %d", id),
			`UPDATE inbox SET attempts = attempts + 1, last_error = $1, given_up_at = $2 WHERE id = $3`,
			lastError, t.now().UnixNano(), int64(id))
	})
}

// InboxDepth counts pending entries.
func (s *Store) InboxDepth(ctx context.Context, source string) (int, time.Time, error) {
	var n int
	var oldest *int64
	err := s.inTx(ctx, false, func(t *tx) error {
		return t.queryRow(ctx, `SELECT COUNT(*), MIN(received_at) FROM inbox WHERE source = $1 AND given_up_at IS NULL`,
			source).Scan(&n, &oldest)
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("postgres: inbox depth of %s: %w", source, err)
	}
	return n, timeOf(oldest), nil
}
