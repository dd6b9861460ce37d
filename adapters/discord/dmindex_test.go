package discord

import (
	"fmt"
	"log/slog"
	"slices"
	"testing"

	"github.com/handoffbridge/handoff/internal/enginetest"
)

func TestDMIndexKeepsTheMostRecentlyActiveAcrossRestarts(t *testing.T) {
	ctx := t.Context()
	st := enginetest.TempStore(t)
	state := enginetest.Idle(t, st).AdapterState("discord")
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
	got, err := restarted.list(ctx, enginetest.Idle(t, st).AdapterState("discord"))
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
