package storetest

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// BlobsOpener opens new, empty blobs for one subtest, stamping new files
// with clock's time.
type BlobsOpener func(t *testing.T, clock bridge.Clock) bridge.Blobs

// RunBlobs runs the bridge.Blobs contract against the blobs open makes,
// each subtest on blobs of its own.
func RunBlobs(t *testing.T, open BlobsOpener) {
	for _, c := range []struct {
		name string
		run  func(t *testing.T, b bridge.Blobs, clock *bridgetest.Clock)
	}{
		{"BlobRoundTrip", testBlobRoundTrip},
		{"BlobOverLimitKeepsNothing", testBlobOverLimitKeepsNothing},
		{"BlobMissing", testBlobMissing},
		{"BlobDeleteIdempotent", testBlobDeleteIdempotent},
		{"BlobStoredBefore", testBlobStoredBefore},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := bridgetest.NewClock(t0)
			c.run(t, open(t, clock), clock)
		})
	}
}

func putBlob(t *testing.T, b bridge.Blobs, name string, limit int64, data string) bridge.BlobMeta {
	t.Helper()
	m, err := b.Put(t.Context(), bridge.BlobMeta{Name: name, ContentType: "text/plain", Owner: "web:s1"}, limit, strings.NewReader(data))
	if err != nil {
		t.Fatalf("Put(%s): %v", name, err)
	}
	return m
}

func readBlob(t *testing.T, b bridge.Blobs, id bridge.BlobID) ([]byte, bridge.BlobMeta) {
	t.Helper()
	r, meta, err := b.Open(t.Context(), id)
	if err != nil {
		t.Fatalf("Open(%s): %v", id, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", id, err)
	}
	return data, meta
}

// testBlobRoundTrip: bytes (binary included) and meta come back as stored,
// with a fresh 32-hex id, the size and the clock's time.
func testBlobRoundTrip(t *testing.T, b bridge.Blobs, _ *bridgetest.Clock) {
	data := []byte("\x89PNG\r\n\x1a\n\x00\xff fake image")
	in := bridge.BlobMeta{Name: "shot.png", ContentType: "image/png", Owner: "console:ana"}
	meta, err := b.Put(t.Context(), in, int64(len(data)), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(meta.ID) != 32 || strings.ToLower(string(meta.ID)) != string(meta.ID) || meta.Size != int64(len(data)) || !meta.CreatedAt.Equal(t0) {
		t.Fatalf("Put = %+v; want a 32-char lowercase id, size %d, created at %v", meta, len(data), t0)
	}
	got, gotMeta := readBlob(t, b, meta.ID)
	if !bytes.Equal(got, data) {
		t.Errorf("bytes = %q, want %q", got, data)
	}
	if gotMeta.ID != meta.ID || gotMeta.Name != in.Name || gotMeta.ContentType != in.ContentType ||
		gotMeta.Owner != in.Owner || gotMeta.Size != meta.Size || !gotMeta.CreatedAt.Equal(t0) {
		t.Errorf("Open meta = %+v, want %+v", gotMeta, meta)
	}
	if other := putBlob(t, b, "shot.png", 100, "x"); other.ID == meta.ID {
		t.Error("two files got one id")
	}
}

// testBlobOverLimitKeepsNothing: exactly the limit is stored; one byte
// more is ErrBlobTooLarge and leaves nothing for the sweep to find.
func testBlobOverLimitKeepsNothing(t *testing.T, b bridge.Blobs, clock *bridgetest.Clock) {
	exact := putBlob(t, b, "exact", 10, "0123456789")
	_, err := b.Put(t.Context(), bridge.BlobMeta{Name: "over"}, 10, strings.NewReader("0123456789X"))
	if !errors.Is(err, bridge.ErrBlobTooLarge) {
		t.Fatalf("limit+1 bytes: err = %v, want ErrBlobTooLarge", err)
	}
	clock.Advance(time.Hour)
	ids, err := b.StoredBefore(t.Context(), clock.Now(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []bridge.BlobID{exact.ID}) {
		t.Errorf("StoredBefore = %v, want only the file within the limit %s", ids, exact.ID)
	}
}

// testBlobMissing: an unknown id, or one that is no id at all, is
// ErrNotFound.
func testBlobMissing(t *testing.T, b bridge.Blobs, _ *bridgetest.Clock) {
	for _, id := range []bridge.BlobID{"0123456789abcdef0123456789abcdef", "", "../../etc/passwd"} {
		if _, _, err := b.Open(t.Context(), id); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("Open(%q) = %v, want ErrNotFound", id, err)
		}
	}
}

// testBlobDeleteIdempotent: a deleted file is gone, and deleting it again
// (or an id never stored) is no error.
func testBlobDeleteIdempotent(t *testing.T, b bridge.Blobs, _ *bridgetest.Clock) {
	m := putBlob(t, b, "a.txt", 100, "hello")
	keep := putBlob(t, b, "b.txt", 100, "world")
	for range 2 {
		if err := b.Delete(t.Context(), m.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
	}
	if err := b.Delete(t.Context(), "0123456789abcdef0123456789abcdef"); err != nil {
		t.Errorf("Delete of a file never stored: %v", err)
	}
	if _, _, err := b.Open(t.Context(), m.ID); !errors.Is(err, bridge.ErrNotFound) {
		t.Errorf("Open after Delete = %v, want ErrNotFound", err)
	}
	if got, _ := readBlob(t, b, keep.ID); string(got) != "world" {
		t.Errorf("the other file reads %q after a Delete", got)
	}
}

// testBlobStoredBefore lists only files older than the time, at most
// limit of them.
func testBlobStoredBefore(t *testing.T, b bridge.Blobs, clock *bridgetest.Clock) {
	var old []bridge.BlobID
	for _, name := range []string{"a", "b", "c"} {
		old = append(old, putBlob(t, b, name, 10, name).ID)
		clock.Advance(time.Minute)
	}
	cut := clock.Now()
	fresh := putBlob(t, b, "fresh", 10, "fresh").ID
	all, err := b.StoredBefore(t.Context(), cut, 0)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(all)
	want := slices.Clone(old)
	slices.Sort(want)
	if !slices.Equal(all, want) {
		t.Errorf("StoredBefore(no limit) = %v, want the three older files %v (not %s)", all, want, fresh)
	}
	two, err := b.StoredBefore(t.Context(), cut, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(two) != 2 || !slices.Contains(old, two[0]) || !slices.Contains(old, two[1]) || two[0] == two[1] {
		t.Errorf("StoredBefore(limit 2) = %v, want two of the older files %v", two, old)
	}
	if none, err := b.StoredBefore(t.Context(), t0, 0); err != nil || len(none) != 0 {
		t.Errorf("StoredBefore(the first file's time) = %v, %v; want none (strictly before)", none, err)
	}
}
