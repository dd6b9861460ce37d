package storetest

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var outboxContracts = []contract{
	{"EnqueueRoundTrip", testEnqueueRoundTrip},
	{"DueOutboxHeadsOfStreamsAndRetries", testDueOutboxHeads},
	{"PendingInStream", testPendingInStream},
	{"PendingBefore", testPendingBefore},
	{"OutboxDepth", testOutboxDepth},
	{"OutboxMarksOfMissingEntries", testOutboxMarksOfMissing},
}

func testEnqueueRoundTrip(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	for _, tt := range []struct {
		name string
		in   bridge.OutboxEntry
	}{
		{"zero values", bridge.OutboxEntry{Destination: webUser}},
		{"every field set", bridge.OutboxEntry{
			Destination: bridge.WorkspaceDestination(bridge.WorkspaceSlack), Stream: "handoff:7",
			Op: bridge.OpThreadPost, Payload: json.RawMessage(`{"handoff":7,"posts":[{"text":"hi"}]}`),
			Attempts: 2, NextTry: t0.Add(-time.Second), LastError: "429", CreatedAt: t0.Add(-time.Minute),
		}},
	} {
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
}

// testDueOutboxHeadsOfStreams: only a stream's oldest undelivered entry is
// due, and only once its next try has come; a retry holds its stream back
// with its count, error and time kept, and a failed entry lets the stream
// move on.
func testDueOutboxHeads(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	a, b := bridge.UserDestination(bridge.ChannelWeb), bridge.WorkspaceDestination(bridge.WorkspaceSlack)
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

	check := func(step string, d bridge.Destination, at time.Time, limit int, want ...bridge.OutboxID) {
		t.Helper()
		view(t, s, func(tx bridge.Tx) error {
			due, err := tx.DueOutbox(ctx, d, at, limit)
			if err != nil {
				return err
			}
			if got := ids(due, outboxID); !reflect.DeepEqual(got, want) {
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
	mark := func(f func(tx bridge.Tx) error) { t.Helper(); update(t, s, f) }

	check("heads only", a, now, 0, s1a, s2a)
	check("limit", a, now, 1, s1a)
	check("other destination", b, now, 0, other)
	check("future head is held back until due", a, now.Add(time.Minute), 0, s1a, s2a, s3a)
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
			t.Errorf("after MarkRetry: %+v; want 1 attempt, its error and next try", due[0])
		}
		return nil
	})
	// A second retry with a zero next try is due at the clock's now.
	clock.Advance(15 * time.Second)
	mark(func(tx bridge.Tx) error { return tx.MarkRetry(ctx, s1a, time.Time{}, "reset") })
	checkNext("zero next try", a, clock.Now())
	view(t, s, func(tx bridge.Tx) error {
		due, err := tx.DueOutbox(ctx, a, clock.Now(), 0)
		if err != nil {
			return err
		}
		if len(due) != 1 || due[0].Attempts != 2 || due[0].LastError != "reset" {
			t.Errorf("after a second MarkRetry: %+v; want 2 attempts, the last error", due)
		}
		return nil
	})

	// The entry fails for good: the stream moves on.
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
}

func testPendingInStream(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	d := bridge.WorkspaceDestination(bridge.WorkspaceSlack)
	var es []bridge.OutboxID
	update(t, s, func(tx bridge.Tx) error {
		for _, stream := range []string{"a", "b", "a", "a", "a"} {
			e := &bridge.OutboxEntry{Destination: d, Stream: stream, Op: bridge.OpThreadPost, Payload: []byte(`{}`)}
			if err := tx.Enqueue(ctx, e); err != nil {
				return err
			}
			es = append(es, e.ID)
		}
		// Same stream name at another destination: another stream.
		if err := tx.Enqueue(ctx, &bridge.OutboxEntry{Destination: webUser, Stream: "a"}); err != nil {
			return err
		}
		// The first is delivered and the fourth failed: neither is pending.
		if err := tx.MarkDelivered(ctx, es[0], clock.Now()); err != nil {
			return err
		}
		return tx.MarkFailed(ctx, es[3], clock.Now(), "gone")
	})
	view(t, s, func(tx bridge.Tx) error {
		for _, tt := range []struct {
			limit int
			want  []bridge.OutboxID
		}{{0, []bridge.OutboxID{es[2], es[4]}}, {10, []bridge.OutboxID{es[2], es[4]}}, {1, []bridge.OutboxID{es[2]}}} {
			got, err := tx.PendingInStream(ctx, d, "a", tt.limit)
			if err != nil {
				return err
			}
			if ids := ids(got, outboxID); !reflect.DeepEqual(ids, tt.want) {
				t.Errorf("PendingInStream(a, %d) = %v, want %v", tt.limit, ids, tt.want)
			}
		}
		return nil
	})
}

func testPendingBefore(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	a, b := bridge.UserDestination(bridge.ChannelWeb), bridge.WorkspaceDestination(bridge.WorkspaceSlack)
	enqueue := func(d bridge.Destination, stream string) bridge.OutboxID {
		e := &bridge.OutboxEntry{Destination: d, Stream: stream, Op: bridge.OpUserMessage}
		update(t, s, func(tx bridge.Tx) error { return tx.Enqueue(ctx, e) })
		return e.ID
	}
	first := enqueue(a, "conv:1")
	enqueue(b, "conv:2")
	second := enqueue(a, "conv:1")
	otherDest := enqueue(b, "conv:1")
	alone := enqueue(a, "conv:3")
	type pendingCase struct {
		name   string
		d      bridge.Destination
		stream string
		id     bridge.OutboxID
		want   bool
	}
	tests := []pendingCase{
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
	// Delivered, an entry no longer holds the ones behind.
	update(t, s, func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, first, clock.Now()) })
	tests[1].want = false
	check("first delivered")
	// Nor does a failed one.
	third := enqueue(a, "conv:1")
	tests = append(tests, pendingCase{"behind a failed entry", a, "conv:1", third, false})
	update(t, s, func(tx bridge.Tx) error { return tx.MarkFailed(ctx, second, clock.Now(), "gone") })
	check("second failed")
}

func testOutboxDepth(t *testing.T, s bridge.Store, clock *bridgetest.Clock) {
	ctx := t.Context()
	depth := func() (n int, oldest time.Time) {
		view(t, s, func(tx bridge.Tx) (err error) {
			n, oldest, err = tx.OutboxDepth(ctx)
			return err
		})
		return n, oldest
	}
	if n, oldest := depth(); n != 0 || !oldest.IsZero() {
		t.Errorf("depth of an empty outbox = %d, %v; want 0 and no time", n, oldest)
	}
	var es []*bridge.OutboxEntry
	for i, d := range []bridge.Destination{webUser, bridge.WorkspaceDestination(bridge.WorkspaceSlack), webUser} {
		e := &bridge.OutboxEntry{Destination: d, Stream: "s", Op: bridge.OpNotify, CreatedAt: t0.Add(time.Duration(i) * time.Second)}
		update(t, s, func(tx bridge.Tx) error { return tx.Enqueue(ctx, e) })
		es = append(es, e)
	}
	if n, oldest := depth(); n != 3 || !oldest.Equal(t0) {
		t.Errorf("depth = %d, %v; want 3, %v", n, oldest, t0)
	}
	update(t, s, func(tx bridge.Tx) error { return tx.MarkRetry(ctx, es[2].ID, clock.Now().Add(time.Hour), "later") })
	update(t, s, func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, es[0].ID, clock.Now()) })
	update(t, s, func(tx bridge.Tx) error { return tx.MarkFailed(ctx, es[1].ID, clock.Now(), "gone") })
	if n, oldest := depth(); n != 1 || !oldest.Equal(es[2].CreatedAt) {
		t.Errorf("depth after delivery, failure and a retry = %d, %v; want 1, %v", n, oldest, es[2].CreatedAt)
	}
}

func testOutboxMarksOfMissing(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	for _, m := range []struct {
		name string
		mark func(tx bridge.Tx) error
	}{
		{"MarkDelivered", func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, 9999, t0) }},
		{"MarkRetry", func(tx bridge.Tx) error { return tx.MarkRetry(ctx, 9999, t0, "e") }},
		{"MarkFailed", func(tx bridge.Tx) error { return tx.MarkFailed(ctx, 9999, t0, "e") }},
	} {
		if err := s.Update(ctx, m.mark); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("%s(missing) = %v, want ErrNotFound", m.name, err)
		}
	}
}
