package bridge

import (
	"context"
	"sync"

	"golang.org/x/time/rate"
)

// RatePolicy paces a destination's deliveries. The outbox waits on it
// before each delivery; a platform's 429 is handled separately, by the
// adapter returning a RetryAfterError.
type RatePolicy interface {
	Wait(ctx context.Context, p Parcel) error
}

// RateLimited is an adapter that brings its own pacing (Slack about one
// message per second per channel, Telegram 30 per second overall, …).
type RateLimited interface {
	RatePolicy() RatePolicy
}

// Parcel is what a rate policy learns of a delivery about to go out.
type Parcel struct {
	Destination Destination
	// Stream orders the destination's deliveries: one per conversation
	// for a user channel (so per chat), one per handoff for a workspace.
	Stream string
	Op     Op
	// Handoff is the handoff of a thread or agent operation, and Channel
	// the channel a thread opens in (OpThreadOpen); empty otherwise.
	Handoff HandoffID
	Channel string
}

// parcelOf describes entry for its destination's rate policy.
func parcelOf(entry *OutboxEntry) Parcel {
	p := Parcel{Destination: entry.Destination, Stream: entry.Stream, Op: entry.Op}
	switch entry.Op {
	case OpThreadOpen, OpThreadUpdate, OpThreadPost, OpThreadNote, OpAgentTell:
		var t struct {
			Handoff HandoffID `json:"handoff"`
			Channel string    `json:"channel"`
		}
		if decode(entry, &t) == nil {
			p.Handoff, p.Channel = t.Handoff, t.Channel
		}
	}
	return p
}

// KeyedLimit is a RatePolicy of token buckets: one per key (e.g. a channel
// or chat), and optionally one shared by all keys.
type KeyedLimit struct {
	// Key maps a delivery to its bucket; nil puts every delivery in one
	// bucket.
	Key      func(Parcel) string
	PerKey   rate.Limit
	Burst    int
	Global   rate.Limit // zero: no global limit
	GlobalN  int
	mu       sync.Mutex
	buckets  map[string]*rate.Limiter
	global   *rate.Limiter
	initOnce sync.Once
}

// Wait blocks until both the delivery's bucket and the global bucket
// allow it.
func (k *KeyedLimit) Wait(ctx context.Context, p Parcel) error {
	key := ""
	if k.PerKey > 0 && k.Key != nil {
		key = k.Key(p)
	}
	return k.WaitKey(ctx, key)
}

// WaitKey blocks until both key's bucket and the global bucket allow one
// more: for an adapter that sends more than one message for a delivery.
func (k *KeyedLimit) WaitKey(ctx context.Context, key string) error {
	k.initOnce.Do(func() {
		k.buckets = make(map[string]*rate.Limiter)
		if k.Global > 0 {
			k.global = rate.NewLimiter(k.Global, max(k.GlobalN, 1))
		}
	})
	if k.PerKey > 0 {
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
