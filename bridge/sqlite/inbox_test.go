package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// TestInboxSurvivesReopen: entries put before a restart are still pending
// after it, in order, and ids are not reused even after the newest is done.
// (The rest of the Inbox contract is in the conformance suite.)
func TestInboxSurvivesReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "b.db")
	clock := newClock()
	s, err := Open(ctx, path, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	var ids []bridge.InboxID
	for i := range 3 {
		id, err := s.PutInbox(ctx, "whatsapp", fmt.Appendf(nil, `{"n":%d}`, i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		clock.Advance(time.Second)
	}
	if err := s.DoneInbox(ctx, ids[2]); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path, clock)

	got, err := s.PendingInbox(ctx, "whatsapp", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != ids[0] || string(got[1].Body) != `{"n":1}` || !got[0].ReceivedAt.Equal(t0) {
		t.Fatalf("pending after reopen: %+v; want the first two, as put", got)
	}
	next, err := s.PutInbox(ctx, "whatsapp", []byte("{}"))
	if err != nil || next <= ids[2] {
		t.Errorf("id after reopen: %d (err %v), want above %d", next, err, ids[2])
	}
}
