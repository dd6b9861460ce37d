package bridge_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// errDiskFull is what SQLite answers a commit on a full disk.
var errDiskFull = errors.New("sqlite: commit: database or disk is full (13)")

// fillableStore is the real store whose commits fail while the disk is
// "full": each Update runs for real and is then rolled back.
type fillableStore struct {
	bridge.Store

	// probeFits lets the readiness probe's one-row write through while
	// the disk is full, as the WAL's space left over often does.
	probeFits bool

	mu      sync.Mutex
	full    bool
	refused int
	changed chan struct{}
}

func (s *fillableStore) Update(ctx context.Context, fn func(tx bridge.Tx) error) error {
	return s.Store.Update(ctx, func(tx bridge.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.full {
			return nil
		}
		s.refused++
		if s.changed != nil {
			close(s.changed)
			s.changed = nil
		}
		return errDiskFull
	})
}

// Probe fails like any write while the disk is full.
func (s *fillableStore) Probe(ctx context.Context) error {
	s.mu.Lock()
	full := s.full
	s.mu.Unlock()
	if full && !s.probeFits {
		return errDiskFull
	}
	return s.Store.(bridge.StoreProber).Probe(ctx)
}

func (s *fillableStore) setFull(full bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.full = full
}

// waitRefused blocks until n commits have failed in all.
func (s *fillableStore) waitRefused(t *testing.T, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for {
		s.mu.Lock()
		got := s.refused
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("waiting for %d refused commits: have %d", n, got)
		}
	}
}

// fillingChannel is a text channel whose first send fills the disk: the
// message goes out, and recording that it did fails.
type fillingChannel struct {
	*bridgetest.UserChannel
	once sync.Once
	fill func()
}

func (c *fillingChannel) Send(ctx context.Context, to bridge.ChatAddress, m bridge.OutgoingMessage) (string, error) {
	c.once.Do(c.fill)
	return c.UserChannel.Send(ctx, to, m)
}

// newFillableHarness is a harness on a fillableStore with an "sms" channel
// whose first send fills the disk.
func newFillableHarness(t *testing.T, drain time.Duration, probeFits bool) (*harness, *fillableStore, *fillingChannel) {
	store := &fillableStore{probeFits: probeFits}
	sms := &fillingChannel{UserChannel: bridgetest.NewUserChannel("sms"), fill: func() { store.setFull(true) }}
	h := newTunedHarness(t, func(o *bridge.Options, e *bridge.Engine) {
		if e == nil {
			store.Store = o.Store // a new one at each (re)start
			o.Store = store
			o.DrainTimeout = drain
			return
		}
		e.RegisterUserChannel(sms)
	})
	return h, store, sms
}

// TestFullDiskDoesNotResendInALoop: a delivery whose result cannot be
// recorded is not sent again at once (it was sent ~400 times in 2s); the
// store shows degraded meanwhile, and once the disk has room the entry is
// recorded without the user getting it twice, and the conversation goes on.
func TestFullDiskDoesNotResendInALoop(t *testing.T) {
	for _, tc := range []struct {
		name      string
		probeFits bool
		want      bridge.HealthState
	}{
		{"probe refused too", false, bridge.HealthDown},
		{"probe fits", true, bridge.HealthDegraded},
	} {
		t.Run(tc.name, func(t *testing.T) { testFullDisk(t, tc.probeFits, tc.want) })
	}
}

func testFullDisk(t *testing.T, probeFits bool, want bridge.HealthState) {
	h, store, sms := newFillableHarness(t, 0, probeFits)
	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
	defer cancel()
	addr := bridge.ChatAddress{Channel: "sms", ChatID: "c1"}

	h.say(addr, "m1", "hello")
	for retry := range 4 {
		// The record is tried again after a backoff, not at once: the
		// timer armed is the sign that the store refused it.
		if err := h.clock.WaitTimer(ctx, h.clock.Now().Add(time.Minute)); err != nil {
			t.Fatalf("no backoff after %d refused records (%v); the answer went out %d times", retry+1, err, len(sms.To("c1")))
		}
		if got := len(sms.To("c1")); got != 1 {
			t.Fatalf("while the disk is full, after %d refused records, the answer went out %d times; want once", retry+1, got)
		}
		if got := h.engine.StoreHealth(ctx); got.State != want || !strings.Contains(got.Detail, "disk is full") {
			t.Fatalf("store health while the disk is full = %+v, want %s naming the error", got, want)
		}
		h.clock.Advance(time.Minute)
		store.waitRefused(t, retry+2)
	}

	store.setFull(false)
	if err := h.clock.WaitTimer(ctx, h.clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Minute)
	// The next answer of the conversation waits behind the first: it
	// arriving proves the first is recorded.
	h.say(addr, "m2", "anything else")
	if _, err := sms.WaitCount(ctx, "c1", 2); err != nil {
		t.Fatal(err)
	}
	if got := h.engine.StoreHealth(ctx); got.State != bridge.HealthUp {
		t.Errorf("store health after the disk has room = %+v, want up", got)
	}
	h.shutdown() // delivers whatever is still due
	var texts []string
	for _, d := range sms.To("c1") {
		texts = append(texts, d.Message.Text)
	}
	if want := []string{"Hi there!", "I can help with that."}; !slices.Equal(texts, want) {
		t.Errorf("the user got %q, want %q: each answer exactly once", texts, want)
	}
}

// TestFullDiskAtShutdown: stopped while the store refuses to record a
// delivery, the bridge sends that entry once more after the next start,
// and only once.
func TestFullDiskAtShutdown(t *testing.T) {
	h, store, sms := newFillableHarness(t, 100*time.Millisecond, false)
	ctx, cancel := context.WithTimeout(h.ctx, 20*time.Second)
	defer cancel()
	addr := bridge.ChatAddress{Channel: "sms", ChatID: "c1"}

	h.say(addr, "m1", "hello")
	if err := h.clock.WaitTimer(ctx, h.clock.Now().Add(time.Minute)); err != nil {
		t.Fatalf("no backoff after a refused record (%v); the answer went out %d times", err, len(sms.To("c1")))
	}
	h.shutdown()
	store.setFull(false)
	h.start()
	if _, err := sms.WaitCount(ctx, "c1", 2); err != nil {
		t.Fatal(err)
	}
	h.say(addr, "m2", "anything else")
	if _, err := sms.WaitCount(ctx, "c1", 3); err != nil {
		t.Fatal(err)
	}
	h.shutdown()
	var texts []string
	for _, d := range sms.To("c1") {
		texts = append(texts, d.Message.Text)
	}
	if want := []string{"Hi there!", "Hi there!", "I can help with that."}; !slices.Equal(texts, want) {
		t.Errorf("the user got %q, want %q: the unrecorded answer once more after the restart", texts, want)
	}
}
