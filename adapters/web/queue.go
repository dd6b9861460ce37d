package web

import (
	"context"

	"github.com/handoffbridge/handoff/bridge"
)

var _ bridge.QueueShower = (*Widget)(nil)

// ShowQueue pushes the waiting user's new place and estimated wait to the
// session's open tabs, for the status line. Like Send it never waits for a
// tab: a tab that connects later learns the place from the state frame.
func (w *Widget) ShowQueue(ctx context.Context, to bridge.ChatAddress, q bridge.QueueStatus) error {
	return w.deliver(ctx, to.ChatID, outFrame{Type: outQueue, Position: q.Position, WaitSeconds: int64(q.EstimatedWait.Seconds())})
}
