package bridge

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff spaces an adapter's attempts to reach its platform: the wait
// doubles from Base up to Max, and each is drawn within ±20% so that
// adapters (and bridges) that failed together do not retry in step.
type Backoff struct {
	Base, Max time.Duration
}

// ConnectBackoff is how adapters retry connecting to their platform: from
// about a second up to about a minute between attempts.
var ConnectBackoff = Backoff{Base: time.Second, Max: time.Minute}

// Delay is the wait before retry number attempt (0 for the first retry).
func (b Backoff) Delay(attempt int) time.Duration {
	d := b.Base
	for i := 0; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// Wait pauses for Delay(attempt) unless ctx ends first; it reports
// whether to go on.
func (b Backoff) Wait(ctx context.Context, attempt int) bool {
	t := time.NewTimer(b.Delay(attempt))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
