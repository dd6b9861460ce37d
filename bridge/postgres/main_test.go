package postgres

import (
	"context"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// schema is a database migrated once, copied for each test that wants an
// up-to-date store.
var schema = pgtest.Template{Name: "bridge", Setup: func(ctx context.Context, dsn string) error {
	s, err := Open(ctx, dsn)
	if err != nil {
		return err
	}
	return s.Close()
}}

// openStore opens a store on a fresh, migrated database of t's own,
// closed at t's end.
func openStore(t testing.TB, clock bridge.Clock) (*Store, string) {
	t.Helper()
	dsn := schema.NewDatabase(t)
	return openAt(t, dsn, clock), dsn
}

// openAt opens another store on dsn, closed at t's end (before its
// database is dropped).
func openAt(t testing.TB, dsn string, clock bridge.Clock) *Store {
	t.Helper()
	s, err := Open(t.Context(), dsn, WithClock(clock))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
