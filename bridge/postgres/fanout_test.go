package postgres

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// recorder is a fan-out subscriber that keeps what it was told.
type recorder struct {
	mu      sync.Mutex
	notices []string
	resyncs int
	changes waitfor.Changes
}

func (r *recorder) Notice(p []byte) {
	r.mu.Lock()
	r.notices = append(r.notices, string(p))
	r.mu.Unlock()
	r.changes.Notify()
}

func (r *recorder) Resync() {
	r.mu.Lock()
	r.resyncs++
	r.mu.Unlock()
	r.changes.Notify()
}

func (r *recorder) seen() ([]string, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.notices...), r.resyncs
}

func (r *recorder) waitResyncs(t *testing.T, n int) {
	t.Helper()
	if err := r.changes.Until(t.Context(), "resync", func() bool { _, got := r.seen(); return got >= n }); err != nil {
		t.Fatal(err)
	}
}

func (r *recorder) waitNotices(t *testing.T, want ...string) {
	t.Helper()
	err := r.changes.Until(t.Context(), "notices "+strings.Join(want, ","), func() bool {
		got, _ := r.seen()
		return len(got) >= len(want)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := r.seen(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("notices = %q, want %q", got, want)
	}
}

// runFanout runs a fan-out on s until t ends and returns it with a
// subscriber of topic "web", once it listens, and the count of notices its
// OnNotice hook saw.
func runFanout(t *testing.T, s *Store) (*Fanout, *recorder, *atomic.Int64) {
	t.Helper()
	var observed atomic.Int64
	f := s.Fanout(FanoutOptions{OnNotice: func(topic string, lag time.Duration) {
		if topic == "web" && lag >= 0 {
			observed.Add(1)
		}
	}})
	rec := &recorder{}
	f.Subscribe("web", rec)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("fan-out Run: %v", err)
		}
	})
	rec.waitResyncs(t, 1)
	return f, rec, &observed
}

// TestFanoutReachesOtherReplicas: two replicas' fan-outs on one database.
// What one publishes reaches the other's subscribers of the topic, in
// order, and not its own (its sockets have it already); other topics' and
// oversized notices go nowhere.
func TestFanoutReachesOtherReplicas(t *testing.T) {
	a, dsn := openStore(t, bridge.SystemClock{})
	b := openAt(t, dsn, bridge.SystemClock{})
	fa, recA, _ := runFanout(t, a)
	_, recB, observedB := runFanout(t, b)

	ctx := t.Context()
	for _, p := range []string{`{"n":1}`, `{"n":2}`, `{"n":3}`} {
		if err := fa.Publish(ctx, "web", []byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	if err := fa.Publish(ctx, "console", []byte(`{"other":"topic"}`)); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", bridge.MaxFanoutPayload+1)
	if err := fa.Publish(ctx, "web", []byte(big)); !errors.Is(err, bridge.ErrFanoutPayloadTooLarge) {
		t.Errorf("Publish of %d bytes = %v, want ErrFanoutPayloadTooLarge", len(big), err)
	}
	// The last one marks the end: nothing published before it may follow.
	if err := fa.Publish(ctx, "web", []byte(`{"n":"end"}`)); err != nil {
		t.Fatal(err)
	}
	recB.waitNotices(t, `{"n":1}`, `{"n":2}`, `{"n":3}`, `{"n":"end"}`)
	if got := observedB.Load(); got != 4 {
		t.Errorf("OnNotice saw %d notices of topic web, want 4", got)
	}
	if got, _ := recA.seen(); len(got) != 0 {
		t.Errorf("the publishing replica was told its own notices: %q", got)
	}
}

// TestFanoutResyncsAfterLosingItsConnection: the listener's backend is
// terminated; the fan-out reconnects, tells its subscribers to resync
// (what was published meanwhile is lost to it), and notices arrive again.
func TestFanoutResyncsAfterLosingItsConnection(t *testing.T) {
	a, dsn := openStore(t, bridge.SystemClock{})
	b := openAt(t, dsn, bridge.SystemClock{})
	fa, _, _ := runFanout(t, a)
	fb, recB, _ := runFanout(t, b)
	if h := fb.Health(t.Context()); h.State != bridge.HealthUp {
		t.Errorf("health while listening = %+v, want up", h)
	}

	var killed int
	err := a.pool.QueryRow(t.Context(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND datname = current_database()`, FanoutApplicationName).Scan(&killed)
	if err != nil || killed != 2 {
		t.Fatalf("terminated %d listeners (%v), want both replicas'", killed, err)
	}
	recB.waitResyncs(t, 2)
	if err := fa.Publish(t.Context(), "web", []byte(`{"after":"reconnect"}`)); err != nil {
		t.Fatal(err)
	}
	recB.waitNotices(t, `{"after":"reconnect"}`)
}
