package bridge

import "context"

// OnlyEvents wraps n so that it is told only the events wants accepts (a
// notifier's configured `events`). The core queues every event for every
// notifier of the team; an unwanted one is acknowledged without being sent,
// so it shows as delivered in the delivery log. n's own pacing
// (RateLimited), if any, is kept.
func OnlyEvents(n Notifier, wants func(HandoffEventKind) bool) Notifier {
	f := eventFilter{next: n, wants: wants}
	if rl, ok := n.(RateLimited); ok {
		return rateLimitedEventFilter{eventFilter: f, rl: rl}
	}
	return f
}

type eventFilter struct {
	next  Notifier
	wants func(HandoffEventKind) bool
}

var (
	_ Notifier    = eventFilter{}
	_ RateLimited = rateLimitedEventFilter{}
)

func (f eventFilter) Notify(ctx context.Context, n Notification) error {
	if f.wants != nil && !f.wants(n.Event) {
		return nil
	}
	return f.next.Notify(ctx, n)
}

type rateLimitedEventFilter struct {
	eventFilter
	rl RateLimited
}

func (f rateLimitedEventFilter) RatePolicy() RatePolicy { return f.rl.RatePolicy() }
