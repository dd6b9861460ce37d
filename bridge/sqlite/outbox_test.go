package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

func TestEnqueueRoundTrip(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		tests := []struct {
			name string
			in   bridge.OutboxEntry
		}{
			{"zero values", bridge.OutboxEntry{Destination: "user:web"}},
			{"every field set", bridge.OutboxEntry{
				Destination: bridge.WorkspaceDestination(bridge.WorkspaceSlack), Stream: "handoff:7",
				Op: bridge.OpThreadPost, Payload: json.RawMessage(`{"handoff":7,"posts":[{"text":"hi"}]}`),
				Attempts: 2, NextTry: t0.Add(-time.Second), LastError: "429", CreatedAt: t0.Add(-time.Minute),
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := tt.in
				update(t, s, func(tx bridge.Tx) error { return tx.Enqueue(ctx, &e) })
				if e.ID == 0 {
					t.Fatal("Enqueue did not set the id")
				}
				if tt.in.CreatedAt.IsZero() && (!e.CreatedAt.Equal(clock.Now()) || !e.NextTry.Equal(e.CreatedAt)) {
					t.Errorf("zero times filled with created %v next %v; want both the clock's", e.CreatedAt, e.NextTry)
				}
				view(t, s, func(tx bridge.Tx) error {
					due, err := tx.DueOutbox(ctx, e.Destination, clock.Now(), 0)
					if err != nil {
						return err
					}
					if len(due) != 1 || !reflect.DeepEqual(due[0], e) {
						t.Errorf("DueOutbox =\n%+v\nwant\n%+v", due, e)
					}
					return nil
				})
				update(t, s, func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, e.ID, clock.Now()) })
			})
		}
	})
}

func TestDueOutboxHeadsOfStreams(t *testing.T) {
	ctx := context.Background()
	a, b := bridge.UserDestination(bridge.ChannelWeb), bridge.WorkspaceDestination(bridge.WorkspaceSlack)
	eachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		now := clock.Now()
		enqueue := func(d bridge.Destination, stream string, nextTry time.Time) bridge.OutboxID {
			e := &bridge.OutboxEntry{Destination: d, Stream: stream, Op: bridge.OpUserMessage, NextTry: nextTry}
			update(t, s, func(tx bridge.Tx) error { return tx.Enqueue(ctx, e) })
			return e.ID
		}
		s1a := enqueue(a, "conv:1", time.Time{})
		s2a := enqueue(a, "conv:2", time.Time{})
		s1b := enqueue(a, "conv:1", time.Time{})
		other := enqueue(b, "conv:1", time.Time{}) // same stream name, other destination
		s3a := enqueue(a, "conv:3", now.Add(time.Minute))
		s1c := enqueue(a, "conv:1", time.Time{})

		ids := func(es []bridge.OutboxEntry) (out []bridge.OutboxID) {
			for _, e := range es {
				out = append(out, e.ID)
			}
			return out
		}
		check := func(step string, d bridge.Destination, at time.Time, limit int, want ...bridge.OutboxID) {
			t.Helper()
			view(t, s, func(tx bridge.Tx) error {
				due, err := tx.DueOutbox(ctx, d, at, limit)
				if err != nil {
					return err
				}
				if got := ids(due); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: DueOutbox(%s, +%v, %d) = %v, want %v", step, d, at.Sub(now), limit, got, want)
				}
				return nil
			})
		}
		checkNext := func(step string, d bridge.Destination, want time.Time) {
			t.Helper()
			view(t, s, func(tx bridge.Tx) error {
				next, ok, err := tx.NextOutboxTry(ctx, d)
				if err != nil {
					return err
				}
				if ok != !want.IsZero() || !next.Equal(want) {
					t.Errorf("%s: NextOutboxTry(%s) = %v, %v; want %v", step, d, next, ok, want)
				}
				return nil
			})
		}
		mark := func(f func(tx bridge.Tx) error) { update(t, s, f) }

		check("heads only", a, now, 0, s1a, s2a)
		check("limit", a, now, 1, s1a)
		check("other destination", b, now, 0, other)
		check("future head is held back", a, now.Add(time.Minute), 0, s1a, s2a, s3a)
		checkNext("due now", a, now)

		// A retry holds its stream back until its next try.
		mark(func(tx bridge.Tx) error { return tx.MarkRetry(ctx, s1a, now.Add(10*time.Second), "timeout") })
		check("retry scheduled", a, now, 0, s2a)
		mark(func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, s2a, now) })
		check("stream 2 done", a, now, 0)
		checkNext("retry is next", a, now.Add(10*time.Second))
		check("retry due", a, now.Add(10*time.Second), 0, s1a)
		view(t, s, func(tx bridge.Tx) error {
			due, err := tx.DueOutbox(ctx, a, now.Add(10*time.Second), 0)
			if err != nil {
				return err
			}
			if due[0].Attempts != 1 || due[0].LastError != "timeout" || !due[0].NextTry.Equal(now.Add(10*time.Second)) {
				t.Errorf("after MarkRetry: %+v", due[0])
			}
			return nil
		})

		// Two more retries, then the entry fails for good: the stream moves on.
		mark(func(tx bridge.Tx) error { return tx.MarkRetry(ctx, s1a, now.Add(20*time.Second), "timeout") })
		mark(func(tx bridge.Tx) error { return tx.MarkFailed(ctx, s1a, now.Add(20*time.Second), "blocked") })
		check("failed entry skipped", a, now.Add(20*time.Second), 0, s1b)
		mark(func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, s1b, now) })
		check("next in stream", a, now.Add(20*time.Second), 0, s1c)
		check("id order across streams", a, now.Add(time.Minute), 0, s3a, s1c)
		mark(func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, s1c, now) })
		checkNext("only the future head left", a, now.Add(time.Minute))
		mark(func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, s3a, now) })
		check("drained", a, now.Add(time.Hour), 0)
		checkNext("drained", a, time.Time{})
		check("other destination untouched", b, now, 0, other)

		// The failed entry kept its count and its last error.
		var attempts int
		var lastErr string
		if err := s.read.QueryRow(`SELECT attempts, last_error FROM outbox WHERE id = ?`, int64(s1a)).Scan(&attempts, &lastErr); err != nil {
			t.Fatal(err)
		}
		if attempts != 3 || lastErr != "blocked" {
			t.Errorf("failed entry: attempts %d, last error %q; want 3, blocked", attempts, lastErr)
		}
	})
}

