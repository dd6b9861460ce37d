package bridge_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// A burst of 200 handoffs requested at once from a channel that shows the
// queue place (the widget), then joined one by one, with the engine
// running (places told and delivered): what bridge-bench's set-up does.
// Each change of the queue moves every waiting user's place.
func BenchmarkQueueBurst(b *testing.B) {
	const burst = 200
	e, _ := benchEngine(b)
	shower := bridgetest.NewQueueUserChannel("statusful")
	e.RegisterUserChannel(shower)
	ctx, stop := context.WithCancel(context.WithoutCancel(b.Context()))
	done := make(chan struct{})
	go func() { defer close(done); _ = e.Run(ctx) }()
	b.Cleanup(func() { stop(); <-done })
	round := 0
	for b.Loop() {
		round++
		hs := make([]bridge.HandoffID, burst)
		for i := range hs {
			out, err := e.Handle(ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: "statusful", ChatID: fmt.Sprint("q", round, "-", i)},
				PlatformID: "1", Text: "talk to a human"})
			if err != nil {
				b.Fatal(err)
			}
			hs[i] = out.Handoff
		}
		for _, h := range hs {
			if _, err := e.Handle(ctx, bridge.AgentAction{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U0"}, Handoff: h, Action: bridge.ActJoin}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*burst)/b.Elapsed().Seconds(), "handoffs/s")
}
