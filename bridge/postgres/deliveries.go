package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

var _ bridge.DeliveryLog = (*Store)(nil)

// likeEscaper escapes LIKE's wildcards so that a prefix matches literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Deliveries lists the most recent outbox entries of the destinations of
// kind whose name starts with namePrefix, newest first, at most limit (0:
// all).
func (s *Store) Deliveries(ctx context.Context, kind bridge.DestinationKind, namePrefix string, limit int) ([]bridge.Delivery, error) {
	// The stored form is "kind:name" (bridge.Destination.String): a prefix
	// of it selects by kind, then by the start of the name.
	destinationPrefix := ""
	if kind != "" {
		destinationPrefix = bridge.Destination{Kind: kind, Name: namePrefix}.String()
	}
	var out []bridge.Delivery
	err := s.View(ctx, func(btx bridge.Tx) error {
		t := btx.(*tx)
		rows, err := t.query(ctx,
			`SELECT `+outboxCols+`, delivered_at, failed_at FROM outbox
			 WHERE destination LIKE $1 ESCAPE '\'
			 ORDER BY id DESC LIMIT $2`,
			likeEscaper.Replace(destinationPrefix)+"%", limitArg(limit))
		if err != nil {
			return err
		}
		out, err = collect(t, rows, scanDelivery)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: list deliveries of %q: %w", destinationPrefix, err)
	}
	return out, nil
}

func scanDelivery(r pgx.Rows) (bridge.Delivery, error) {
	var (
		d                 bridge.Delivery
		dest              string
		payload           *string
		next, created     int64
		delivered, failed *int64
	)
	if err := r.Scan(&d.ID, &dest, &d.Stream, &d.Op, &payload, &d.Attempts,
		&next, &d.LastError, &created, &delivered, &failed); err != nil {
		return d, err
	}
	var err error
	if d.Destination, err = bridge.ParseDestination(dest); err != nil {
		return d, fmt.Errorf("entry %d: %w", d.ID, err)
	}
	if payload != nil {
		d.Payload = []byte(*payload)
	}
	d.NextTry, d.CreatedAt = unixTime(next), unixTime(created)
	switch {
	case delivered != nil:
		d.Status, d.DoneAt = bridge.DeliveryDelivered, timeOf(delivered)
	case failed != nil:
		d.Status, d.DoneAt = bridge.DeliveryFailed, timeOf(failed)
	default:
		d.Status = bridge.DeliveryPending
	}
	return d, nil
}
