package bridge

import (
	"context"
	"sync"

	"golang.org/x/time/rate"
)

// RatePolicy paces a destination's deliveries. The outbox sender waits on it
// before each delivery; a platform's 429 is handled separately, by the
// adapter returning a RetryAfterError.
type RatePolicy interface {
	Wait(ctx context.Context, e *OutboxEntry) error
}

// RateLimited is an adapter that brings its own pacing (Slack about one
// message per second per channel, Telegram 30 per second overall, …).
type RateLimited interface {
	RatePolicy() RatePolicy
}

// KeyedLimit is a RatePolicy of token buckets: one per key (e.g. a channel
// or chat), and optionally one shared by all keys.
type KeyedLimit struct {
	// Key maps an entry to its bucket; nil puts every entry in one bucket.
	Key      func(*OutboxEntry) string
	PerKey   rate.Limit
	Burst    int
	Global   rate.Limit // zero: no global limit
	GlobalN  int
	mu       sync.Mutex
	buckets  map[string]*rate.Limiter
	global   *rate.Limiter
	initOnce sync.Once
}

// Wait blocks until both the entry's bucket and the global bucket allow it.
func (k *KeyedLimit) Wait(ctx context.Context, e *OutboxEntry) error {
	k.initOnce.Do(func() {
		k.buckets = make(map[string]*rate.Limiter)
		if k.Global > 0 {
			k.global = rate.NewLimiter(k.Global, max(k.GlobalN, 1))
		}
	})
	if k.PerKey > 0 {
		key := ""
		if k.Key != nil {
			key = k.Key(e)
		}
		k.mu.Lock()
		b := k.buckets[key]
		if b == nil {
			b = rate.NewLimiter(k.PerKey, max(k.Burst, 1))
			k.buckets[key] = b
		}
		k.mu.Unlock()
		if err := b.Wait(ctx); err != nil {
			return err
		}
	}
	if k.global != nil {
		return k.global.Wait(ctx)
	}
	return nil
}
