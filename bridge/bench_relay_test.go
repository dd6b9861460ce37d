package bridge_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// signalWorkspace is a workspace that tells each thread's waiter when a
// post arrives, without recording anything: the benchmark measures the
// bridge, not the recorder.
type signalWorkspace struct {
	seq   atomic.Int64
	mu    sync.Mutex
	posts map[string]chan struct{}
}

func (w *signalWorkspace) Kind() bridge.WorkspaceKind { return bridge.WorkspaceSlack }
func (w *signalWorkspace) OpenThread(_ context.Context, ch string, card bridge.HandoffCard) (bridge.ThreadRef, error) {
	return bridge.ThreadRef{Channel: ch, ThreadID: "T" + card.Handoff.String()}, nil
}
func (w *signalWorkspace) UpdateThread(context.Context, bridge.ThreadRef, bridge.HandoffCard) error {
	return nil
}
func (w *signalWorkspace) TellAgent(context.Context, bridge.ThreadRef, string, string) error {
	return nil
}
func (w *signalWorkspace) PostToThread(_ context.Context, ref bridge.ThreadRef, posts []bridge.ThreadPost) error {
	if posts[0].History || posts[0].Role != bridge.RoleUser {
		return nil
	}
	w.wait(ref.ThreadID) <- struct{}{}
	return nil
}
func (w *signalWorkspace) wait(thread string) chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.posts[thread]
	if c == nil {
		c = make(chan struct{}, 64)
		w.posts[thread] = c
	}
	return c
}

// A user message travels the whole relay: handled, stored, queued,
// delivered into the agent's thread by the running engine, recorded as
// delivered. Reports relayed messages per second end to end.
func BenchmarkRelayUserToThread(b *testing.B) {
	for _, convs := range []int{1, 64} {
		b.Run(fmt.Sprint(convs, "-conversations"), func(b *testing.B) {
			st, err := sqlite.Open(b.Context(), filepath.Join(b.TempDir(), "relay.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			ws := &signalWorkspace{posts: map[string]chan struct{}{}}
			e, err := bridge.New(bridge.Options{Store: st, Responder: scriptedAI(), Settings: testSettings()})
			if err != nil {
				b.Fatal(err)
			}
			e.RegisterUserChannel(bridgetest.NewRichUserChannel(bridge.ChannelWeb))
			e.RegisterWorkspace(ws)
			ctx, stop := context.WithCancel(b.Context())
			done := make(chan struct{})
			go func() { defer close(done); e.Run(ctx) }()
			defer func() { stop(); <-done }()

			threads := make([]string, convs)
			for i := range convs {
				out, err := e.Handle(ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: fmt.Sprint("c", i)}, PlatformID: "0", Text: "talk to a human"})
				if err != nil {
					b.Fatal(err)
				}
				threads[i] = "T" + out.Handoff.String()
			}
			var next atomic.Int64
			b.ResetTimer()
			var wg sync.WaitGroup
			per := (b.N + convs - 1) / convs
			for i := range convs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: fmt.Sprint("c", i)}
					wait := ws.wait(threads[i])
					for j := range per {
						if next.Add(1) > int64(b.N) {
							return
						}
						if _, err := e.Handle(ctx, bridge.UserMessage{Address: addr, PlatformID: strconv.Itoa(j + 1), Text: "hello agent"}); err != nil {
							b.Error(err)
							return
						}
						<-wait
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "relayed/s")
		})
	}
}
