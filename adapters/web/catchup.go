package web

import (
	"context"
	"errors"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Catch-up bounds: a new tab gets the most recent messages, a reconnecting
// one everything it missed, page by page, up to catchUpMax.
const (
	catchUpFresh = 200
	catchUpPage  = 200
	catchUpMax   = 5000
	// stateLookback is how far back the open offer or form is looked for.
	stateLookback = 20
)

// catchUp sends the messages after lastID the user may see, then the state
// of the conversation (waiting, with an agent, offer or form open), and
// returns the highest message id sent.
func (c *conn) catchUp(ctx context.Context, lastID bridge.MessageID) (bridge.MessageID, error) {
	frames, upTo, err := c.w.catchUpFrames(ctx, c.session.ID, lastID)
	if err != nil {
		return 0, err
	}
	for _, f := range frames {
		if err := c.write(f); err != nil {
			return 0, err
		}
	}
	return upTo, nil
}

// catchUpFrames reads what a socket of session that has every message up
// to lastID is missing: the messages after it the user may see, then a
// state frame. upTo is the highest message id read.
func (w *Widget) catchUpFrames(ctx context.Context, session string, lastID bridge.MessageID) (frames []outFrame, upTo bridge.MessageID, err error) {
	hist, err := w.opts.History.ChatHistory(ctx, bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: session},
		bridge.HistoryQuery{After: lastID, Fresh: catchUpFresh, Page: catchUpPage, Max: catchUpMax, Lookback: stateLookback})
	if errors.Is(err, bridge.ErrNotFound) {
		return []outFrame{{Type: outState}}, lastID, nil // a new session: nothing to catch up
	}
	if err != nil {
		return nil, 0, err
	}
	upTo = lastID
	for _, m := range hist.Messages {
		if m.ID > upTo {
			upTo = m.ID
		}
		if !visible(m) {
			continue
		}
		f := outFrame{Type: outMessage, ID: m.ID, Role: m.Role, Author: m.Author, Text: m.Text,
			Files: w.userFiles(session, m.Attachments), At: m.CreatedAt.UnixMilli()}
		if m.Role != bridge.RoleUser {
			f.HTML = renderMarkdown(m.Text)
		} else if m.Source == string(bridge.ChannelWeb) {
			// The widget's own id for it: a tab that still shows the
			// message as unsent can settle it from the catch-up.
			f.ClientID = m.PlatformID
		}
		frames = append(frames, f)
	}
	state := w.stateFrame(hist.Conversation, hist.Handoff, hist.QueuePosition, hist.Recent)
	state.WaitSeconds = int64(hist.EstimatedWait.Seconds())
	return append(frames, state), upTo, nil
}

// visible reports whether the user may see a stored message: agents'
// internal notes and deleted messages stay out.
func visible(m bridge.Message) bool {
	return !m.Internal && m.DeletedAt.IsZero()
}

// stateFrame says what the widget should show beside the history: the
// handoff's state, the agent, the queue position, and the buttons or form
// still waiting for an answer, attached to the message that asked.
func (w *Widget) stateFrame(conv *bridge.Conversation, h *bridge.Handoff, queue int, msgs []bridge.Message) outFrame {
	f := outFrame{Type: outState}
	msgs2 := w.opts.Messages
	if w.opts.CurrentMessages != nil {
		msgs2 = w.opts.CurrentMessages()
	}
	if h != nil {
		f.Handoff = h.State
		f.Position = queue
		if h.State == bridge.StateActive {
			f.Agent = h.OwnerName
		} else {
			f.Cancel = &bridge.Choice{ID: bridge.ChoiceCancel, Label: msgs2.CancelLabel}
		}
		if h.State == bridge.StateFallback && h.LeadStep != "" && h.LeadStep != bridge.LeadDone {
			if m := lastSystem(msgs, h.CreatedAt); m != nil {
				f.ID, f.Form = m.ID, &leadForm{}
			}
		}
	}
	if conv.Offer != nil && h == nil {
		if m := lastSystem(msgs, conv.Offer.At); m != nil {
			f.ID = m.ID
			f.Choices = []bridge.Choice{{ID: bridge.ChoiceAccept, Label: msgs2.AcceptLabel}, {ID: bridge.ChoiceDecline, Label: msgs2.DeclineLabel}}
		}
	}
	return f
}

// lastSystem is the newest message of the bridge written at or after since:
// the question (offer or form) still open.
func lastSystem(msgs []bridge.Message, since time.Time) *bridge.Message {
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Role == bridge.RoleSystem && m.CreatedAt.UnixMilli() >= since.UnixMilli() {
			return &msgs[i]
		}
	}
	return nil
}
