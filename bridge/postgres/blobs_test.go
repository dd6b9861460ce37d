package postgres

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/storetest"
)

func TestBlobsContract(t *testing.T) {
	storetest.RunBlobs(t, func(t *testing.T, clock bridge.Clock) bridge.Blobs {
		s, _ := openStore(t, clock)
		return s.Blobs()
	})
}

// TestBlobServedByAnotherReplica: a file one replica stored is read whole
// through another store on the same database.
func TestBlobServedByAnotherReplica(t *testing.T) {
	a, dsn := openStore(t, bridge.SystemClock{})
	b := openAt(t, dsn, bridge.SystemClock{})
	data := bytes.Repeat([]byte{0, 1, 2, 0xff}, 64<<10)
	meta, err := a.Blobs().Put(t.Context(), bridge.BlobMeta{Name: "big.bin", Owner: "web:s1"}, int64(len(data)), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	r, got, err := b.Blobs().Open(t.Context(), meta.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	body, _ := io.ReadAll(r)
	if !bytes.Equal(body, data) || got.Name != "big.bin" || got.Size != int64(len(data)) {
		t.Fatalf("other replica read %d bytes, meta %+v; want %d bytes of big.bin", len(body), got, len(data))
	}
	if _, err := a.Blobs().Put(t.Context(), bridge.BlobMeta{Name: "x"}, 3, strings.NewReader("four")); err == nil {
		t.Error("over-limit Put succeeded")
	}
}
