// Package blobdir keeps the bridge's files (bridge.Blobs) in a directory:
// each file is <id>.bin with its description in <id>.json, both 0600 in a
// 0700 directory, written to a temporary name and renamed so that a reader
// never sees half a file.
package blobdir

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Dir is a directory of blobs.
type Dir struct {
	path string
	now  func() time.Time
}

var _ bridge.Blobs = (*Dir)(nil)

// Open makes (0700) or opens the directory of blobs at path. now stamps
// new blobs; nil means time.Now.
func Open(path string, now func() time.Time) (*Dir, error) {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, fmt.Errorf("blobdir: open %s: %w", path, err)
	}
	if now == nil {
		now = time.Now
	}
	return &Dir{path: path, now: now}, nil
}

const (
	dataExt = ".bin"
	metaExt = ".json"
	idBytes = 16
)

func newID() bridge.BlobID {
	b := make([]byte, idBytes)
	_, _ = rand.Read(b) // never fails (Go 1.24+)
	return bridge.BlobID(hex.EncodeToString(b))
}

// validID keeps ids from naming anything but a blob of this directory.
func validID(id bridge.BlobID) bool {
	if len(id) != 2*idBytes {
		return false
	}
	_, err := hex.DecodeString(string(id))
	return err == nil && strings.ToLower(string(id)) == string(id)
}

func (d *Dir) file(id bridge.BlobID, ext string) string { return filepath.Join(d.path, string(id)+ext) }

// Put streams r into a new blob, failing at limit+1 bytes.
func (d *Dir) Put(ctx context.Context, meta bridge.BlobMeta, limit int64, r io.Reader) (bridge.BlobMeta, error) {
	meta.ID, meta.CreatedAt = newID(), d.now()
	tmp, err := os.CreateTemp(d.path, ".put-*")
	if err != nil {
		return bridge.BlobMeta{}, fmt.Errorf("blobdir: put: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	n, err := io.Copy(tmp, io.LimitReader(ctxReader{ctx, r}, limit+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return bridge.BlobMeta{}, fmt.Errorf("blobdir: put %q: %w", meta.Name, err)
	case n > limit:
		return bridge.BlobMeta{}, fmt.Errorf("blobdir: put %q: %w", meta.Name, bridge.ErrBlobTooLarge)
	}
	meta.Size = n
	if err := d.writeMeta(meta); err != nil {
		return bridge.BlobMeta{}, err
	}
	if err := os.Rename(tmp.Name(), d.file(meta.ID, dataExt)); err != nil {
		_ = os.Remove(d.file(meta.ID, metaExt))
		return bridge.BlobMeta{}, fmt.Errorf("blobdir: put %q: %w", meta.Name, err)
	}
	return meta, nil
}

func (d *Dir) writeMeta(meta bridge.BlobMeta) error {
	data, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("blobdir: put %q: %w", meta.Name, err)
	}
	tmp := d.file(meta.ID, metaExt+".tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("blobdir: put %q: %w", meta.Name, err)
	}
	if err := os.Rename(tmp, d.file(meta.ID, metaExt)); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("blobdir: put %q: %w", meta.Name, err)
	}
	return nil
}

func (d *Dir) readMeta(id bridge.BlobID) (bridge.BlobMeta, error) {
	var meta bridge.BlobMeta
	data, err := os.ReadFile(d.file(id, metaExt))
	if errors.Is(err, fs.ErrNotExist) {
		return meta, fmt.Errorf("blobdir: blob %s: %w", id, bridge.ErrNotFound)
	}
	if err != nil {
		return meta, fmt.Errorf("blobdir: blob %s: %w", id, err)
	}
	if err := json.Unmarshal(data, &meta); err != nil {
		return meta, fmt.Errorf("blobdir: blob %s: %w", id, err)
	}
	return meta, nil
}

// Open returns a blob's bytes and description.
func (d *Dir) Open(_ context.Context, id bridge.BlobID) (io.ReadCloser, bridge.BlobMeta, error) {
	if !validID(id) {
		return nil, bridge.BlobMeta{}, fmt.Errorf("blobdir: blob %q: %w", id, bridge.ErrNotFound)
	}
	meta, err := d.readMeta(id)
	if err != nil {
		return nil, meta, err
	}
	f, err := os.Open(d.file(id, dataExt))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, meta, fmt.Errorf("blobdir: blob %s: %w", id, bridge.ErrNotFound)
	}
	if err != nil {
		return nil, meta, fmt.Errorf("blobdir: blob %s: %w", id, err)
	}
	return f, meta, nil
}

// Delete removes a blob's bytes, then its description.
func (d *Dir) Delete(_ context.Context, id bridge.BlobID) error {
	if !validID(id) {
		return nil
	}
	for _, ext := range []string{dataExt, metaExt} {
		if err := os.Remove(d.file(id, ext)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("blobdir: delete %s: %w", id, err)
		}
	}
	return nil
}

// StoredBefore lists blobs stored before t (by their description's time).
func (d *Dir) StoredBefore(ctx context.Context, t time.Time, limit int) ([]bridge.BlobID, error) {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return nil, fmt.Errorf("blobdir: list: %w", err)
	}
	var out []bridge.BlobID
	for _, e := range entries {
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
		id := bridge.BlobID(strings.TrimSuffix(e.Name(), metaExt))
		if !strings.HasSuffix(e.Name(), metaExt) || !validID(id) {
			continue
		}
		meta, err := d.readMeta(id)
		if err != nil {
			continue // removed meanwhile, or unreadable: not ours to judge
		}
		if meta.CreatedAt.Before(t) {
			out = append(out, id)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
	}
	return out, nil
}

// ctxReader stops a long copy when the request that feeds it is gone.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
