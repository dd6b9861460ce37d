package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// TestGroupCommitIsolatesRequests runs updates that succeed, fail, panic
// and come with a cancelled context in one batch: each keeps its own
// outcome, and only the successful ones' writes are kept.
func TestGroupCommitIsolatesRequests(t *testing.T) {
	errBoom := errors.New("boom")
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		ctx := context.Background()
		create := func(tx bridge.Tx, name string) error {
			return tx.CreateConversation(ctx, &bridge.Conversation{Address: bridge.ChatAddress{Channel: "web", ChatID: name}})
		}

		// The first update holds the writer until the others are queued,
		// so that they run as one batch.
		release, running := make(chan struct{}), make(chan struct{})
		firstDone := make(chan error, 1)
		go func() {
			firstDone <- s.Update(ctx, func(tx bridge.Tx) error {
				close(running)
				<-release
				return create(tx, "first")
			})
		}()
		<-running
		queued := make(chan int, 1)
		s.group.mu.Lock()
		s.group.queued = func(depth int) { queued <- depth }
		s.group.mu.Unlock()

		// cancelled is cancelled while its update waits in the queue.
		cancelled, cancel := context.WithCancel(ctx)
		defer cancel()
		type outcome struct {
			err      error
			panicked any
		}
		requests := []struct {
			name string
			ctx  context.Context
			fn   func(tx bridge.Tx) error
			keep bool
		}{
			{"ok-1", ctx, func(tx bridge.Tx) error { return create(tx, "ok-1") }, true},
			{"fails", ctx, func(tx bridge.Tx) error {
				if err := create(tx, "fails"); err != nil {
					return err
				}
				return errBoom
			}, false},
			{"ok-2", ctx, func(tx bridge.Tx) error { return create(tx, "ok-2") }, true},
			{"panics", ctx, func(tx bridge.Tx) error {
				if err := create(tx, "panics"); err != nil {
					return err
				}
				panic(errBoom)
			}, false},
			{"cancelled", cancelled, func(tx bridge.Tx) error { return create(tx, "cancelled") }, false},
			{"ok-3", ctx, func(tx bridge.Tx) error { return create(tx, "ok-3") }, true},
		}
		outcomes := make([]outcome, len(requests))
		var wg sync.WaitGroup
		for i, r := range requests {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { outcomes[i].panicked = recover() }()
				outcomes[i].err = s.Update(r.ctx, r.fn)
			}()
			// Queued in this order, all behind the first.
			if depth := <-queued; depth != i+1 {
				t.Fatalf("queue depth %d, want %d", depth, i+1)
			}
		}
		s.group.mu.Lock()
		s.group.queued = nil
		s.group.mu.Unlock()
		cancel()
		close(release)
		if err := <-firstDone; err != nil {
			t.Fatalf("first update: %v", err)
		}
		wg.Wait()

		for i, r := range requests {
			o := outcomes[i]
			switch r.name {
			case "fails":
				if !errors.Is(o.err, errBoom) || o.panicked != nil {
					t.Errorf("%s: err %v, panic %v; want its own error", r.name, o.err, o.panicked)
				}
			case "panics":
				if o.panicked != errBoom {
					t.Errorf("%s: panic %v (err %v); want its own panic raised in its goroutine", r.name, o.panicked, o.err)
				}
			case "cancelled":
				if !errors.Is(o.err, context.Canceled) {
					t.Errorf("%s: err %v, want context.Canceled", r.name, o.err)
				}
			default:
				if o.err != nil || o.panicked != nil {
					t.Errorf("%s: err %v, panic %v", r.name, o.err, o.panicked)
				}
			}
		}
		err := s.View(ctx, func(tx bridge.Tx) error {
			for _, r := range append(requests, struct {
				name string
				ctx  context.Context
				fn   func(tx bridge.Tx) error
				keep bool
			}{name: "first", keep: true}) {
				_, err := tx.ConversationByAddress(ctx, bridge.ChatAddress{Channel: "web", ChatID: r.name})
				switch {
				case r.keep && err != nil:
					t.Errorf("%s: write lost: %v", r.name, err)
				case !r.keep && !errors.Is(err, bridge.ErrNotFound):
					t.Errorf("%s: write kept (%v), want undone", r.name, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestGroupCommitManyWriters hammers the writer from many goroutines: every
// write is kept once, and each caller sees its own write committed when
// Update returns.
func TestGroupCommitManyWriters(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, _ *fakeClock) {
		ctx := context.Background()
		const writers, each = 16, 40
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					id := fmt.Sprintf("w%d-%d", w, i)
					if err := s.Update(ctx, func(tx bridge.Tx) error {
						_, err := tx.MarkInbound(ctx, "test", id)
						return err
					}); err != nil {
						errs <- err
						return
					}
					// Committed: a new transaction sees it.
					var fresh bool
					if err := s.Update(ctx, func(tx bridge.Tx) error {
						var err error
						fresh, err = tx.MarkInbound(ctx, "test", id)
						return err
					}); err != nil || fresh {
						errs <- fmt.Errorf("%s after its Update: fresh %v, err %v", id, fresh, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	})
}

// TestUpdateAfterClose: an Update after Close fails with a clear error
// instead of waiting forever for a writer that is gone.
func TestUpdateAfterClose(t *testing.T) {
	s, err := Open(context.Background(), tempDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	err = s.Update(context.Background(), func(tx bridge.Tx) error { return nil })
	if !errors.Is(err, errClosed) {
		t.Fatalf("Update after Close = %v, want %v", err, errClosed)
	}
}
