package bridge_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// benchEngine is an engine on a temp-file SQLite in WAL whose outbox is not
// being delivered: the benchmarks measure the inbound path alone, up to the
// committed outbox entry.
func benchEngine(b *testing.B) (*bridge.Engine, bridge.Store) {
	b.Helper()
	st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	s := testSettings()
	s.Agents = nil
	for i := range 8 {
		s.Agents = append(s.Agents, &bridge.Agent{ID: bridge.AgentID(fmt.Sprint("a", i)), Teams: []bridge.TeamID{"support"},
			Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: fmt.Sprint("U", i)}})
	}
	e, err := bridge.New(bridge.Options{Store: st, Responder: scriptedAI(), Settings: s})
	if err != nil {
		b.Fatal(err)
	}
	e.RegisterUserChannel(bridgetest.NewRichUserChannel(bridge.ChannelWeb))
	e.RegisterWorkspace(bridgetest.NewWorkspace(bridge.WorkspaceSlack))
	return e, st
}

// A user message in an active handoff: de-duplicated, stored, and queued for
// the agent's thread, in one transaction.
func BenchmarkInboundRelayToOutbox(b *testing.B) {
	e, _ := benchEngine(b)
	ctx := b.Context()
	addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "bench"}
	out, err := e.Handle(ctx, bridge.UserMessage{Address: addr, PlatformID: "0", Text: "talk to a human"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.Handle(ctx, bridge.AgentAction{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U0"}, Handoff: out.Handoff, Action: bridge.ActJoin}); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		if _, err := e.Handle(ctx, bridge.UserMessage{Address: addr, PlatformID: strconv.Itoa(i), Text: "a message for the agent"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// The same, with many conversations in parallel (one lane each).
func BenchmarkInboundRelayToOutboxParallel(b *testing.B) {
	e, _ := benchEngine(b)
	ctx := b.Context()
	var mu sync.Mutex
	next := 0
	b.RunParallel(func(pb *testing.PB) {
		mu.Lock()
		next++
		addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: fmt.Sprint("bench-", next)}
		mu.Unlock()
		if _, err := e.Handle(ctx, bridge.UserMessage{Address: addr, PlatformID: "0", Text: "talk to a human"}); err != nil {
			b.Error(err)
			return
		}
		i := 0
		for pb.Next() {
			i++
			if _, err := e.Handle(ctx, bridge.UserMessage{Address: addr, PlatformID: strconv.Itoa(i), Text: "hi"}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// The AI path: a user message answered by the responder, question and
// answer stored and the answer queued for the widget.
func BenchmarkAIAnswerToOutbox(b *testing.B) {
	e, _ := benchEngine(b)
	ctx := b.Context()
	addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "ai"}
	i := 0
	for b.Loop() {
		i++
		if _, err := e.Handle(ctx, bridge.UserMessage{Address: addr, PlatformID: strconv.Itoa(i), Text: "hello there"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
}

// First-Join contention: four agents press Join on the same fresh handoff
// at once; exactly one wins. Reports joins decided per second.
func BenchmarkFirstJoinContention(b *testing.B) {
	e, _ := benchEngine(b)
	ctx := context.Background()
	const racers = 4
	newHandoff := func(i int) bridge.HandoffID {
		out, err := e.Handle(ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: fmt.Sprint("j", i)}, PlatformID: "1", Text: "talk to a human"})
		if err != nil {
			b.Fatal(err)
		}
		return out.Handoff
	}
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		h := newHandoff(i)
		b.StartTimer()
		var wg sync.WaitGroup
		var wins sync.Map
		for r := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.Handle(ctx, bridge.AgentAction{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: fmt.Sprint("U", r)}, Handoff: h, Action: bridge.ActJoin})
				if err == nil {
					wins.Store(r, true)
				}
			}()
		}
		wg.Wait()
		n := 0
		wins.Range(func(any, any) bool { n++; return true })
		if n != 1 {
			b.Fatalf("%d winners", n)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "handoffs/s")
}
