package bridge_test

import (
	"context"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

func TestBackoffDoublesToItsCapWithJitter(t *testing.T) {
	b := bridge.Backoff{Base: time.Second, Max: time.Minute}
	for _, tc := range []struct {
		attempt int
		around  time.Duration
	}{{0, time.Second}, {1, 2 * time.Second}, {5, 32 * time.Second}, {6, time.Minute}, {1000, time.Minute}} {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := b.Delay(tc.attempt)
			if d < tc.around*8/10 || d > tc.around*12/10 {
				t.Fatalf("Delay(%d) = %s, want %s ±20%%", tc.attempt, d, tc.around)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("Delay(%d) is always %v: no jitter", tc.attempt, seen)
		}
	}
}

func TestBackoffWaitEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if bridge.ConnectBackoff.Wait(ctx, 10) {
		t.Fatal("Wait went on after its context ended")
	}
}
