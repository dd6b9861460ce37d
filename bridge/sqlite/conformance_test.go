package sqlite

import (
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/storetest"
)

// TestConformance runs the bridge.Store conformance suite on a database
// file of its own per subtest, and on an in-memory database, which takes
// another path through the store (one connection for reads and writes).
func TestConformance(t *testing.T) {
	for _, kind := range []string{"file", "memory"} {
		t.Run(kind, func(t *testing.T) {
			storetest.Run(t, func(t *testing.T, clock bridge.Clock) bridge.Store {
				dsn := ":memory:"
				if kind == "file" {
					dsn = tempDSN(t)
				}
				s, err := Open(t.Context(), dsn, WithClock(clock))
				if err != nil {
					t.Fatalf("Open(%q): %v", dsn, err)
				}
				return s
			})
		})
	}
}
