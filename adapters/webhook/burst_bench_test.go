package webhook_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/webhook/webhookfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// stampedWorkspace records when each handoff's thread was opened: the
// moment agents can see the request.
type stampedWorkspace struct {
	*bridgetest.Workspace
	mu     sync.Mutex
	opened map[bridge.HandoffID]time.Time
}

func (w *stampedWorkspace) OpenThread(ctx context.Context, channel string, card bridge.HandoffCard) (bridge.ThreadRef, error) {
	ref, err := w.Workspace.OpenThread(ctx, channel, card)
	w.mu.Lock()
	w.opened[card.Handoff] = time.Now()
	w.mu.Unlock()
	return ref, err
}

type burstResult struct {
	handleP50, handleP99, threadP50, threadP99 time.Duration
	allDelivered                               time.Duration
	doneAfter                                  map[string]time.Duration // per receiver
	attempts                                   map[string][2]float64    // receiver: mean, max attempts per delivery
}

const burstHandoffs = 1000

// runBurst requests burstHandoffs handoffs at once from 32 users at a time
// and measures how long the handoffs themselves take (Handle, and until
// the thread is open) and, with receivers, how long until every receiver
// has every handoff.requested.
func runBurst(b *testing.B, receivers map[string]*webhookfake.Receiver, latencyOnly bool) burstResult {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var names []string
	for name := range receivers {
		names = append(names, name)
	}
	slices.Sort(names)
	e, err := bridge.New(bridge.Options{Store: st, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Settings: rigSettings(0, names),
		Responder: bridge.ResponderFunc(func(context.Context, bridge.Question) (bridge.Reply, error) {
			return bridge.Reply{Text: "ok", Confidence: 1}, nil
		})})
	if err != nil {
		b.Fatal(err)
	}
	ws := &stampedWorkspace{Workspace: bridgetest.NewWorkspace(bridge.WorkspaceSlack), opened: map[bridge.HandoffID]time.Time{}}
	e.RegisterUserChannel(bridgetest.NewUserChannel(bridge.ChannelWeb))
	e.RegisterWorkspace(ws)
	for _, name := range names {
		e.RegisterNotifier(name, hook(&testing.T{}, receivers[name], nil))
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = e.Run(runCtx) }()
	defer func() { stop(); <-done }()

	var mu sync.Mutex
	started := map[bridge.HandoffID]time.Time{}
	var handle []time.Duration
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	burst := time.Now()
	for i := range burstHandoffs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			chat := fmt.Sprint("user-", i)
			t := time.Now()
			out, err := e.Handle(ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat}, PlatformID: chat, Text: "talk to a human"})
			d := time.Since(t)
			if err != nil || out.Handoff == 0 {
				b.Errorf("handoff %d: %v", i, err)
				return
			}
			mu.Lock()
			started[out.Handoff], handle = t, append(handle, d)
			mu.Unlock()
		}()
	}
	wg.Wait()
	waitCtx, cancel := context.WithTimeout(ctx, 40*time.Minute)
	defer cancel()
	if _, err := ws.WaitFor(waitCtx, "every thread", func(ops []bridgetest.ThreadOp) bool {
		ws.mu.Lock()
		defer ws.mu.Unlock()
		return len(ws.opened) == burstHandoffs
	}); err != nil {
		b.Fatal(err)
	}
	res := burstResult{doneAfter: map[string]time.Duration{}}
	if latencyOnly {
		res.handleP50, res.handleP99 = percentile(handle, 50), percentile(handle, 99)
		res.threadP50, res.threadP99 = threadDelays(ws, started, &mu)
		return res
	}
	var rwg sync.WaitGroup
	for _, name := range names {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			if _, err := receivers[name].WaitAccepted(waitCtx, burstHandoffs); err != nil {
				b.Error(err)
			}
			mu.Lock()
			res.doneAfter[name] = time.Since(burst)
			mu.Unlock()
		}()
	}
	rwg.Wait()
	if len(names) > 0 {
		res.allDelivered = time.Since(burst)
	}
	res.handleP50, res.handleP99 = percentile(handle, 50), percentile(handle, 99)
	res.threadP50, res.threadP99 = threadDelays(ws, started, &mu)
	res.attempts = map[string][2]float64{}
	for _, name := range names {
		// The outbox marks an entry delivered just after the receiver's
		// answer: wait for the log to show all of them.
		var log []bridge.Delivery
		for {
			log, err = st.Deliveries(ctx, bridge.DestinationNotifier, name, 0)
			if err != nil {
				b.Fatal(err)
			}
			if !slices.ContainsFunc(log, func(d bridge.Delivery) bool { return d.Status != bridge.DeliveryDelivered }) || waitCtx.Err() != nil {
				break
			}
			select {
			case <-time.After(10 * time.Millisecond):
			case <-waitCtx.Done():
			}
		}
		total, most := 0, 0
		for _, d := range log {
			total += d.Attempts + 1
			most = max(most, d.Attempts+1)
		}
		res.attempts[name] = [2]float64{float64(total) / float64(len(log)), float64(most)}
	}
	return res
}

