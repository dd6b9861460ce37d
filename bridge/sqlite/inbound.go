package sqlite

import (
	"context"
	"fmt"
)

// MarkInbound records (source, id) and reports whether it was new. The
// insert itself is the test, so two deliveries of one event can never both
// see it as fresh.
func (t *tx) MarkInbound(ctx context.Context, source, id string) (bool, error) {
	if err := t.writable("mark inbound"); err != nil {
		return false, err
	}
	res, err := t.exec(ctx,
		`INSERT INTO inbound_events (source, id, seen_at) VALUES (?, ?, ?)
		 ON CONFLICT (source, id) DO NOTHING`,
		source, id, t.now().UnixNano())
	if err != nil {
		return false, fmt.Errorf("sqlite: mark inbound %s/%s: %w", source, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: mark inbound %s/%s: %w", source, id, err)
	}
	return n == 1, nil
}
