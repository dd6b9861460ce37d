package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/bridge"
)

func withStallTimeout(d time.Duration) rigOption { return func(r *rig) { r.opts.StallTimeout = d } }

// TestPollerStall: when getUpdates keeps failing or hangs for the stall
// timeout, /readyz says degraded and the poller restarts; once Telegram
// answers again, updates flow and health is back up.
func TestPollerStall(t *testing.T) {
	for _, tc := range []struct {
		name    string
		breakIt func(*telegramfake.Server, bool)
	}{
		{"getUpdates hangs", (*telegramfake.Server).HangUpdates},
		{"getUpdates fails", (*telegramfake.Server).FailUpdates},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fo := telegramfake.Options{}
			fast(&fo)
			r := newRig(t, fo, withStallTimeout(2*time.Second))
			hana := telegramfake.User{ID: 9009, FirstName: "Hana"}
			r.fake.UserSays(hana, "hello")
			r.waitVisible(hana.ID, "Hi there!")
			if h := r.adapter.Health(t.Context()); h.State != bridge.HealthUp {
				t.Fatalf("health while polling works: %+v", h)
			}

			tc.breakIt(r.fake, true)
			calls := r.fake.Stats().UpdateCalls
			var h bridge.Health
			// Each getUpdates call wakes the wait; the poller's restart makes
			// a new one after it reports the stall.
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			if err := r.fake.WaitChange(ctx, func() bool {
				h = r.adapter.Health(t.Context())
				return h.State == bridge.HealthDegraded && strings.Contains(h.Detail, "poller restarted")
			}); err != nil {
				t.Fatalf("health never degraded: %+v", h)
			}
			if !strings.Contains(h.Detail, "getUpdates has not answered") {
				t.Errorf("health detail %q does not say what is wrong", h.Detail)
			}
			if r.fake.Stats().UpdateCalls <= calls {
				t.Error("the poller did not call again after the stall")
			}

			tc.breakIt(r.fake, false)
			r.fake.UserSays(hana, "hello again")
			if _, err := r.fake.WaitSent(t.Context(), hana.ID, "the answer after recovery", func(s []telegramfake.Sent) bool { return len(s) == 2 }); err != nil {
				t.Fatal(err)
			}
			if h := r.adapter.Health(t.Context()); h.State != bridge.HealthUp {
				t.Errorf("health after recovery: %+v", h)
			}
		})
	}
}

func withPollTimeout(d time.Duration) rigOption { return func(r *rig) { r.opts.PollTimeout = d } }

// TestReadyWhileTheFirstLongPollWaits: with nothing to receive, the first
// getUpdates answers only after the poll timeout (25 s by default); the
// bridge is ready as soon as Telegram has answered a call, not then.
func TestReadyWhileTheFirstLongPollWaits(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	r := newRig(t, fo, withPollTimeout(time.Hour))
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	// The first getUpdates is waiting: deleteWebhook has answered before it.
	if err := r.fake.WaitChange(ctx, func() bool { return r.fake.Stats().UpdateCalls >= 1 }); err != nil {
		t.Fatal(err)
	}
	if h := r.adapter.Health(t.Context()); h.State != bridge.HealthUp {
		t.Fatalf("health while the first long poll waits: %+v, want up", h)
	}
}
