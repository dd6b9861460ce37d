package sqlite

import (
	"testing"

	"github.com/handoffbridge/handoff/bridge/storetest"
)

// TestJoinRace races agents to join one pending handoff through two Stores
// on one file, as two processes would: exactly one may win.
func TestJoinRace(t *testing.T) {
	dsn := tempDSN(t)
	clock := newClock()
	storetest.RaceJoins(t, openAt(t, dsn, clock), openAt(t, dsn, clock))
}
