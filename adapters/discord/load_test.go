package discord_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
)

// timedChannel is a widget-like user channel that notes when each agent
// message arrives.
type timedChannel struct {
	mu  sync.Mutex
	got map[string][]time.Time // text → arrival times
}

func (c *timedChannel) Kind() bridge.ChannelKind { return "loadweb" }

func (c *timedChannel) Send(_ context.Context, _ bridge.ChatAddress, m bridge.OutgoingMessage) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.got[m.Text] = append(c.got[m.Text], time.Now())
	return "", nil
}

// TestLoadRelay measures relay through the fake under Discord's default
// rate limits: N active handoffs, a user message and an agent message per
// handoff every 2 s. Run with:
//
//	DISCORD_LOAD=1 DISCORD_LOAD_HANDOFFS=50 DISCORD_LOAD_DURATION=2m go test -run TestLoadRelay -v -timeout 10m ./adapters/discord/
func TestLoadRelay(t *testing.T) {
	if os.Getenv("DISCORD_LOAD") == "" {
		t.Skip("set DISCORD_LOAD=1 to run the load measurement")
	}
	n := 50
	if v := os.Getenv("DISCORD_LOAD_HANDOFFS"); v != "" {
		fmt.Sscan(v, &n)
	}
	dur := 2 * time.Minute
	if v := os.Getenv("DISCORD_LOAD_DURATION"); v != "" {
		dur, _ = time.ParseDuration(v)
	}
	quiet = true
	tc := &timedChannel{got: map[string][]time.Time{}}
	e := newEnv(t, func(_ *discordfake.Options, _ *discord.Options, extra *[]bridge.UserChannel) {
		*extra = append(*extra, tc)
	})
	addr := func(i int) bridge.ChatAddress { return bridge.ChatAddress{Channel: "loadweb", ChatID: fmt.Sprint(i)} }
	userSays := func(i int, id, text string) {
		if _, err := e.engine.Handle(e.ctx, bridge.UserMessage{Address: addr(i), User: bridge.User{DisplayName: fmt.Sprint("user", i)}, PlatformID: id, Text: text}); err != nil {
			t.Errorf("user %d: %v", i, err)
		}
	}
	threads := make([]string, n)
	for i := range n {
		out, err := e.engine.Handle(e.ctx, bridge.UserMessage{Address: addr(i), PlatformID: "start", Text: "talk to a human"})
		if err != nil {
			t.Fatal(err)
		}
		threads[i] = e.card(out.Handoff)
		if _, err := e.fake.Click(e.desk, threads[i], fmt.Sprintf("hb:join:%d", out.Handoff), e.ana); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		e.threadHas(threads[i], "joined")
	}
	t.Logf("%d handoffs active; sending for %s", n, dur)

	sentUser := map[string]time.Time{}
	sentAgent := map[string]time.Time{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Stagger the handoffs over the 2 s period.
			next := start.Add(time.Duration(i) * 2 * time.Second / time.Duration(n))
			for k := 0; next.Sub(start) < dur; k++ {
				time.Sleep(time.Until(next)) // pacing the load, not synchronising the test
				ut, at := fmt.Sprintf("u-%d-%d", i, k), fmt.Sprintf("a-%d-%d", i, k)
				mu.Lock()
				sentUser[ut] = time.Now()
				mu.Unlock()
				userSays(i, ut, ut)
				mu.Lock()
				sentAgent[at] = time.Now()
				mu.Unlock()
				if _, err := e.fake.Say(threads[i], e.ana, at); err != nil {
					t.Error(err)
				}
				next = next.Add(2 * time.Second)
			}
		}()
	}
	wg.Wait()

	// Wait for the tail to arrive, then count.
	userSeen := func() (map[string][]time.Time, int) {
		seen := map[string][]time.Time{}
		for _, th := range threads {
			for _, m := range e.fake.Messages(th) {
				if m.Author.ID != e.fake.Bot.ID {
					continue
				}
				for _, l := range strings.Split(m.Content, "\n") {
					if i := strings.Index(l, "u-"); i >= 0 && strings.HasPrefix(l, "👤") {
						seen[l[i:]] = append(seen[l[i:]], m.Timestamp)
					}
				}
			}
		}
		return seen, len(seen)
	}
	waitCtx, cancel := context.WithTimeout(e.ctx, time.Minute)
	defer cancel()
	_ = e.fake.WaitFor(waitCtx, "all delivered", func() bool {
		_, got := userSeen()
		tc.mu.Lock()
		agents := 0
		for k := range tc.got {
			if strings.HasPrefix(k, "a-") {
				agents++
			}
		}
		tc.mu.Unlock()
		return got >= len(sentUser) && agents >= len(sentAgent)
	})
	seen, _ := userSeen()
	report := func(name string, sent map[string]time.Time, got map[string][]time.Time) {
		var lat []time.Duration
		lost, dup := 0, 0
		for k, at := range sent {
			arr := got[k]
			switch {
			case len(arr) == 0:
				lost++
				continue
			case len(arr) > 1:
				dup++
			}
			lat = append(lat, arr[0].Sub(at))
		}
		slices.Sort(lat)
		pct := func(p float64) time.Duration {
			if len(lat) == 0 {
				return 0
			}
			return lat[min(len(lat)-1, int(float64(len(lat))*p))]
		}
		t.Logf("%s: sent %d, lost %d, duplicated %d, p50 %s, p99 %s, max %s", name, len(sent), lost, dup,
			pct(0.50).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), pct(1).Round(time.Millisecond))
		if lost > 0 || dup > 0 {
			t.Errorf("%s: %d lost, %d duplicated", name, lost, dup)
		}
	}
	tc.mu.Lock()
	agentGot := map[string][]time.Time{}
	for k, v := range tc.got {
		if i := strings.Index(k, "a-"); i >= 0 {
			agentGot[k[i:]] = v
		}
	}
	tc.mu.Unlock()
	report("user→thread", sentUser, seen)
	report("agent→user", sentAgent, agentGot)
	t.Logf("429s answered on thread posts: %d", e.fake.RateLimited("POST /channels/{id}/messages"))
}
