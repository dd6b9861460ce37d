package bridge_test

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// countingProber counts the probes that reach the real store.
type countingProber struct {
	*sqlite.Store
	probes atomic.Int64
}

func (s *countingProber) Probe(ctx context.Context) error {
	s.probes.Add(1)
	return s.Store.Probe(ctx)
}

// TestStoreHealthProbesAtMostOnceASecond: a storm of readiness checks
// costs the store one probe a second, concurrent checks included.
func TestStoreHealthProbesAtMostOnceASecond(t *testing.T) {
	clock := bridgetest.NewClock(t0)
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "bridge.db"), sqlite.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	store := &countingProber{Store: st}
	e, err := bridge.New(bridge.Options{Store: store, Responder: scriptedAI(), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	storm := func() {
		var wg sync.WaitGroup
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if h := e.StoreHealth(t.Context()); h.State != bridge.HealthUp {
					t.Errorf("store health = %+v, want up", h)
				}
			}()
		}
		wg.Wait()
	}
	storm()
	storm()
	if n := store.probes.Load(); n != 1 {
		t.Errorf("100 checks within a second probed the store %d times, want 1", n)
	}
	clock.Advance(time.Second)
	storm()
	if n := store.probes.Load(); n != 2 {
		t.Errorf("after a second, %d probes in all, want 2", n)
	}
}
