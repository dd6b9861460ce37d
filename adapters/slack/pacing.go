package slack

import (
	"context"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// RatePolicy paces posts per channel (Slack allows about one
// chat.postMessage per second per channel, with short bursts). Updates,
// ephemerals and reactions have their own, looser limits and are not held
// back; every 429 is still honoured through RetryAfterError.
func (w *Workspace) RatePolicy() bridge.RatePolicy { return postPacing{w} }

type postPacing struct{ w *Workspace }

func (p postPacing) Wait(ctx context.Context, parcel bridge.Parcel) error {
	if parcel.Op != bridge.OpThreadOpen && parcel.Op != bridge.OpThreadPost {
		return nil
	}
	return p.w.pace.Wait(ctx, parcel)
}

// waitChannel takes a token of channel's bucket for a further message of
// one batch.
func (w *Workspace) waitChannel(ctx context.Context, channel string) error {
	return w.pace.WaitKey(ctx, channel)
}

// channelOf is the Slack channel a delivery posts in: named when the
// thread opens, else the channel of the handoff's thread (remembered, or
// read from the store after a restart).
func (w *Workspace) channelOf(p bridge.Parcel) string {
	if p.Channel != "" {
		return p.Channel
	}
	if c, ok := w.channels.Load(p.Handoff); ok {
		return c.(string)
	}
	if w.opts.Handoffs == nil || p.Handoff == 0 {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	t, _ := w.opts.Handoffs.HandoffThread(ctx, p.Handoff) // unknown: paced without a channel
	ch := t.Channel
	if ch != "" {
		w.channels.Store(p.Handoff, ch)
	}
	return ch
}
