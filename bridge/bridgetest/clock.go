package bridgetest

import (
	"context"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// Clock is a bridge.Clock that moves only when Advance is called.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*timer
	armed  waitfor.Changes // told when a timer is armed
}

var _ bridge.Clock = (*Clock)(nil)

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward and fires the timers that are due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	var keep []*timer
	var fire []*timer
	for _, t := range c.timers {
		if !t.at.After(now) {
			fire = append(fire, t)
		} else {
			keep = append(keep, t)
		}
	}
	c.timers = keep
	c.mu.Unlock()
	for _, t := range fire {
		select {
		case t.c <- now:
		default:
		}
	}
}

// Timers counts the timers waiting to fire, so that a test can wait until
// the code under test has armed one before it advances the clock.
func (c *Clock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// NewTimer makes a timer that fires when the clock passes now+d.
func (c *Clock) NewTimer(d time.Duration) bridge.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{clock: c, at: c.now.Add(d), c: make(chan time.Time, 1)}
	if d <= 0 {
		t.c <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	c.armed.Notify()
	return t
}

// WaitTimer blocks until a timer is armed that fires at or before at, so
// that a test advances the clock only once the code under test waits on it.
func (c *Clock) WaitTimer(ctx context.Context, at time.Time) error {
	return c.armed.Until(ctx, "a timer due by "+at.Format(time.TimeOnly), func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, t := range c.timers {
			if !t.at.After(at) {
				return true
			}
		}
		return false
	})
}

type timer struct {
	clock *Clock
	at    time.Time
	c     chan time.Time
}

func (t *timer) C() <-chan time.Time { return t.c }

func (t *timer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	for i, x := range t.clock.timers {
		if x == t {
			t.clock.timers = append(t.clock.timers[:i], t.clock.timers[i+1:]...)
			return true
		}
	}
	return false
}
