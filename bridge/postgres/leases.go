package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

var _ bridge.Leases = (*Store)(nil)

// Acquire claims a lease in one statement, timed by the server's clock
// (clock_timestamp(), which moves within a transaction, unlike now()): of
// replicas racing for a free lease the row lock lets one win, and the
// epoch grows whenever the holder changes or the lease had lapsed.
func (s *Store) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bridge.Lease, bool, error) {
	l := bridge.Lease{Name: name, Holder: holder}
	err := s.inTx(ctx, true, func(t *tx) error {
		return t.queryRow(ctx, `INSERT INTO leases AS l (name, holder, epoch, expires_at)
			VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 microsecond')
			ON CONFLICT (name) DO UPDATE SET
				epoch = CASE WHEN l.holder = excluded.holder AND l.expires_at > clock_timestamp() THEN l.epoch ELSE l.epoch + 1 END,
				holder = excluded.holder,
				expires_at = excluded.expires_at
			WHERE l.holder = excluded.holder OR l.expires_at <= clock_timestamp()
			RETURNING epoch`, name, holder, ttl.Microseconds()).Scan(&l.Epoch)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return bridge.Lease{}, false, nil
	}
	if err != nil {
		return bridge.Lease{}, false, fmt.Errorf("postgres: acquire lease %s: %w", name, err)
	}
	return l, true, nil
}

// Renew extends l if its holder still has it at its epoch and it has not
// lapsed.
func (s *Store) Renew(ctx context.Context, l bridge.Lease, ttl time.Duration) error {
	err := s.inTx(ctx, true, func(t *tx) error {
		tag, err := t.exec(ctx, `UPDATE leases SET expires_at = clock_timestamp() + $4 * interval '1 microsecond'
			WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp()`,
			l.Name, l.Holder, l.Epoch, ttl.Microseconds())
		if err == nil && tag.RowsAffected() == 0 {
			return bridge.ErrLeaseLost
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: renew lease %s: %w", l.Name, err)
	}
	return nil
}

// Release frees l if its holder still has it at its epoch.
func (s *Store) Release(ctx context.Context, l bridge.Lease) error {
	err := s.inTx(ctx, true, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE leases SET holder = '', expires_at = clock_timestamp()
			WHERE name = $1 AND holder = $2 AND epoch = $3`, l.Name, l.Holder, l.Epoch)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: release lease %s: %w", l.Name, err)
	}
	return nil
}

var _ bridge.LeaseFenceTx = (*tx)(nil)

// FenceLease checks that l is still held at its epoch, with a share lock
// on the lease's row: an Acquire taking it over (an UPDATE of the row)
// waits until this transaction ends, so that its writes land before the
// new holder's epoch begins.
func (t *tx) FenceLease(ctx context.Context, l bridge.Lease) error {
	var one int
	err := t.queryRow(ctx, `SELECT 1 FROM leases WHERE name = $1 AND holder = $2 AND epoch = $3 FOR SHARE`,
		l.Name, l.Holder, l.Epoch).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: fence %s: %w", l.Name, bridge.ErrLeaseLost)
	}
	if err != nil {
		return fmt.Errorf("postgres: fence %s: %w", l.Name, err)
	}
	return nil
}