// threadDelays is the p50 and p99 of the time from a handoff's request to
// its thread being open.
func threadDelays(ws *stampedWorkspace, started map[bridge.HandoffID]time.Time, mu *sync.Mutex) (p50, p99 time.Duration) {
	var thread []time.Duration
	mu.Lock()
	ws.mu.Lock()
	for h, at := range ws.opened {
		thread = append(thread, at.Sub(started[h]))
	}
	ws.mu.Unlock()
	mu.Unlock()
	return percentile(thread, 50), percentile(thread, 99)
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

// BenchmarkNotificationBurst: 1,000 handoffs at once, with three webhook
// receivers (one answering in 50 ms, one failing half of its requests at
// random, one healthy) and without notifiers. Run with -benchtime=1x:
//
//	go test -run XXX -bench NotificationBurst -benchtime 1x ./adapters/webhook/
func BenchmarkNotificationBurst(b *testing.B) {
	for range b.N {
		without := runBurst(b, nil, false)
		slow := webhookfake.NewReceiver(secret)
		defer slow.Close()
		slow.Delay(50 * time.Millisecond)
		flaky := webhookfake.NewReceiver(secret)
		defer flaky.Close()
		flaky.FailRandomly(0.5)
		healthy := webhookfake.NewReceiver(secret)
		defer healthy.Close()
		with := runBurst(b, map[string]*webhookfake.Receiver{"slow": slow, "flaky": flaky, "healthy": healthy}, false)

		b.ReportMetric(with.allDelivered.Seconds(), "s-all-delivered")
		for name, d := range with.doneAfter {
			b.ReportMetric(d.Seconds(), "s-delivered-"+name)
		}
		for name, a := range with.attempts {
			b.ReportMetric(a[0], "attempts/delivery-"+name)
			b.ReportMetric(a[1], "max-attempts-"+name)
		}
		b.ReportMetric(float64(without.handleP99.Microseconds())/1000, "ms-handle-p99-without")
		b.ReportMetric(float64(with.handleP99.Microseconds())/1000, "ms-handle-p99-with")
		b.ReportMetric(float64(without.threadP99.Microseconds())/1000, "ms-thread-open-p99-without")
		b.ReportMetric(float64(with.threadP99.Microseconds())/1000, "ms-thread-open-p99-with")
		b.Logf("without notifiers: Handle p50 %v p99 %v; thread open p50 %v p99 %v", without.handleP50, without.handleP99, without.threadP50, without.threadP99)
		b.Logf("with 3 receivers:  Handle p50 %v p99 %v; thread open p50 %v p99 %v; all %d events at all 3 receivers after %v; attempts %v; flaky stats %+v",
			with.handleP50, with.handleP99, with.threadP50, with.threadP99, burstHandoffs, with.allDelivered, with.attempts, flaky.Stats())
	}
}

// BenchmarkNotificationBurstLatency is the handoffs' side of
// BenchmarkNotificationBurst alone, without waiting for the failing
// receiver's retries: bursts without and with the three receivers, in
// turn, three times each; it reports the medians of their p99s.
//
//	go test -run XXX -bench NotificationBurstLatency -benchtime 1x ./adapters/webhook/
func BenchmarkNotificationBurstLatency(b *testing.B) {
	for range b.N {
		var handleWithout, handleWith, threadWithout, threadWith []time.Duration
		for range 3 {
			without := runBurst(b, nil, true)
			slow := webhookfake.NewReceiver(secret)
			slow.Delay(50 * time.Millisecond)
			flaky := webhookfake.NewReceiver(secret)
			flaky.FailRandomly(0.5)
			healthy := webhookfake.NewReceiver(secret)
			with := runBurst(b, map[string]*webhookfake.Receiver{"slow": slow, "flaky": flaky, "healthy": healthy}, true)
			slow.Close()
			flaky.Close()
			healthy.Close()
			handleWithout, handleWith = append(handleWithout, without.handleP99), append(handleWith, with.handleP99)
			threadWithout, threadWith = append(threadWithout, without.threadP99), append(threadWith, with.threadP99)
		}
		ms := func(ds []time.Duration) float64 { return float64(percentile(ds, 50).Microseconds()) / 1000 }
		b.ReportMetric(ms(handleWithout), "ms-handle-p99-without")
		b.ReportMetric(ms(handleWith), "ms-handle-p99-with")
		b.ReportMetric(ms(threadWithout), "ms-thread-open-p99-without")
		b.ReportMetric(ms(threadWith), "ms-thread-open-p99-with")
		b.Logf("Handle p99 without %v, with %v; thread open p99 without %v, with %v", handleWithout, handleWith, threadWithout, threadWith)
	}
}
