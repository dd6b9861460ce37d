package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

var _ bridge.BlobRefTx = (*tx)(nil)

// ReferencedBlobs reports which of ids an attachment of some message names,
// deleted messages included (their files stay until the message goes).
func (t *tx) ReferencedBlobs(ctx context.Context, ids []bridge.BlobID) (map[bridge.BlobID]bool, error) {
	out := make(map[bridge.BlobID]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = string(id)
	}
	rows, err := t.query(ctx, `SELECT DISTINCT a->>'blob' FROM messages, jsonb_array_elements(messages.attachments) AS a
		WHERE messages.attachments IS NOT NULL AND jsonb_typeof(messages.attachments) = 'array' AND a->>'blob' = ANY($1)`, names)
	if err != nil {
		return nil, fmt.Errorf("postgres: referenced blobs: %w", err)
	}
	found, err := collect(t, rows, func(r pgx.Rows) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: referenced blobs: %w", err)
	}
	for _, id := range found {
		out[bridge.BlobID(id)] = true
	}
	return out, nil
}
