package postgres

import (
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/storetest"
)

// TestConformance runs the bridge.Store conformance suite on a database of
// its own per subtest.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock bridge.Clock) bridge.Store {
		s, err := Open(t.Context(), schema.NewDatabase(t), WithClock(clock))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	})
}

// TestFirstJoinWinsAcrossStores: agents pressing Join on two replicas of
// one database at once; exactly one wins.
func TestFirstJoinWinsAcrossStores(t *testing.T) {
	a, dsn := openStore(t, bridge.SystemClock{})
	storetest.RaceJoins(t, a, openAt(t, dsn, bridge.SystemClock{}))
}
