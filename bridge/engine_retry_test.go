package bridge_test

import (
	"context"
	"errors"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// rerunStore runs every Update's fn twice, as a store that retries does
// (bridge/postgres runs a transaction again after a deadlock): a first
// attempt whose writes are rolled back, then the one that commits.
type rerunStore struct{ bridge.Store }

var errFirstAttempt = errors.New("first attempt, rolled back")

func (s rerunStore) Update(ctx context.Context, fn func(tx bridge.Tx) error) error {
	err := s.Store.Update(ctx, func(tx bridge.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errFirstAttempt
	})
	if !errors.Is(err, errFirstAttempt) {
		return err
	}
	return s.Store.Update(ctx, fn)
}

// TestUpdateRunAgainStillDelivers: an Update whose first attempt is rolled
// back and run again delivers what the attempt that committed enqueued.
// (The first attempt's reservation of the stream with its sender was kept,
// and the sender never sent the stream again.)
func TestUpdateRunAgainStillDelivers(t *testing.T) {
	h := newTunedHarness(t, func(o *bridge.Options, e *bridge.Engine) {
		if e == nil {
			o.Store = rerunStore{o.Store}
		}
	})
	h.say(webUser, "m1", "hello")
	waitText(t, h.web, webUser.ChatID, "Hi there!")
	// The stream is free for what comes next.
	h.say(webUser, "m2", "talk to a human")
	waitText(t, h.web, webUser.ChatID, "in the queue")
}
