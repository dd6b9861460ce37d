package postgres

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// Blobs keeps shared files in the store's database, so that any replica
// serves a file another one received. A file is read whole into memory
// before it is written: the size limit (a few tens of MB at most) bounds it.
type Blobs struct {
	s *Store
}

var _ bridge.Blobs = Blobs{}

// Blobs returns the files kept in s's database.
func (s *Store) Blobs() bridge.Blobs { return Blobs{s: s} }

// newBlobID is 16 random bytes in lowercase hex, as adapters/blobdir's.
func newBlobID() bridge.BlobID {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (Go 1.24+)
	return bridge.BlobID(hex.EncodeToString(b))
}

// Put reads r up to limit+1 bytes and stores them in one row.
func (b Blobs) Put(ctx context.Context, meta bridge.BlobMeta, limit int64, r io.Reader) (bridge.BlobMeta, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	switch {
	case err != nil:
		return bridge.BlobMeta{}, fmt.Errorf("postgres: put file %q: %w", meta.Name, err)
	case int64(len(data)) > limit:
		return bridge.BlobMeta{}, fmt.Errorf("postgres: put file %q: %w", meta.Name, bridge.ErrBlobTooLarge)
	}
	meta.ID, meta.Size, meta.CreatedAt = newBlobID(), int64(len(data)), b.s.clock.Now().UTC()
	_, err = b.s.pool.Exec(ctx, `INSERT INTO blobs (id, name, content_type, owner, size, created_at, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		string(meta.ID), meta.Name, meta.ContentType, meta.Owner, meta.Size, meta.CreatedAt.UnixNano(), data)
	if err != nil {
		return bridge.BlobMeta{}, fmt.Errorf("postgres: put file %q: %w", meta.Name, err)
	}
	return meta, nil
}

// Open reads a file whole and returns a reader over its bytes.
func (b Blobs) Open(ctx context.Context, id bridge.BlobID) (io.ReadCloser, bridge.BlobMeta, error) {
	meta := bridge.BlobMeta{ID: id}
	var created int64
	var data []byte
	err := b.s.pool.QueryRow(ctx, `SELECT name, content_type, owner, size, created_at, data FROM blobs WHERE id = $1`,
		string(id)).Scan(&meta.Name, &meta.ContentType, &meta.Owner, &meta.Size, &created, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, bridge.BlobMeta{}, fmt.Errorf("postgres: file %q: %w", id, bridge.ErrNotFound)
	}
	if err != nil {
		return nil, bridge.BlobMeta{}, fmt.Errorf("postgres: file %q: %w", id, err)
	}
	meta.CreatedAt = unixTime(created)
	return io.NopCloser(bytes.NewReader(data)), meta, nil
}

// Delete removes a file; a missing one is no error.
func (b Blobs) Delete(ctx context.Context, id bridge.BlobID) error {
	if _, err := b.s.pool.Exec(ctx, `DELETE FROM blobs WHERE id = $1`, string(id)); err != nil {
		return fmt.Errorf("postgres: delete file %q: %w", id, err)
	}
	return nil
}

// StoredBefore lists up to limit files stored before t, oldest first.
func (b Blobs) StoredBefore(ctx context.Context, t time.Time, limit int) ([]bridge.BlobID, error) {
	rows, err := b.s.pool.Query(ctx, `SELECT id FROM blobs WHERE created_at < $1 ORDER BY created_at, id LIMIT $2`,
		t.UnixNano(), limitArg(limit))
	if err != nil {
		return nil, fmt.Errorf("postgres: files stored before %s: %w", t.Format(time.RFC3339), err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[bridge.BlobID])
	if err != nil {
		return nil, fmt.Errorf("postgres: files stored before %s: %w", t.Format(time.RFC3339), err)
	}
	return ids, nil
}
