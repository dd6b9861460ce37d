package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var transactionContracts = []contract{
	{"UpdateRollsBackOnError", func(t *testing.T, s bridge.Store, _ *bridgetest.Clock) { testRollBack(t, s, false) }},
	{"UpdateRollsBackOnPanic", func(t *testing.T, s bridge.Store, _ *bridgetest.Clock) { testRollBack(t, s, true) }},
	{"ViewRefusesWrites", testViewRefusesWrites},
	{"ConcurrentUpdatesLoseNothing", testConcurrentUpdates},
	{"FailedUpdateAmongConcurrentOnesUndoesOnlyItself", testFailedAmongConcurrent},
}

var errBoom = errors.New("boom")

// testRollBack: fn's writes are all undone when it fails, and the store
// serves the next Update. A panic reaches the caller as it was.
func testRollBack(t *testing.T, s bridge.Store, panics bool) {
	ctx := t.Context()
	addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "gone"}
	write := func(tx bridge.Tx) error {
		if err := tx.CreateConversation(ctx, &bridge.Conversation{Address: addr}); err != nil {
			return err
		}
		if _, err := tx.MarkInbound(ctx, "slack", "ev-1"); err != nil {
			return err
		}
		if err := tx.SetCursor(ctx, "cur", "v"); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, &bridge.OutboxEntry{Destination: webUser, Stream: "s"}); err != nil {
			return err
		}
		if panics {
			panic(errBoom)
		}
		return errBoom
	}
	var err error
	func() {
		defer func() {
			p := recover()
			if panics && p != errBoom {
				t.Fatalf("Update re-raised %v, want fn's panic %v", p, errBoom)
			}
		}()
		err = s.Update(ctx, write)
	}()
	if !panics && !errors.Is(err, errBoom) {
		t.Fatalf("Update = %v, want fn's error", err)
	}
	update(t, s, func(tx bridge.Tx) error {
		if _, err := tx.ConversationByAddress(ctx, addr); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("conversation after rollback: %v, want ErrNotFound", err)
		}
		if fresh, err := tx.MarkInbound(ctx, "slack", "ev-1"); err != nil || !fresh {
			t.Errorf("MarkInbound after rollback = %v, %v; want fresh", fresh, err)
		}
		if v, err := tx.Cursor(ctx, "cur"); err != nil || v != "" {
			t.Errorf("cursor after rollback = %q, %v; want unset", v, err)
		}
		if n, _, err := tx.OutboxDepth(ctx); err != nil || n != 0 {
			t.Errorf("outbox depth after rollback = %d, %v; want 0", n, err)
		}
		return nil
	})
}

