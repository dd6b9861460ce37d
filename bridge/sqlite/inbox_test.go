package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// TestInbox: entries come back in order, per source, survive a reopen
// until done, and ids are never reused even after the newest is deleted.
func TestInbox(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "b.db")
	clock := newClock()
	s, err := Open(ctx, path, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	var ids []bridge.InboxID
	for i := range 3 {
		id, err := s.PutInbox(ctx, "whatsapp", []byte(fmt.Sprintf(`{"n":%d}`, i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		clock.Advance(time.Second)
	}
	if _, err := s.PutInbox(ctx, "other", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path, WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	got, err := s.PendingInbox(ctx, "whatsapp", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || string(got[0].Body) != `{"n":0}` || string(got[2].Body) != `{"n":2}` || !got[0].ReceivedAt.Equal(t0) {
		t.Fatalf("pending after reopen: %+v", got)
	}
	if after, _ := s.PendingInbox(ctx, "whatsapp", ids[0], 1); len(after) != 1 || after[0].ID != ids[1] {
		t.Errorf("pending after %d, limit 1: %+v", ids[0], after)
	}
	if err := s.RetryInbox(ctx, ids[0], "engine busy"); err != nil {
		t.Fatal(err)
	}
	if err := s.GiveUpInbox(ctx, ids[1], "never works"); err != nil {
		t.Fatal(err)
	}
	if err := s.DoneInbox(ctx, ids[2]); err != nil {
		t.Fatal(err)
	}
	if err := s.DoneInbox(ctx, ids[2]); err != nil {
		t.Errorf("done twice: %v", err)
	}
	got, _ = s.PendingInbox(ctx, "whatsapp", 0, 0)
	if len(got) != 1 || got[0].ID != ids[0] || got[0].Attempts != 1 || got[0].LastError != "engine busy" {
		t.Fatalf("pending after retry, give-up and done: %+v", got)
	}
	n, oldest, err := s.InboxDepth(ctx, "whatsapp")
	if err != nil || n != 1 || !oldest.Equal(t0) {
		t.Errorf("depth %d oldest %v err %v, want 1 at %v", n, oldest, err, t0)
	}
	next, err := s.PutInbox(ctx, "whatsapp", []byte("{}"))
	if err != nil || next <= ids[2] {
		t.Errorf("id after deleting the newest: %d (err %v), want above %d", next, err, ids[2])
	}
	if err := s.RetryInbox(ctx, 999999, "x"); err == nil {
		t.Error("retry of a missing entry: want an error")
	}
}
