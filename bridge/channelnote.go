package bridge

import (
	"context"
	"errors"
	"fmt"
)

// ChannelNoter is implemented by *Engine: a user channel that learns
// something the agents should know after a delivery was accepted (WhatsApp
// reports a message as failed minutes later, through a status callback)
// posts it into the thread of the conversation's open handoff.
type ChannelNoter interface {
	NoteInThread(ctx context.Context, addr ChatAddress, text string) (posted bool, err error)
}

var _ ChannelNoter = (*Engine)(nil)

// NoteInThread posts text, Markdown like every line of the bridge (text
// from outside goes in through EscapeMarkdown), into the thread of the
// open handoff of the conversation at addr. It reports false, and does
// nothing, when the conversation has no open handoff.
func (e *Engine) NoteInThread(ctx context.Context, addr ChatAddress, text string) (bool, error) {
	posted := false
	err := e.update(ctx, func(w *work) error {
		c, err := w.tx.ConversationByAddress(ctx, addr)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		h, err := openHandoff(ctx, w.tx, c.ID)
		if err != nil || h == nil {
			return err
		}
		posted = true
		return w.systemLine(ctx, h, text)
	})
	if err != nil {
		return false, fmt.Errorf("note in the thread of %s: %w", addr, err)
	}
	return posted, nil
}
