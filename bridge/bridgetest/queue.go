package bridgetest

import (
	"context"

	"github.com/handoffbridge/handoff/bridge"
)

// QueueUserChannel is a RichUserChannel that also shows the queue place as
// state, like the web widget: every change reaches it as a "queue"
// delivery.
type QueueUserChannel struct{ RichUserChannel }

var _ bridge.QueueShower = QueueUserChannel{}

// NewQueueUserChannel makes a rich channel that shows queue places.
func NewQueueUserChannel(kind bridge.ChannelKind) QueueUserChannel {
	return QueueUserChannel{NewRichUserChannel(kind)}
}

// ShowQueue records a queue place.
func (u QueueUserChannel) ShowQueue(_ context.Context, to bridge.ChatAddress, q bridge.QueueStatus) error {
	if err := u.fail.next(); err != nil {
		return err
	}
	u.deliveries.add(Delivery{Kind: "queue", To: to, Queue: q})
	return nil
}