// testViewRefusesWrites: every write method fails inside View, and what it
// tried to write is not there afterwards.
func testViewRefusesWrites(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	conv := seedConversation(t, s, "v")
	h := &bridge.Handoff{ConversationID: conv, State: bridge.StatePending}
	seedHandoff(t, s, h)
	m := &bridge.Message{ConversationID: conv, Role: bridge.RoleUser, Text: "kept"}
	e := &bridge.OutboxEntry{Destination: webUser, Stream: "s"}
	update(t, s, func(tx bridge.Tx) error {
		if err := tx.AddMessage(ctx, m); err != nil {
			return err
		}
		return tx.Enqueue(ctx, e)
	})
	writes := []struct {
		name  string
		write func(tx bridge.Tx) error
	}{
		{"MarkInbound", func(tx bridge.Tx) error { _, err := tx.MarkInbound(ctx, "s", "1"); return err }},
		{"CreateConversation", func(tx bridge.Tx) error {
			return tx.CreateConversation(ctx, &bridge.Conversation{Address: bridge.ChatAddress{Channel: "web", ChatID: "new"}})
		}},
		{"UpdateConversation", func(tx bridge.Tx) error {
			return tx.UpdateConversation(ctx, &bridge.Conversation{ID: conv, Misses: 9})
		}},
		{"AddMessage", func(tx bridge.Tx) error { return tx.AddMessage(ctx, &bridge.Message{ConversationID: conv}) }},
		{"UpdateMessage", func(tx bridge.Tx) error {
			return tx.UpdateMessage(ctx, &bridge.Message{ID: m.ID, Text: "changed"})
		}},
		{"AddMessageCopy", func(tx bridge.Tx) error { return tx.AddMessageCopy(ctx, m.ID, webUser, "p") }},
		{"CreateHandoff", func(tx bridge.Tx) error { return tx.CreateHandoff(ctx, &bridge.Handoff{ConversationID: conv}) }},
		{"UpdateHandoff", func(tx bridge.Tx) error {
			next := *h
			next.State = bridge.StateAbandoned
			_, err := tx.UpdateHandoff(ctx, &next, bridge.StatePending, "")
			return err
		}},
		{"SetHandoffThread", func(tx bridge.Tx) error {
			return tx.SetHandoffThread(ctx, h.ID, bridge.ThreadRef{Workspace: "slack", ThreadID: "t"})
		}},
		{"AddHandoffEvent", func(tx bridge.Tx) error { return tx.AddHandoffEvent(ctx, &bridge.HandoffEvent{HandoffID: h.ID}) }},
		{"AddLead", func(tx bridge.Tx) error { return tx.AddLead(ctx, &bridge.Lead{Name: "n"}) }},
		{"Enqueue", func(tx bridge.Tx) error { return tx.Enqueue(ctx, &bridge.OutboxEntry{Destination: webUser}) }},
		{"MarkDelivered", func(tx bridge.Tx) error { return tx.MarkDelivered(ctx, e.ID, t0) }},
		{"MarkRetry", func(tx bridge.Tx) error { return tx.MarkRetry(ctx, e.ID, t0, "e") }},
		{"MarkFailed", func(tx bridge.Tx) error { return tx.MarkFailed(ctx, e.ID, t0, "e") }},
		{"SetCursor", func(tx bridge.Tx) error { return tx.SetCursor(ctx, "c", "v") }},
	}
	for _, w := range writes {
		if err := s.View(ctx, w.write); err == nil {
			t.Errorf("%s in View succeeded, want an error", w.name)
		}
	}
	view(t, s, func(tx bridge.Tx) error {
		if _, err := tx.ConversationByAddress(ctx, bridge.ChatAddress{Channel: "web", ChatID: "new"}); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("conversation created in View: %v", err)
		}
		if c, err := tx.Conversation(ctx, conv); err != nil || c.Misses != 0 {
			t.Errorf("conversation after View = %+v, %v; want unchanged", c, err)
		}
		if ms, err := tx.Messages(ctx, conv, 0, 0); err != nil || len(ms) != 1 || ms[0].Text != "kept" {
			t.Errorf("messages after View = %+v, %v; want the one, unchanged", ms, err)
		}
		if _, err := tx.MessageCopy(ctx, m.ID, webUser); !errors.Is(err, bridge.ErrNotFound) {
			t.Errorf("message copy written in View: %v", err)
		}
		if got, err := tx.Handoff(ctx, h.ID); err != nil || got.State != bridge.StatePending || !got.Thread.IsZero() {
			t.Errorf("handoff after View = %+v, %v; want unchanged", got, err)
		}
		if hs, err := tx.Handoffs(ctx, nil, "", 0); err != nil || len(hs) != 1 {
			t.Errorf("handoffs after View = %d, %v; want 1", len(hs), err)
		}
		if es, err := tx.HandoffEvents(ctx, h.ID); err != nil || len(es) != 0 {
			t.Errorf("handoff events after View = %+v, %v; want none", es, err)
		}
		if ls, err := tx.Leads(ctx, 0); err != nil || len(ls) != 0 {
			t.Errorf("leads after View = %+v, %v; want none", ls, err)
		}
		if due, err := tx.DueOutbox(ctx, webUser, t0, 0); err != nil || len(due) != 1 || due[0].Attempts != 0 {
			t.Errorf("outbox after View = %+v, %v; want the one entry, untried", due, err)
		}
		if v, err := tx.Cursor(ctx, "c"); err != nil || v != "" {
			t.Errorf("cursor after View = %q, %v; want unset", v, err)
		}
		return nil
	})
	update(t, s, func(tx bridge.Tx) error {
		if fresh, err := tx.MarkInbound(ctx, "s", "1"); err != nil || !fresh {
			t.Errorf("MarkInbound after View's = %v, %v; want fresh", fresh, err)
		}
		return nil
	})
}

