package whatsapp_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestMeasureWebhook measures the webhook's answer time and the inbox's
// processing through the fake: many numbers writing at once, each message
// answered by the AI. Run with WHATSAPP_MEASURE=1 -v; it checks that every
// answer arrives once and logs the figures.
func TestMeasureWebhook(t *testing.T) {
	if os.Getenv("WHATSAPP_MEASURE") == "" {
		t.Skip("set WHATSAPP_MEASURE=1 to measure")
	}
	const users, perUser, posters = 200, 5, 32
	r := newRig(t, unpaced())
	type job struct {
		user string
		body []byte
	}
	var jobs []job
	for i := range perUser {
		for u := range users {
			user := fmt.Sprintf("1555%07d", u)
			_, body := r.fake.UserText(user, "U", fmt.Sprintf("echo %d", i))
			jobs = append(jobs, job{user, body})
		}
	}
	ch := make(chan job)
	var mu sync.Mutex
	var waits []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for range posters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				t0 := time.Now()
				code, err := r.fake.Deliver(context.Background(), r.web.URL+"/whatsapp/webhook", j.body, "")
				d := time.Since(t0)
				if err != nil || code != http.StatusOK {
					t.Errorf("delivery answered %d, %v", code, err)
				}
				mu.Lock()
				waits = append(waits, d)
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	accepted := time.Since(start)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	lost, dup := 0, 0
	for u := range users {
		user := fmt.Sprintf("1555%07d", u)
		if err := r.fake.WaitFor(ctx, func() bool { return len(r.fake.Sent(user)) >= perUser }); err != nil {
			lost += perUser - len(r.fake.Sent(user))
			continue
		}
		seen := map[string]int{}
		for _, m := range r.fake.Sent(user) {
			seen[m.Text]++
		}
		for i := range perUser {
			if n := seen[fmt.Sprintf("echo: %d", i)]; n == 0 {
				lost++
			} else if n > 1 {
				dup += n - 1
			}
		}
	}
	done := time.Since(start)
	slices.Sort(waits)
	n := len(waits)
	t.Logf("%d deliveries from %d numbers (%d posters): accepted in %v (%.0f/s), webhook answer p50 %v p99 %v max %v; all %d AI answers sent after %v (%.0f/s); lost %d, duplicated %d",
		n, users, posters, accepted.Round(time.Millisecond), float64(n)/accepted.Seconds(),
		waits[n/2].Round(time.Microsecond), waits[n*99/100].Round(time.Microsecond), waits[n-1].Round(time.Microsecond),
		users*perUser, done.Round(time.Millisecond), float64(users*perUser)/done.Seconds(), lost, dup)
	if lost != 0 || dup != 0 {
		t.Errorf("lost %d, duplicated %d", lost, dup)
	}
}
