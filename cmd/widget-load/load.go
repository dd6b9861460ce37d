package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/handoffbridge/handoff/adapters/web/webfake"
)

type config struct {
	url      string
	sessions int
	active   int
	rate     float64
	duration time.Duration
}

// dialConcurrency bounds how many handshakes are in flight at once.
const dialConcurrency = 100

func load(ctx context.Context, c config) error {
	statsURL := "http" + strings.TrimSuffix(strings.TrimPrefix(c.url, "ws"), "/ws") + "/stats"
	before, err := getStats(ctx, statsURL)
	if err != nil {
		return err
	}
	fmt.Printf("bridge at start: %s\n", before)

	start := time.Now()
	idle, err := openSessions(ctx, c.url, c.sessions)
	defer func() {
		for _, cl := range idle {
			cl.Drop()
		}
	}()
	if err != nil {
		return err
	}
	idleStats, err := getStats(ctx, statsURL)
	if err != nil {
		return err
	}
	fmt.Printf("%d idle sessions opened in %s\nbridge with them: %s\n", len(idle), time.Since(start).Round(time.Millisecond), idleStats)
	if c.active == 0 {
		return nil
	}
	return runActive(ctx, c, statsURL)
}

func openSessions(ctx context.Context, url string, n int) ([]*webfake.Client, error) {
	out := make([]*webfake.Client, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(dialConcurrency)
	for i := range n {
		g.Go(func() error {
			cl, err := webfake.Dial(gctx, url, webfake.Options{Discard: true})
			if err != nil {
				return fmt.Errorf("session %d: %w", i, err)
			}
			out[i] = cl
			_, err = cl.WaitFor(gctx, "state", func(fs []webfake.Frame) bool {
				return slices.ContainsFunc(fs, func(f webfake.Frame) bool { return f.Type == "state" })
			})
			return err
		})
	}
	err := g.Wait()
	return slices.DeleteFunc(out, func(c *webfake.Client) bool { return c == nil }), err
}

// runActive has each active session ask for a human, wait for the echo
// agent, then send pings at the rate, timing each until its pong.
func runActive(ctx context.Context, c config, statsURL string) error {
	var (
		mu        sync.Mutex
		latencies []time.Duration
		sent      atomic.Int64
		errs      atomic.Int64
	)
	clients := make([]*webfake.Client, c.active)
	pending := make([]sync.Map, c.active) // ping id -> send time
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(dialConcurrency)
	for i := range c.active {
		g.Go(func() error {
			cl, err := webfake.Dial(gctx, c.url, webfake.Options{OnFrame: func(f webfake.Frame) {
				if f.Type == "error" {
					errs.Add(1)
				}
				if f.Type != "message" || f.Role != "agent" || !strings.HasPrefix(f.Text, "pong ") {
					return
				}
				if t0, ok := pending[i].LoadAndDelete(strings.TrimPrefix(f.Text, "pong ")); ok {
					mu.Lock()
					latencies = append(latencies, time.Since(t0.(time.Time)))
					mu.Unlock()
				}
			}})
			if err != nil {
				return err
			}
			clients[i] = cl
			if _, err := cl.Say(gctx, "talk to a human"); err != nil {
				return err
			}
			_, err = cl.WaitFor(gctx, "the echo agent joined", func(fs []webfake.Frame) bool {
				return slices.ContainsFunc(fs, func(f webfake.Frame) bool { return f.Notice == "joined" })
			})
			return err
		})
	}
	defer func() {
		for _, cl := range clients {
			if cl != nil {
				cl.Drop()
			}
		}
	}()
	if err := g.Wait(); err != nil {
		return fmt.Errorf("active sessions: %w", err)
	}
	before, err := getStats(ctx, statsURL)
	if err != nil {
		return err
	}
	fmt.Printf("%d active sessions joined by the echo agent; sending %.2g msg/s each for %s\n", c.active, c.rate, c.duration)
	runCtx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	interval := time.Duration(float64(time.Second) / c.rate)
	var wg sync.WaitGroup
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Spread the sessions over the interval.
			offset := time.Duration(int64(interval) * int64(i) / int64(len(clients)))
			select {
			case <-time.After(offset):
			case <-runCtx.Done():
				return
			}
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for n := 0; ; n++ {
				id := strconv.Itoa(i) + "-" + strconv.Itoa(n)
				pending[i].Store(id, time.Now())
				if _, err := cl.Say(runCtx, "ping "+id); err != nil {
					return
				}
				sent.Add(1)
				select {
				case <-tick.C:
				case <-runCtx.Done():
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := c.duration
	after, err := getStats(ctx, statsURL)
	if err != nil {
		return err
	}
	// Let the last pongs arrive.
	drain := time.Now().Add(5 * time.Second)
	for time.Now().Before(drain) {
		mu.Lock()
		n := len(latencies)
		mu.Unlock()
		if int64(n) >= sent.Load() {
			break
		}
		time.Sleep(50 * time.Millisecond) // polling a counter in a command, not a test
	}
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(latencies)
	if len(latencies) == 0 {
		return errors.New("no round trip completed")
	}
	pct := func(p float64) time.Duration { return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))] }
	cpu := after.CPUSeconds - before.CPUSeconds
	fmt.Printf("sent %d, echoed %d, refused %d\nround trip p50 %s  p90 %s  p99 %s  max %s\n",
		sent.Load(), len(latencies), errs.Load(), pct(0.50).Round(time.Microsecond), pct(0.90).Round(time.Microsecond),
		pct(0.99).Round(time.Microsecond), latencies[len(latencies)-1].Round(time.Microsecond))
	fmt.Printf("bridge CPU during the run: %.1f s over %s = %.0f%% of one core\nbridge at the end: %s\n",
		cpu, elapsed, 100*cpu/elapsed.Seconds(), after)
	return nil
}

func getStats(ctx context.Context, url string) (stats, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return stats{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return stats{}, fmt.Errorf("read bridge stats at %s (is it a widget-load -serve bridge?): %w", url, err)
	}
	defer resp.Body.Close()
	var s stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return stats{}, fmt.Errorf("decode bridge stats: %w", err)
	}
	return s, nil
}

func (s stats) String() string {
	return fmt.Sprintf("RSS %.1f MiB (peak %.1f MiB), heap %.1f MiB, stacks %.1f MiB, %d goroutines, CPU %.1fs, widget %s",
		float64(s.RSSBytes)/(1<<20), float64(s.PeakRSSBytes)/(1<<20), float64(s.HeapBytes)/(1<<20), float64(s.StackBytes)/(1<<20),
		s.Goroutines, s.CPUSeconds, s.Widget)
}
