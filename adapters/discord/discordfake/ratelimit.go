package discordfake

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Limit is a rate-limit bucket's size: Requests per Window.
type Limit struct {
	Requests int
	Window   time.Duration
}

// Limits are the fake's rate limits. Discord's documented defaults are about
// 5 messages per 5 s per channel and 50 requests per second per bot.
type Limits struct {
	// Routes maps a route template ("POST /channels/{id}/messages") to its
	// bucket size; each major parameter (channel, webhook) has its own.
	Routes map[string]Limit
	// Global caps all requests of the bot; zero: no global limit.
	Global Limit
}

// DefaultLimits are close to Discord's.
func DefaultLimits() Limits {
	return Limits{
		Routes: map[string]Limit{
			"POST /channels/{id}/messages":                           {5, 5 * time.Second},
			"PATCH /channels/{id}/messages/{id}":                     {5, 5 * time.Second},
			"PATCH /channels/{id}":                                   {2, 10 * time.Minute},
			"PUT /channels/{id}/messages/{id}/reactions/{emoji}/@me": {1, 250 * time.Millisecond},
		},
		Global: Limit{50, time.Second},
	}
}

type window struct {
	limit Limit
	start time.Time
	used  int
}

// take counts a request; it reports the remaining count and time to reset,
// or ok=false when the window is full.
func (w *window) take(now time.Time) (remaining int, reset time.Duration, ok bool) {
	if now.Sub(w.start) >= w.limit.Window {
		w.start, w.used = now, 0
	}
	reset = w.limit.Window - now.Sub(w.start)
	if w.used >= w.limit.Requests {
		return 0, reset, false
	}
	w.used++
	return w.limit.Requests - w.used, reset, true
}

type limiter struct {
	mu      sync.Mutex
	limits  Limits
	buckets map[string]*window // route template + major parameter
	global  *window
	forced  map[string][]forced429 // route template → queued 429s
	counts  map[string]int         // 429s answered per route template
}

type forced429 struct {
	after  time.Duration
	global bool
}

func newLimiter(l Limits) *limiter {
	lim := &limiter{limits: l, buckets: map[string]*window{}, forced: map[string][]forced429{}, counts: map[string]int{}}
	if l.Global.Requests > 0 {
		lim.global = &window{limit: l.Global}
	}
	return lim
}

func bucketHash(route string) string {
	sum := sha1.Sum([]byte(route))
	return hex.EncodeToString(sum[:8])
}

func seconds(d time.Duration) string {
	return strconv.FormatFloat(math.Ceil(d.Seconds()*1000)/1000, 'f', 3, 64)
}

// admit applies the limits to one request. It writes the rate-limit headers
// and, when the request is over a limit, the 429 answer, and reports whether
// the request may go on.
func (l *limiter) admit(w http.ResponseWriter, route, major string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	h := w.Header()
	if q := l.forced[route]; len(q) > 0 {
		f := q[0]
		l.forced[route] = q[1:]
		l.counts[route]++
		l.writeHeaders(h, route, 1, 0, f.after)
		write429(w, f.after, f.global)
		return false
	}
	if l.global != nil {
		if _, reset, ok := l.global.take(now); !ok {
			l.counts[route]++
			write429(w, reset, true)
			return false
		}
	}
	lim, limited := l.limits.Routes[route]
	if !limited {
		return true
	}
	key := route + " " + major
	b := l.buckets[key]
	if b == nil {
		b = &window{limit: lim}
		l.buckets[key] = b
	}
	remaining, reset, ok := b.take(now)
	l.writeHeaders(h, route, lim.Requests, remaining, reset)
	if !ok {
		l.counts[route]++
		write429(w, reset, false)
	}
	return ok
}

func (l *limiter) writeHeaders(h http.Header, route string, limit, remaining int, reset time.Duration) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset-After", seconds(reset))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(time.Now().Add(reset).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", bucketHash(route))
}

// write429 answers as Discord does: Retry-After in whole seconds, and a JSON
// body whose retry_after is in seconds with a fraction.
func write429(w http.ResponseWriter, after time.Duration, global bool) {
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(after.Seconds()))))
	scope := "user"
	if global {
		h.Set("X-RateLimit-Global", "true")
		scope = "global"
		h.Set("X-RateLimit-Reset-After", seconds(after))
	}
	h.Set("X-RateLimit-Scope", scope)
	h.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": math.Round(after.Seconds()*1000) / 1000,
		"global":      global,
		"code":        0,
	})
}

func (l *limiter) force(route string, n int, after time.Duration, global bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for range n {
		l.forced[route] = append(l.forced[route], forced429{after, global})
	}
}

func (l *limiter) count(route string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.counts[route]
}
