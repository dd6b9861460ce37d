package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

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
		return t.queryRow(ctx, `INSERT INTO inbox (source, body, received_at) VALUES (?, ?, ?) RETURNING id`,
			source, body, t.now().UnixNano()).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: put inbox entry of %s: %w", source, err)
	}
	return bridge.InboxID(id), nil
}

// PendingInbox lists the entries still to process, oldest first.
func (s *Store) PendingInbox(ctx context.Context, source string, after bridge.InboxID, limit int) ([]bridge.InboxEntry, error) {
	var out []bridge.InboxEntry
	err := s.inTx(ctx, false, func(t *tx) error {
		rows, err := t.query(ctx,
			`SELECT id, body, received_at, attempts, COALESCE(last_error, '') FROM inbox
			 WHERE source = ? AND id > ? AND given_up_at IS NULL ORDER BY id LIMIT ?`,
			source, int64(after), limitArg(limit))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e := bridge.InboxEntry{Source: source}
			var received int64
			if err := rows.Scan(&e.ID, &e.Body, &received, &e.Attempts, &e.LastError); err != nil {
				return err
			}
			e.ReceivedAt = unixTime(received)
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: pending inbox entries of %s: %w", source, err)
	}
	return out, nil
}

// DoneInbox deletes a processed entry; an entry already gone is not an
// error (it was done by an earlier attempt).
func (s *Store) DoneInbox(ctx context.Context, id bridge.InboxID) error {
	return s.inTx(ctx, true, func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM inbox WHERE id = ?`, int64(id)); err != nil {
			return fmt.Errorf("sqlite: inbox entry %d done: %w", id, err)
		}
		return nil
	})
}

// RetryInbox counts a failed attempt.
func (s *Store) RetryInbox(ctx context.Context, id bridge.InboxID, lastError string) error {
	return s.inTx(ctx, true, func(t *tx) error {
		return t.execOne(ctx, fmt.Sprintf("retry inbox entry %d", id),
			`UPDATE inbox SET attempts = attempts + 1, last_error = ? WHERE id = ?`, lastError, int64(id))
	})
}

// GiveUpInbox takes an entry out of the queue, keeping it.
func (s *Store) GiveUpInbox(ctx context.Context, id bridge.InboxID, lastError string) error {
	return s.inTx(ctx, true, func(t *tx) error {
		return t.execOne(ctx, fmt.Sprintf("give up inbox entry %d", id),
			`UPDATE inbox SET attempts = attempts + 1, last_error = ?, given_up_at = ? WHERE id = ?`,
			lastError, t.now().UnixNano(), int64(id))
	})
}

// InboxDepth counts pending entries.
func (s *Store) InboxDepth(ctx context.Context, source string) (int, time.Time, error) {
	var n int
	var oldest sql.NullInt64
	err := s.inTx(ctx, false, func(t *tx) error {
		return t.queryRow(ctx, `SELECT COUNT(*), MIN(received_at) FROM inbox WHERE source = ? AND given_up_at IS NULL`, source).Scan(&n, &oldest)
	})
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("sqlite: inbox depth of %s: %w", source, err)
	}
	return n, timeOf(oldest), nil
}
