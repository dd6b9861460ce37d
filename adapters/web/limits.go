package web

import (
	"sync"

	"golang.org/x/time/rate"
)

// limiters hold the token buckets of sessions and IP addresses. An entry
// lives while a socket uses it, and afterwards until its bucket is full
// again (so reconnecting does not reset a limit); stale entries are swept
// as new ones come, which bounds memory without a goroutine.
type limiters struct {
	mu       sync.Mutex
	sessions map[string]*bucket
	ips      map[string]*bucket
	acquires int

	sessionRate  rate.Limit
	sessionBurst int
	ipRate       rate.Limit
	ipBurst      int
}

type bucket struct {
	refs  int
	lim   *rate.Limiter
	burst int
}

// sweepEvery is how many acquisitions pass between sweeps.
const sweepEvery = 1024

func newLimiters(sr rate.Limit, sb int, ir rate.Limit, ib int) *limiters {
	return &limiters{sessions: map[string]*bucket{}, ips: map[string]*bucket{},
		sessionRate: sr, sessionBurst: sb, ipRate: ir, ipBurst: ib}
}

// acquire returns the buckets of a socket's session and IP; release them
// when the socket closes.
func (l *limiters) acquire(session, ip string) (s, i *bucket) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acquires++
	if l.acquires%sweepEvery == 0 {
		sweep(l.sessions)
		sweep(l.ips)
	}
	return take(l.sessions, session, l.sessionRate, l.sessionBurst), take(l.ips, ip, l.ipRate, l.ipBurst)
}

func (l *limiters) release(s, i *bucket) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s.refs--
	i.refs--
}

func take(m map[string]*bucket, key string, r rate.Limit, burst int) *bucket {
	b := m[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(r, burst), burst: burst}
		m[key] = b
	}
	b.refs++
	return b
}

func sweep(m map[string]*bucket) {
	for k, b := range m {
		if b.refs == 0 && b.lim.Tokens() >= float64(b.burst) {
			delete(m, k)
		}
	}
}

// size is the number of buckets kept, for tests.
func (l *limiters) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.sessions) + len(l.ips)
}
