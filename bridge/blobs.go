package bridge

import (
	"context"
	"errors"
	"io"
	"time"
)

// BlobID names a stored file.
type BlobID string

// BlobMeta describes a stored file.
type BlobMeta struct {
	ID          BlobID `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	// Owner is who stored it: a user's chat ("web:<session>") or a
	// workspace ("slack", "console:<login>"). A user may attach only files
	// they own.
	Owner     string    `json:"owner"`
	CreatedAt time.Time `json:"created_at"`
}

// Blobs keeps the bytes of files shared in conversations. A directory
// (adapters/blobdir) is the default; the interface is small so that a
// database can hold them too.
type Blobs interface {
	// Put stores at most limit bytes of r with meta (its Name, ContentType
	// and Owner) and returns meta completed with ID, Size and CreatedAt. A
	// longer stream fails with ErrBlobTooLarge and keeps nothing.
	Put(ctx context.Context, meta BlobMeta, limit int64, r io.Reader) (BlobMeta, error)
	// Open returns a blob's bytes and meta; a missing blob is ErrNotFound.
	Open(ctx context.Context, id BlobID) (io.ReadCloser, BlobMeta, error)
	// Delete removes a blob; deleting a missing one is not an error.
	Delete(ctx context.Context, id BlobID) error
	// StoredBefore lists up to limit blobs stored before t, for the sweep
	// of orphans.
	StoredBefore(ctx context.Context, t time.Time, limit int) ([]BlobID, error)
}

// ErrBlobTooLarge is a file over the size limit; nothing was stored.
var ErrBlobTooLarge = errors.New("file too large")

// BlobRefTx is a transaction that can tell which blobs some message still
// references (bridge/sqlite's does). The orphan sweep needs it; with a
// store without it, blobs are never swept.
type BlobRefTx interface {
	ReferencedBlobs(ctx context.Context, ids []BlobID) (map[BlobID]bool, error)
}
