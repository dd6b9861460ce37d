package postgres

import (
	"context"
	"fmt"
)

// MarkInbound records (source, id) and reports whether it was new. The
// insert itself is the test: of two transactions inserting one id, the
// second waits for the first and, once it commits, inserts nothing.
func (t *tx) MarkInbound(ctx context.Context, source, id string) (bool, error) {
	if err := t.writable("mark inbound"); err != nil {
		return false, err
	}
	tag, err := t.exec(ctx,
		`INSERT INTO inbound_events (source, id, seen_at) VALUES ($1, $2, $3)
		 ON CONFLICT (source, id) DO NOTHING`,
		source, id, t.now().UnixNano())
	if err != nil {
		return false, fmt.Errorf("postgres: mark inbound %s/%s: %w", source, id, err)
	}
	return tag.RowsAffected() == 1, nil
}
