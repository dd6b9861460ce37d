package storetest

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// Opener opens a new, empty store for one subtest, whose clock for the
// times a caller leaves zero is clock. The suite closes the store; the
// opener registers any other clean-up with t.Cleanup.
type Opener func(t *testing.T, clock bridge.Clock) bridge.Store

// t0 is where the store's clock starts. It has nanoseconds so that a lost
// digit shows.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.UTC)

// webUser is the destination most contracts enqueue for.
var webUser = bridge.UserDestination(bridge.ChannelWeb)

// contract is one subtest: it gets a fresh store and the clock the store
// was opened with.
type contract struct {
	name string
	run  func(t *testing.T, s bridge.Store, clock *bridgetest.Clock)
}

// contracts lists the subtests in the order Run runs them.
func contracts() []contract {
	var all []contract
	for _, group := range [][]contract{
		transactionContracts,
		conversationContracts,
		messageContracts,
		handoffContracts,
		timelineContracts,
		outboxContracts,
		inboundContracts,
		adapterStateContracts,
		leaseContracts,
		blobRefContracts,
		agentContracts,
		offerContracts,
		optionalContracts,
	} {
		all = append(all, group...)
	}
	return all
}

// Run runs the conformance suite against the stores open makes, each
// subtest on a store of its own.
func Run(t *testing.T, open Opener) {
	for _, c := range contracts() {
		t.Run(c.name, func(t *testing.T) {
			clock := bridgetest.NewClock(t0)
			s := open(t, clock)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			c.run(t, s, clock)
		})
	}
}

func update(t testing.TB, s bridge.Store, fn func(tx bridge.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func view(t testing.TB, s bridge.Store, fn func(tx bridge.Tx) error) {
	t.Helper()
	if err := s.View(t.Context(), fn); err != nil {
		t.Fatalf("View: %v", err)
	}
}

// seedConversation stores a web conversation at chatID and returns its id.
func seedConversation(t testing.TB, s bridge.Store, chatID string) bridge.ConversationID {
	t.Helper()
	c := &bridge.Conversation{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chatID}}
	update(t, s, func(tx bridge.Tx) error { return tx.CreateConversation(t.Context(), c) })
	return c.ID
}

var seedSeq atomic.Int64

// seedHandoff stores h, with a conversation of its own when it names none.
func seedHandoff(t testing.TB, s bridge.Store, h *bridge.Handoff) {
	t.Helper()
	if h.ConversationID == 0 {
		h.ConversationID = seedConversation(t, s, fmt.Sprintf("seed-%d", seedSeq.Add(1)))
	}
	update(t, s, func(tx bridge.Tx) error { return tx.CreateHandoff(t.Context(), h) })
}

// ids lists the ids of xs, for comparing lists by what they hold.
func ids[T any, ID comparable](xs []T, id func(T) ID) []ID {
	var out []ID
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func handoffID(h bridge.Handoff) bridge.HandoffID                { return h.ID }
func messageID(m bridge.Message) bridge.MessageID                { return m.ID }
func outboxID(e bridge.OutboxEntry) bridge.OutboxID              { return e.ID }
func conversationID(c bridge.Conversation) bridge.ConversationID { return c.ID }
