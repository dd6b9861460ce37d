package bridge_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// poisonedStore is the real store on which marking one outbox entry
// delivered always fails with cause, as when the row a result needs is
// gone or cannot be read: no retry ever records it.
type poisonedStore struct {
	bridge.Store
	cause error

	mu       sync.Mutex
	armed    bool
	poisoned bridge.OutboxID
}

func (s *poisonedStore) Update(ctx context.Context, fn func(tx bridge.Tx) error) error {
	return s.Store.Update(ctx, func(tx bridge.Tx) error { return fn(poisonedTx{tx, s}) })
}

// arm poisons the next entry marked delivered.
func (s *poisonedStore) arm() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.armed = true
}

type poisonedTx struct {
	bridge.Tx
	s *poisonedStore
}

func (t poisonedTx) MarkDelivered(ctx context.Context, id bridge.OutboxID, at time.Time) error {
	t.s.mu.Lock()
	if t.s.armed && t.s.poisoned == 0 {
		t.s.poisoned = id
	}
	poisoned := t.s.poisoned == id
	t.s.mu.Unlock()
	if poisoned {
		return fmt.Errorf("mark outbox %s delivered: %w", id, t.s.cause)
	}
	return t.Tx.MarkDelivered(ctx, id, at)
}

// armingChannel is a text channel whose first send poisons the record of
// its result.
type armingChannel struct {
	*bridgetest.UserChannel
	once sync.Once
	arm  func()
}

func (c *armingChannel) Send(ctx context.Context, to bridge.ChatAddress, m bridge.OutgoingMessage) (string, error) {
	c.once.Do(c.arm)
	return c.UserChannel.Send(ctx, to, m)
}

// TestUnrecordableResultDoesNotBlockItsStream: a delivery whose result can
// never be recorded ends marked failed, at once when what it needs is gone
// and after ten tries otherwise; the store is healthy again and the
// conversation's next answer goes out.
func TestUnrecordableResultDoesNotBlockItsStream(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cause error
		tries int
	}{
		{"row gone", bridge.ErrNotFound, 1},
		{"error that never clears", errors.New("decode receipt: unexpected end of JSON input"), 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &poisonedStore{cause: tc.cause}
			sms := &armingChannel{UserChannel: bridgetest.NewUserChannel("sms"), arm: store.arm}
			h := newTunedHarness(t, func(o *bridge.Options, e *bridge.Engine) {
				if e == nil {
					store.Store = o.Store
					o.Store = store
					return
				}
				e.RegisterUserChannel(sms)
			})
			ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
			defer cancel()
			addr := bridge.ChatAddress{Channel: "sms", ChatID: "c1"}

			h.say(addr, "m1", "hello")
			for retry := range tc.tries - 1 {
				if err := h.clock.WaitTimer(ctx, h.clock.Now().Add(time.Minute)); err != nil {
					t.Fatalf("no backoff after %d refused records: %v", retry+1, err)
				}
				h.clock.Advance(time.Minute)
			}
			// The next answer waits behind the first in its stream: it
			// arriving proves the first is done with.
			h.say(addr, "m2", "anything else")
			if _, err := sms.WaitCount(ctx, "c1", 2); err != nil {
				t.Fatal(err)
			}
			if got := h.engine.StoreHealth(ctx); got.State != bridge.HealthUp {
				t.Errorf("store health after the entry was given up = %+v, want up", got)
			}
			// The first entry was never marked delivered; none pending
			// (and none sent again after a restart) means it was marked
			// failed.
			h.restart()
			if err := store.View(h.ctx, func(tx bridge.Tx) error {
				n, _, err := tx.OutboxDepth(h.ctx)
				if err == nil && n != 0 {
					t.Errorf("%d entries still pending; want the unrecordable one marked failed", n)
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			h.shutdown()
			var texts []string
			for _, d := range sms.To("c1") {
				texts = append(texts, d.Message.Text)
			}
			if want := []string{"Hi there!", "I can help with that."}; !slices.Equal(texts, want) {
				t.Errorf("the user got %q, want %q: each answer exactly once", texts, want)
			}
		})
	}
}