func TestOutboxDepth(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		depth := func() (int, time.Time) {
			var (
				n      int
				oldest time.Time
			)
			view(t, s, func(tx bridge.Tx) (err error) {
				n, oldest, err = tx.OutboxDepth(ctx)
				return err
			})
			return n, oldest
		}
		if n, oldest := depth(); n != 0 || !oldest.IsZero() {
			t.Errorf("empty depth = %d, %v", n, oldest)
		}
		var es []*bridge.OutboxEntry
		for i, d := range []bridge.Destination{"user:web", "workspace:slack", "user:web"} {
			e := &bridge.OutboxEntry{Destination: d, Stream: "s", Op: bridge.OpNotify, CreatedAt: t0.Add(time.Duration(i) * time.Second)}
			update(t, s, func(tx bridge.Tx) error { return tx.Enqueue(ctx, e) })
			es = append(es, e)
		}
		if n, oldest := depth(); n != 3 || !oldest.Equal(t0) {
			t.Errorf("depth = %d, %v; want 3, %v", n, oldest, t0)
		}
		update(t, s, func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, es[0].ID, clock.Now()) })
		update(t, s, func(tx bridge.Tx) error { return tx.MarkFailed(ctx, es[1].ID, clock.Now(), "gone") })
		if n, oldest := depth(); n != 1 || !oldest.Equal(es[2].CreatedAt) {
			t.Errorf("depth after delivery and failure = %d, %v; want 1, %v", n, oldest, es[2].CreatedAt)
		}
	})
}

func TestOutboxMarksOfMissingEntries(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		for name, f := range map[string]func(tx bridge.Tx) error{
			"MarkDelivered": func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, 9999, t0) },
			"MarkRetry":     func(tx bridge.Tx) error { return tx.MarkRetry(ctx, 9999, t0, "e") },
			"MarkFailed":    func(tx bridge.Tx) error { return tx.MarkFailed(ctx, 9999, t0, "e") },
		} {
			if err := s.Update(ctx, f); !errors.Is(err, bridge.ErrNotFound) {
				t.Errorf("%s(missing) = %v, want ErrNotFound", name, err)
			}
		}
	})
}

func TestPendingBefore(t *testing.T) {
	ctx := context.Background()
	a, b := bridge.UserDestination(bridge.ChannelWeb), bridge.WorkspaceDestination(bridge.WorkspaceSlack)
	eachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		enqueue := func(d bridge.Destination, stream string) bridge.OutboxID {
			e := &bridge.OutboxEntry{Destination: d, Stream: stream, Op: bridge.OpUserMessage}
			update(t, s, func(tx bridge.Tx) error { return tx.Enqueue(ctx, e) })
			return e.ID
		}
		first := enqueue(a, "conv:1")
		enqueue(b, "conv:2") // other destination, same stream name below
		second := enqueue(a, "conv:1")
		otherDest := enqueue(b, "conv:1")
		alone := enqueue(a, "conv:3")
		tests := []struct {
			name   string
			d      bridge.Destination
			stream string
			id     bridge.OutboxID
			want   bool
		}{
			{"head of its stream", a, "conv:1", first, false},
			{"behind an undelivered entry", a, "conv:1", second, true},
			{"same stream name at another destination", b, "conv:1", otherDest, false},
			{"alone in its stream", a, "conv:3", alone, false},
		}
		check := func(step string) {
			t.Helper()
			for _, tt := range tests {
				view(t, s, func(tx bridge.Tx) error {
					got, err := tx.PendingBefore(ctx, tt.d, tt.stream, tt.id)
					if err != nil {
						return err
					}
					if got != tt.want {
						t.Errorf("%s: %s: PendingBefore = %v, want %v", step, tt.name, got, tt.want)
					}
					return nil
				})
			}
		}
		check("all pending")
		// Delivered or given up, an entry no longer holds the ones behind.
		update(t, s, func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, first, clock.Now()) })
		tests[1].want = false
		check("first delivered")
	})
}
