package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

var _ bridge.Leases = (*Store)(nil)

// Acquire claims a lease, timed by the store's clock. One process owns a
// SQLite file, so in practice it is always granted; the semantics are
// PostgreSQL's all the same (see bridge.Leases).
func (s *Store) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bridge.Lease, bool, error) {
	l := bridge.Lease{Name: name, Holder: holder}
	err := s.inTx(ctx, true, func(t *tx) error {
		now := t.now().UnixNano()
		return t.queryRow(ctx, `INSERT INTO leases AS l (name, holder, epoch, expires_at) VALUES (?1, ?2, 1, ?3 + ?4)
			ON CONFLICT (name) DO UPDATE SET
				epoch = CASE WHEN l.holder = excluded.holder AND l.expires_at > ?3 THEN l.epoch ELSE l.epoch + 1 END,
				holder = excluded.holder,
				expires_at = excluded.expires_at
			WHERE l.holder = excluded.holder OR l.expires_at <= ?3
			RETURNING epoch`, name, holder, now, ttl.Nanoseconds()).Scan(&l.Epoch)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return bridge.Lease{}, false, nil
	}
	if err != nil {
		return bridge.Lease{}, false, fmt.Errorf("sqlite: acquire lease %s: %w", name, err)
	}
	return l, true, nil
}

// Renew extends l if its holder still has it at its epoch and it has not
// lapsed.
func (s *Store) Renew(ctx context.Context, l bridge.Lease, ttl time.Duration) error {
	err := s.inTx(ctx, true, func(t *tx) error {
		now := t.now().UnixNano()
		res, err := t.exec(ctx, `UPDATE leases SET expires_at = ?4 + ?5
			WHERE name = ?1 AND holder = ?2 AND epoch = ?3 AND expires_at > ?4`,
			l.Name, l.Holder, l.Epoch, now, ttl.Nanoseconds())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(bridge.ErrLeaseLost, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: renew lease %s: %w", l.Name, err)
	}
	return nil
}

// Release frees l if its holder still has it at its epoch.
func (s *Store) Release(ctx context.Context, l bridge.Lease) error {
	err := s.inTx(ctx, true, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE leases SET holder = '', expires_at = ?4 WHERE name = ?1 AND holder = ?2 AND epoch = ?3`,
			l.Name, l.Holder, l.Epoch, t.now().UnixNano())
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: release lease %s: %w", l.Name, err)
	}
	return nil
}

var _ bridge.LeaseFenceTx = (*tx)(nil)

// FenceLease checks that l is still held at its epoch. SQLite has one
// writer at a time, so no takeover can come between the check and the
// commit.
func (t *tx) FenceLease(ctx context.Context, l bridge.Lease) error {
	var one int
	err := t.queryRow(ctx, `SELECT 1 FROM leases WHERE name = ?1 AND holder = ?2 AND epoch = ?3`,
		l.Name, l.Holder, l.Epoch).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: fence %s: %w", l.Name, bridge.ErrLeaseLost)
	}
	if err != nil {
		return fmt.Errorf("sqlite: fence %s: %w", l.Name, err)
	}
	return nil
}
