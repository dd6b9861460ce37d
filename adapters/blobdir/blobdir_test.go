package blobdir_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/blobdir"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/bridge/storetest"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func open(t *testing.T, clock *bridgetest.Clock) (*blobdir.Dir, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "files")
	d, err := blobdir.Open(path, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	return d, path
}

func TestPutOpenKeepsBytesPrivate(t *testing.T) {
	ctx := context.Background()
	d, path := open(t, bridgetest.NewClock(t0))
	data := []byte("\x89PNG\r\n\x1a\n fake image")
	meta, err := d.Put(ctx, bridge.BlobMeta{Name: "shot.png", ContentType: "image/png", Owner: "web:s1"}, 100, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if meta.ID == "" || meta.Size != int64(len(data)) || !meta.CreatedAt.Equal(t0) {
		t.Fatalf("meta = %+v", meta)
	}
	r, got, err := d.Open(ctx, meta.ID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(body, data) || got.Name != "shot.png" || got.Owner != "web:s1" || got.ContentType != "image/png" {
		t.Fatalf("read back %q %+v", body, got)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %#o, want 0700", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(path)
	if len(entries) != 2 {
		t.Errorf("directory holds %d entries, want the data and its description", len(entries))
	}
	for _, e := range entries {
		if fi, _ := e.Info(); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %#o, want 0600", e.Name(), fi.Mode().Perm())
		}
	}
}

func TestPutRefusesOneByteOverTheLimit(t *testing.T) {
	ctx := context.Background()
	d, path := open(t, bridgetest.NewClock(t0))
	if _, err := d.Put(ctx, bridge.BlobMeta{Name: "exact"}, 10, strings.NewReader("0123456789")); err != nil {
		t.Fatalf("a file of exactly the limit: %v", err)
	}
	_, err := d.Put(ctx, bridge.BlobMeta{Name: "over"}, 10, strings.NewReader("0123456789X"))
	if !errors.Is(err, bridge.ErrBlobTooLarge) {
		t.Fatalf("limit+1 bytes: err = %v, want ErrBlobTooLarge", err)
	}
	if entries, _ := os.ReadDir(path); len(entries) != 2 {
		t.Errorf("after a refused file the directory holds %d entries, want only the first file's 2", len(entries))
	}
}

func TestOpenRefusesNamesOutsideTheDirectory(t *testing.T) {
	d, _ := open(t, bridgetest.NewClock(t0))
	for _, id := range []bridge.BlobID{"", "../../etc/passwd", "0123456789abcdef0123456789abcdeg", "0123456789ABCDEF0123456789ABCDEF"} {
		if _, _, err := d.Open(context.Background(), id); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("Open(%q) = %v, want ErrNotFound", id, err)
		}
	}
}

// The sweep deletes old blobs no message names, and keeps referenced ones
// and recent ones (an upload about to be sent).
func TestSweepDeletesOnlyOldOrphans(t *testing.T) {
	ctx := context.Background()
	clock := bridgetest.NewClock(t0)
	d, _ := open(t, clock)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	put := func(name string) bridge.BlobID {
		m, err := d.Put(ctx, bridge.BlobMeta{Name: name}, 100, strings.NewReader(name))
		if err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	sent, orphan := put("sent.txt"), put("orphan.txt")
	err = st.Update(ctx, func(tx bridge.Tx) error {
		c := &bridge.Conversation{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "s1"}}
		if err := tx.CreateConversation(ctx, c); err != nil {
			return err
		}
		return tx.AddMessage(ctx, &bridge.Message{ConversationID: c.ID, Role: bridge.RoleUser,
			Attachments: []bridge.Attachment{{Name: "sent.txt", Blob: sent}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(25 * time.Hour)
	fresh := put("fresh.txt")

	sw := &bridge.BlobSweeper{Store: st, Blobs: d, Grace: 24 * time.Hour, Clock: clock}
	n, err := sw.Sweep(ctx)
	if err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1 deleted", n, err)
	}
	for id, want := range map[bridge.BlobID]bool{sent: true, orphan: false, fresh: true} {
		_, _, err := d.Open(ctx, id)
		if kept := err == nil; kept != want {
			t.Errorf("blob %s kept = %v, want %v (%v)", id, kept, want, err)
		}
	}
}

func TestBlobsContract(t *testing.T) {
	storetest.RunBlobs(t, func(t *testing.T, clock bridge.Clock) bridge.Blobs {
		d, err := blobdir.Open(filepath.Join(t.TempDir(), "files"), clock.Now)
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}
