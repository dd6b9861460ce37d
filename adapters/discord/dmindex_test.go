package discord

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

func TestDMIndexKeepsTheMostRecentlyActiveAcrossRestarts(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	state := engineOn(t, st).AdapterState("discord")
	var d dmIndex
	id := func(i int) string { return fmt.Sprintf("dm%04d", i) }
	for i := range maxIndexedDMs {
		d.remember(ctx, state, id(i), slog.Default())
	}
	d.remember(ctx, state, id(0), slog.Default()) // the oldest is active again
	for i := maxIndexedDMs; i < maxIndexedDMs+10; i++ {
		d.remember(ctx, state, id(i), slog.Default())
	}
	var restarted dmIndex // a new process reads the stored index
	got, err := restarted.list(ctx, engineOn(t, st).AdapterState("discord"))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case len(got) != maxIndexedDMs:
		t.Fatalf("%d channels kept, want %d", len(got), maxIndexedDMs)
	case !slices.Contains(got, id(0)):
		t.Fatal("the channel active again was dropped")
	case slices.Contains(got, id(1)) || slices.Contains(got, id(10)):
		t.Fatal("the least recently active channels were kept")
	case !slices.Contains(got, id(maxIndexedDMs+9)) || !slices.Contains(got, id(11)):
		t.Fatalf("recent channels missing: %v…", got[:5])
	}
}

// engineOn is an engine on st that is never run.
func engineOn(t *testing.T, st bridge.Store) *bridge.Engine {
	t.Helper()
	e, err := bridge.New(bridge.Options{Store: st, Responder: bridge.ResponderFunc(
		func(context.Context, bridge.Question) (bridge.Reply, error) { return bridge.Reply{}, nil })})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
