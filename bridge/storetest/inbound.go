package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var inboundContracts = []contract{
	{"MarkInbound", testMarkInbound},
	{"MarkInboundConcurrentRedeliveries", testMarkInboundConcurrent},
	{"Cursors", testCursors},
}

func testMarkInbound(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	for _, st := range []struct {
		source, id string
		fresh      bool
	}{
		{"slack", "Ev01", true},
		{"slack", "Ev01", false}, // a Slack retry
		{"slack", "ev01", true},  // ids are case-sensitive
		{"telegram", "Ev01", true},
		{"telegram", "Ev01", false},
		{"slack", "", true},
		{"slack", "", false},
	} {
		update(t, s, func(tx bridge.Tx) error {
			fresh, err := tx.MarkInbound(ctx, st.source, st.id)
			if fresh != st.fresh {
				t.Errorf("MarkInbound(%q, %q) = %v, want %v", st.source, st.id, fresh, st.fresh)
			}
			return err
		})
	}
	// Twice in one transaction: the second sees the first.
	update(t, s, func(tx bridge.Tx) error {
		a, err := tx.MarkInbound(ctx, "discord", "1")
		if err != nil {
			return err
		}
		b, err := tx.MarkInbound(ctx, "discord", "1")
		if !a || b {
			t.Errorf("MarkInbound twice in one transaction = %v, %v; want true, false", a, b)
		}
		return err
	})
}

// testMarkInboundConcurrent: one event delivered many times at once, each
// delivery in an Update of its own, is fresh for exactly one of them.
func testMarkInboundConcurrent(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	const deliveries = 40
	var (
		fresh atomic.Int32
		wg    sync.WaitGroup
	)
	for i := range deliveries {
		wg.Go(func() {
			err := s.Update(ctx, func(tx bridge.Tx) error {
				ok, err := tx.MarkInbound(ctx, "slack", "Ev-dup")
				if ok {
					fresh.Add(1)
				}
				return err
			})
			if err != nil {
				t.Errorf("delivery %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if n := fresh.Load(); n != 1 {
		t.Errorf("%d of %d concurrent deliveries of one event were fresh, want 1", n, deliveries)
	}
}

// testCursors: a cursor reads "" until set, then the last value set; names
// are independent.
func testCursors(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	for i, st := range []struct {
		set, name, want string
	}{
		{"", "telegram.offset", ""}, // unset
		{"100", "telegram.offset", "100"},
		{"101", "telegram.offset", "101"},
		{"", "telegram.offset", ""}, // set to empty
		{`{"resume":"abc","seq":42}`, "discord.gateway", `{"resume":"abc","seq":42}`},
		{"x", "other", "x"},
	} {
		if i > 0 {
			update(t, s, func(tx bridge.Tx) error { return tx.SetCursor(ctx, st.name, st.set) })
		}
		view(t, s, func(tx bridge.Tx) error {
			got, err := tx.Cursor(ctx, st.name)
			if got != st.want {
				t.Errorf("step %d: Cursor(%q) = %q, want %q", i, st.name, got, st.want)
			}
			return err
		})
	}
	// Written and read back in one transaction.
	update(t, s, func(tx bridge.Tx) error {
		for i := range 3 {
			if err := tx.SetCursor(ctx, "telegram.offset", fmt.Sprint(200+i)); err != nil {
				return err
			}
		}
		got, err := tx.Cursor(ctx, "telegram.offset")
		if got != "202" {
			t.Errorf("Cursor after three SetCursor in one transaction = %q, want 202", got)
		}
		return err
	})
	view(t, s, func(tx bridge.Tx) error {
		got, err := tx.Cursor(ctx, "discord.gateway")
		if got != `{"resume":"abc","seq":42}` {
			t.Errorf("Cursor(discord.gateway) after other names changed = %q", got)
		}
		return err
	})
}