// testConcurrentUpdates: Updates from many goroutines, each reading a
// counter and writing it back one higher, lose no increment; each adds a
// message, and every message is kept under an id of its own.
func testConcurrentUpdates(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	conv := seedConversation(t, s, "busy")
	const writers = 40
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			err := s.Update(ctx, func(tx bridge.Tx) error {
				c, err := tx.Conversation(ctx, conv)
				if err != nil {
					return err
				}
				c.Misses++
				if err := tx.UpdateConversation(ctx, c); err != nil {
					return err
				}
				return tx.AddMessage(ctx, &bridge.Message{ConversationID: conv, Role: bridge.RoleUser, Text: fmt.Sprint(i)})
			})
			if err != nil {
				t.Errorf("Update %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	view(t, s, func(tx bridge.Tx) error {
		c, err := tx.Conversation(ctx, conv)
		if err != nil {
			return err
		}
		if c.Misses != writers {
			t.Errorf("counter = %d after %d concurrent increments", c.Misses, writers)
		}
		ms, err := tx.Messages(ctx, conv, 0, 0)
		if err != nil {
			return err
		}
		texts := map[string]bool{}
		seen := map[bridge.MessageID]bool{}
		for _, m := range ms {
			texts[m.Text], seen[m.ID] = true, true
		}
		if len(ms) != writers || len(texts) != writers || len(seen) != writers {
			t.Errorf("%d messages (%d texts, %d ids) after %d concurrent Updates, want one each", len(ms), len(texts), len(seen), writers)
		}
		return nil
	})
}

// testFailedAmongConcurrent: of concurrent Updates, the failing ones leave
// nothing and the others keep everything, however the store batches them.
func testFailedAmongConcurrent(t *testing.T, s bridge.Store, _ *bridgetest.Clock) {
	ctx := t.Context()
	const writers = 40
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			fails := i%3 == 0
			err := s.Update(ctx, func(tx bridge.Tx) error {
				c := &bridge.Conversation{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: fmt.Sprint("c-", i)}}
				if err := tx.CreateConversation(ctx, c); err != nil {
					return err
				}
				if err := tx.SetCursor(ctx, fmt.Sprint("cur-", i), "set"); err != nil {
					return err
				}
				if fails {
					return errBoom
				}
				return nil
			})
			if fails != errors.Is(err, errBoom) || (!fails && err != nil) {
				t.Errorf("Update %d (fails %v) = %v", i, fails, err)
			}
		})
	}
	wg.Wait()
	view(t, s, func(tx bridge.Tx) error {
		for i := range writers {
			kept := i%3 != 0
			_, err := tx.ConversationByAddress(ctx, bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: fmt.Sprint("c-", i)})
			if kept && err != nil {
				t.Errorf("conversation of successful Update %d: %v", i, err)
			}
			if !kept && !errors.Is(err, bridge.ErrNotFound) {
				t.Errorf("conversation of failed Update %d: %v, want ErrNotFound", i, err)
			}
			v, err := tx.Cursor(ctx, fmt.Sprint("cur-", i))
			if err != nil {
				return err
			}
			if (v == "set") != kept {
				t.Errorf("cursor of Update %d (kept %v) = %q", i, kept, v)
			}
		}
		return nil
	})
}
