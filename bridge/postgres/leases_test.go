package postgres

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// TestLeaseRaceAcrossStores: replicas on two stores of one database race
// for a free lease, then for the lease once released; each round exactly
// one wins, and the epoch grows with every new holder.
func TestLeaseRaceAcrossStores(t *testing.T) {
	a, dsn := openStore(t, bridge.SystemClock{})
	stores := []*Store{a, openAt(t, dsn, bridge.SystemClock{})}
	var last int64
	for round := range 5 {
		var mu sync.Mutex
		var winners []bridge.Lease
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := stores[i%len(stores)]
				l, ok, err := s.Acquire(t.Context(), "slack", fmt.Sprintf("replica-%d-%d", round, i), time.Minute)
				if err != nil {
					t.Errorf("Acquire: %v", err)
					return
				}
				if ok {
					mu.Lock()
					winners = append(winners, l)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("round %d: %d holders got the lease (%+v), want exactly one", round, len(winners), winners)
		}
		if winners[0].Epoch <= last {
			t.Errorf("round %d: epoch %d, want above the last holder's %d", round, winners[0].Epoch, last)
		}
		last = winners[0].Epoch
		if err := stores[1].Release(t.Context(), winners[0]); err != nil {
			t.Fatal(err)
		}
	}
}
