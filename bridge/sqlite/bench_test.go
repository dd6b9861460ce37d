package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// BenchmarkInboundMessage is the engine's hot path: one transaction that
// de-duplicates a platform event, stores the message and queues its relay.
// msgs/s is what one bridge can persist durably (WAL, synchronous=NORMAL).
func BenchmarkInboundMessage(b *testing.B) {
	ctx := context.Background()
	s := openAt(b, tempDSN(b), bridge.SystemClock{})
	conv := seedConversation(b, s, "bench")
	payload := json.RawMessage(`{"to":{"channel":"web","chat_id":"bench"},"message":{"message_id":1,"role":"user","text":"hello, I need help with my order"}}`)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		id := strconv.Itoa(i)
		err := s.Update(ctx, func(tx bridge.Tx) error {
			fresh, err := tx.MarkInbound(ctx, "slack", id)
			if err != nil || !fresh {
				return fmt.Errorf("mark inbound: %v %v", fresh, err)
			}
			m := &bridge.Message{ConversationID: conv, Role: bridge.RoleUser, Author: "Zoë",
				Text: "hello, I need help with my order", Source: "slack", PlatformID: id}
			if err := tx.AddMessage(ctx, m); err != nil {
				return err
			}
			return tx.Enqueue(ctx, &bridge.OutboxEntry{Destination: bridge.WorkspaceDestination(bridge.WorkspaceSlack),
				Stream: "conv:" + conv.String(), Op: bridge.OpThreadPost, Payload: payload})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkJoinContention has every goroutine press Join: four joiners race
// for each fresh pending handoff, each in its own read-then-CAS
// transaction, and exactly one of them wins.
func BenchmarkJoinContention(b *testing.B) {
	ctx := context.Background()
	s := openAt(b, tempDSN(b), bridge.SystemClock{})
	conv := seedConversation(b, s, "bench")
	const racers = 4
	var ids []bridge.HandoffID
	update(b, s, func(tx bridge.Tx) error {
		for range b.N/racers + 1 {
			h := &bridge.Handoff{ConversationID: conv, Team: "support", State: bridge.StatePending}
			if err := tx.CreateHandoff(ctx, h); err != nil {
				return err
			}
			ids = append(ids, h.ID)
		}
		return nil
	})
	var next, wins atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1) - 1
			id := ids[n/racers]
			agent := bridge.AgentID("agent-" + strconv.FormatInt(n%racers, 10))
			err := s.Update(ctx, func(tx bridge.Tx) error {
				h, err := tx.Handoff(ctx, id)
				if err != nil {
					return err
				}
				seen := h.State
				h.State, h.Owner, h.UpdatedAt = bridge.StateActive, agent, time.Time{}
				ok, err := tx.UpdateHandoff(ctx, h, bridge.StatePending, "")
				if ok {
					wins.Add(1)
				} else if seen == bridge.StatePending && err == nil {
					return fmt.Errorf("CAS lost on a handoff read as pending in the same transaction")
				}
				return err
			})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	if want := (int64(b.N) + racers - 1) / racers; wins.Load() != want {
		b.Fatalf("%d joins won for %d handoffs", wins.Load(), want)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "joins/s")
}

// BenchmarkDueOutbox asks for the due heads of a destination whose backlog
// is 100 streams of 10 entries, beside delivered history and another
// destination's backlog.
func BenchmarkDueOutbox(b *testing.B) {
	ctx := context.Background()
	s := openAt(b, tempDSN(b), bridge.SystemClock{})
	slack, web := bridge.WorkspaceDestination(bridge.WorkspaceSlack), bridge.UserDestination(bridge.ChannelWeb)
	now := time.Now()
	update(b, s, func(tx bridge.Tx) error {
		for i := range 10_000 {
			d := slack
			if i%2 == 1 {
				d = web
			}
			e := &bridge.OutboxEntry{Destination: d, Stream: "conv:" + strconv.Itoa(i%200), Op: bridge.OpThreadPost,
				Payload: json.RawMessage(`{"handoff":1}`)}
			if err := tx.Enqueue(ctx, e); err != nil {
				return err
			}
			if i < 8_000 { // history: already delivered
				if err := tx.MarkDelivered(ctx, e.ID, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	b.ReportAllocs()
	for b.Loop() {
		err := s.View(ctx, func(tx bridge.Tx) error {
			due, err := tx.DueOutbox(ctx, slack, now.Add(time.Second), 50)
			if err != nil {
				return err
			}
			if len(due) != 50 {
				return fmt.Errorf("%d due, want 50", len(due))
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
