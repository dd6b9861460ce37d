package bridge

import (
	"context"
	"errors"
)

// HoldWrites makes the engine look as if an event were being written until
// release is called: what a burst of handoffs looks like to notifications.
func (e *Engine) HoldWrites() (release func()) {
	e.writing.enter()
	return e.writing.leave
}

// OnYield sets a function called when a notifier starts waiting for a gap
// between the events being written. Call before Run.
func (e *Engine) OnYield(f func()) { e.yielding = f }

// EnqueueThenFail runs a transaction that queues a message for the user of
// conversation c and then fails: what a fault in the middle of handling an
// event does.
func (e *Engine) EnqueueThenFail(ctx context.Context, c ConversationID, to ChatAddress) error {
	return e.update(ctx, func(w *work) error {
		err := w.enqueue(ctx, UserDestination(to.Channel), streamOfConversation(c), OpUserMessage,
			UserMessagePayload{To: to, Message: OutgoingMessage{Role: RoleAI, Text: "never sent"}})
		if err != nil {
			return err
		}
		return errors.New("fault after the enqueue")
	})
}
