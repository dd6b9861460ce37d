package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// t0 has nanoseconds so that a lost digit shows.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC)

// fakeClock is a bridge.Clock the test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// NewTimer is not used by the store.
func (c *fakeClock) NewTimer(time.Duration) bridge.Timer { return stoppedTimer{} }

type stoppedTimer struct{}

func (stoppedTimer) C() <-chan time.Time { return nil }
func (stoppedTimer) Stop() bool          { return false }

func openAt(t testing.TB, dsn string, clock bridge.Clock) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn, WithClock(clock))
	if err != nil {
		t.Fatalf("Open(%q): %v", dsn, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func tempDSN(t testing.TB) string { return filepath.Join(t.TempDir(), "bridge.db") }

// eachStore runs f on a file database and on an in-memory one.
func eachStore(t *testing.T, f func(t *testing.T, s *Store, clock *fakeClock)) {
	for _, kind := range []string{"file", "memory"} {
		t.Run(kind, func(t *testing.T) {
			clock := newClock()
			dsn := ":memory:"
			if kind == "file" {
				dsn = tempDSN(t)
			}
			f(t, openAt(t, dsn, clock), clock)
		})
	}
}

func update(t testing.TB, s *Store, fn func(tx bridge.Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t testing.TB, s *Store, fn func(tx bridge.Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// seedConversation stores a conversation at chatID and returns its id.
func seedConversation(t testing.TB, s *Store, chatID string) bridge.ConversationID {
	t.Helper()
	c := &bridge.Conversation{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chatID}}
	update(t, s, func(tx bridge.Tx) error { return tx.CreateConversation(context.Background(), c) })
	return c.ID
}

var seedSeq atomic.Int64

// seedHandoff stores h (with a conversation of its own when it names none).
func seedHandoff(t testing.TB, s *Store, h *bridge.Handoff) {
	t.Helper()
	if h.ConversationID == 0 {
		h.ConversationID = seedConversation(t, s, fmt.Sprintf("seed-%d", seedSeq.Add(1)))
	}
	update(t, s, func(tx bridge.Tx) error { return tx.CreateHandoff(context.Background(), h) })
}
