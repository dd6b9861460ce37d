package sqlite

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

func TestDeliveriesListsStatusAttemptsAndErrors(t *testing.T) {
	ctx := context.Background()
	eachStore(t, func(t *testing.T, s *Store, clock *fakeClock) {
		enqueue := func(dest string) bridge.OutboxID {
			e := bridge.OutboxEntry{Destination: bridge.Destination(dest), Stream: "handoff:1", Op: bridge.OpNotify, Payload: []byte(`{"id":"x"}`)}
			update(t, s, func(tx bridge.Tx) error { return tx.Enqueue(ctx, &e) })
			return e.ID
		}
		delivered := enqueue("notify:hook_crm")
		retrying := enqueue("notify:hook_crm")
		failed := enqueue("notify:hook_crm")
		otherNotifier := enqueue("notify:hookxcrm") // '_' must not act as a wildcard
		thread := enqueue("workspace:slack")
		clock.Advance(time.Minute)
		update(t, s, func(tx bridge.Tx) error {
			if err := tx.MarkDelivered(ctx, delivered, clock.Now()); err != nil {
				return err
			}
			if err := tx.MarkRetry(ctx, retrying, clock.Now().Add(time.Second), "webhook answered 503"); err != nil {
				return err
			}
			if err := tx.MarkRetry(ctx, retrying, clock.Now().Add(2*time.Second), "webhook answered 500"); err != nil {
				return err
			}
			return tx.MarkFailed(ctx, failed, clock.Now(), "permanent: webhook answered 404")
		})

		tests := []struct {
			prefix string
			limit  int
			want   []bridge.OutboxID
		}{
			{"notify:hook_crm", 0, []bridge.OutboxID{failed, retrying, delivered}},
			{"notify:hook_crm", 2, []bridge.OutboxID{failed, retrying}},
			{"notify:", 0, []bridge.OutboxID{otherNotifier, failed, retrying, delivered}},
			{"", 0, []bridge.OutboxID{thread, otherNotifier, failed, retrying, delivered}},
			{"notify:nobody", 0, nil},
		}
		for _, tt := range tests {
			got, err := s.Deliveries(ctx, tt.prefix, tt.limit)
			if err != nil {
				t.Fatalf("Deliveries(%q, %d): %v", tt.prefix, tt.limit, err)
			}
			var ids []bridge.OutboxID
			for _, d := range got {
				ids = append(ids, d.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("Deliveries(%q, %d) = %v; want %v", tt.prefix, tt.limit, ids, tt.want)
			}
		}

		all, err := s.Deliveries(ctx, "notify:hook_crm", 0)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[bridge.OutboxID]bridge.Delivery{}
		for _, d := range all {
			byID[d.ID] = d
		}
		checks := []struct {
			id       bridge.OutboxID
			status   bridge.DeliveryStatus
			attempts int
			lastErr  string
			done     bool
		}{
			{delivered, bridge.DeliveryDelivered, 0, "", true},
			{retrying, bridge.DeliveryPending, 2, "webhook answered 500", false},
			{failed, bridge.DeliveryFailed, 1, "permanent: webhook answered 404", true},
		}
		for _, c := range checks {
			d := byID[c.id]
			if d.Status != c.status || d.Attempts != c.attempts || d.LastError != c.lastErr || d.DoneAt.IsZero() == c.done {
				t.Errorf("entry %d: status %s, attempts %d, last error %q, done at %v; want %s, %d, %q, done %v",
					c.id, d.Status, d.Attempts, d.LastError, d.DoneAt, c.status, c.attempts, c.lastErr, c.done)
			}
			if string(d.Payload) != `{"id":"x"}` || d.Op != bridge.OpNotify || d.Destination != "notify:hook_crm" {
				t.Errorf("entry %d lost its fields: %+v", c.id, d.OutboxEntry)
			}
		}
		if d := byID[delivered]; !d.DoneAt.Equal(clock.Now()) {
			t.Errorf("delivered at %v; want %v", d.DoneAt, clock.Now())
		}
	})
}
