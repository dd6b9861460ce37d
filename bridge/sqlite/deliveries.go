package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

var _ bridge.DeliveryLog = (*Store)(nil)

// likeEscaper escapes LIKE's wildcards so that a prefix matches literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Deliveries lists the most recent outbox entries of the destinations of
// kind whose name starts with namePrefix, newest first, at most limit (0:
// all). It reads from the read pool: listing never holds up the writer.
func (s *Store) Deliveries(ctx context.Context, kind bridge.DestinationKind, namePrefix string, limit int) ([]bridge.Delivery, error) {
	// The stored form is "kind:name" (bridge.Destination.String): a prefix
	// of it selects by kind, then by the start of the name.
	destinationPrefix := ""
	if kind != "" {
		destinationPrefix = bridge.Destination{Kind: kind, Name: namePrefix}.String()
	}
	rows, err := s.read.QueryContext(ctx,
		`SELECT `+outboxCols+`, delivered_at, failed_at FROM outbox
		 WHERE destination LIKE ? ESCAPE '\'
		 ORDER BY id DESC LIMIT ?`,
		likeEscaper.Replace(destinationPrefix)+"%", limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: list deliveries of %q: %w", destinationPrefix, err)
	}
	defer rows.Close()
	var out []bridge.Delivery
	for rows.Next() {
		var (
			d                 bridge.Delivery
			dest              string
			payload           sql.NullString
			next, created     int64
			delivered, failed sql.NullInt64
		)
		if err := rows.Scan(&d.ID, &dest, &d.Stream, &d.Op, &payload, &d.Attempts,
			&next, &d.LastError, &created, &delivered, &failed); err != nil {
			return nil, fmt.Errorf("sqlite: list deliveries of %q: %w", destinationPrefix, err)
		}
		var err error
		if d.Destination, err = bridge.ParseDestination(dest); err != nil {
			return nil, fmt.Errorf("sqlite: list deliveries of %q: entry %d: %w", destinationPrefix, d.ID, err)
		}
		if payload.Valid {
			d.Payload = []byte(payload.String)
		}
		d.NextTry, d.CreatedAt = unixTime(next), unixTime(created)
		switch {
		case delivered.Valid:
			d.Status, d.DoneAt = bridge.DeliveryDelivered, timeOf(delivered)
		case failed.Valid:
			d.Status, d.DoneAt = bridge.DeliveryFailed, timeOf(failed)
		default:
			d.Status = bridge.DeliveryPending
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list deliveries of %q: %w", destinationPrefix, err)
	}
	return out, nil
}
