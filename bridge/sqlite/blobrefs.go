package sqlite

import (
	"context"
	"fmt"
	"strings"

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
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = string(id)
	}
	rows, err := t.query(ctx, `SELECT DISTINCT json_extract(a.value, '$.blob') FROM messages, json_each(messages.attachments) AS a
		WHERE messages.attachments IS NOT NULL AND json_extract(a.value, '$.blob') IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: referenced blobs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlite: referenced blobs: %w", err)
		}
		out[bridge.BlobID(id)] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: referenced blobs: %w", err)
	}
	return out, nil
}
