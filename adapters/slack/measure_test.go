package slack_test

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
)

// TestMeasureBacklog is the measurement, scaled in time: N active
// handoffs in one channel, each user writing every interval for a while,
// against a channel limit of limit posts/s (the fake enforces it; the
// adapter paces at the same rate). It reports loss, duplicates, order and
// the delay from the user's send to the thread post. Run with
// SLACK_MEASURE=1 (and SLACK_MEASURE_SCALE=1 for the full 3 minutes).
func TestMeasureBacklog(t *testing.T) {
	if os.Getenv("SLACK_MEASURE") == "" {
		t.Skip("set SLACK_MEASURE=1 to measure")
	}
	scale := 10.0 // time runs this many times faster than the scenario
	if s, err := strconv.ParseFloat(os.Getenv("SLACK_MEASURE_SCALE"), 64); err == nil && s > 0 {
		scale = s
	}
	const handoffs = 20
	interval := time.Duration(float64(10*time.Second) / scale)
	duration := time.Duration(float64(3*time.Minute) / scale)
	limit := rate.Limit(1 * scale)
	e := newEnv(t, envOptions{fake: slackfake.Options{PostRate: limit, PostBurst: 3}, perSecond: limit, burst: 3})
	e.ctx = t.Context()
	roots := make([]string, handoffs)
	for i := range handoffs {
		id, root := e.requestThread(fmt.Sprintf("u%02d", i))
		roots[i] = root
		if _, err := e.fake.Click(e.ctx, "UANA", channel, root, "handoff_join", id.String()); err != nil {
			t.Fatal(err)
		}
	}
	e.waitFake("all joined", func() bool {
		for _, r := range roots {
			if !strings.Contains(e.threadText(r), "joined") {
				return false
			}
		}
		return true
	})
	var mu sync.Mutex
	sent := map[string]time.Time{}
	start := time.Now()
	var wg sync.WaitGroup
	perUser := int(duration / interval)
	for i := range handoffs {
		wg.Go(func() {
			// Users start spread over one interval, as real ones would.
			next := start.Add(time.Duration(i) * interval / handoffs)
			for n := range perUser {
				time.Sleep(time.Until(next)) // the scenario's pacing, not synchronisation
				text := fmt.Sprintf("msg-u%02d-%03d", i, n)
				mu.Lock()
				sent[text] = time.Now()
				mu.Unlock()
				e.userSays(fmt.Sprintf("u%02d", i), text)
				next = next.Add(interval)
			}
		})
	}
	wg.Wait()
	e.waitFake("every message posted", func() bool {
		for i, r := range roots {
			if !strings.Contains(e.threadText(r), fmt.Sprintf("msg-u%02d-%03d", i, perUser-1)) {
				return false
			}
		}
		return true
	})
	var delays []time.Duration
	lost, dup, disorder := 0, 0, 0
	for i, r := range roots {
		seen := map[string]int{}
		last := -1
		for _, m := range e.fake.Replies(channel, r) {
			for _, line := range strings.Split(texts(m), "\n") {
				if !strings.HasPrefix(line, "msg-") {
					continue
				}
				seen[line]++
				n, _ := strconv.Atoi(line[len(line)-3:])
				if n < last {
					disorder++
				}
				last = n
				if seen[line] == 1 {
					delays = append(delays, m.At.Sub(sent[line]))
				}
			}
		}
		for n := range perUser {
			c := seen[fmt.Sprintf("msg-u%02d-%03d", i, n)]
			if c == 0 {
				lost++
			}
			if c > 1 {
				dup += c - 1
			}
		}
	}
	slices.Sort(delays)
	pct := func(p float64) time.Duration { return delays[int(p*float64(len(delays)-1))] }
	t.Logf("scale 1/%.0f: %d handoffs, %d messages each every %s for %s, limit %.0f posts/s per channel",
		scale, handoffs, perUser, interval, duration, float64(limit))
	t.Logf("sent %d, lost %d, duplicated %d, out of order %d, 429 answers %d", handoffs*perUser, lost, dup, disorder, e.fake.RateLimited())
	t.Logf("delay user send → thread post: p50 %s, p99 %s, max %s (scaled back: p50 %s, p99 %s)",
		pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), delays[len(delays)-1].Round(time.Millisecond),
		time.Duration(float64(pct(0.5))*scale).Round(time.Second), time.Duration(float64(pct(0.99))*scale).Round(time.Second))
	if lost+dup+disorder > 0 {
		t.Fatalf("lost %d, duplicated %d, out of order %d", lost, dup, disorder)
	}
}
