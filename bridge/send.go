package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

func decode(entry *OutboxEntry, v any) error {
	if err := json.Unmarshal(entry.Payload, v); err != nil {
		return Permanent(fmt.Errorf("decode %s payload of entry %d: %w", entry.Op, entry.ID, err))
	}
	return nil
}

// send performs one outbox entry against its adapter.
func (e *Engine) send(ctx context.Context, entry *OutboxEntry) error {
	switch entry.Op {
	case OpUserMessage, OpUserOffer, OpUserLeadForm, OpUserEdit, OpUserDelete:
		return e.sendToUser(ctx, entry)
	case OpThreadOpen, OpThreadUpdate, OpThreadPost, OpThreadNote, OpAgentTell:
		return e.sendToThread(ctx, entry)
	case OpNotify:
		name := strings.TrimPrefix(string(entry.Destination), "notify:")
		n := e.notifiers[name]
		if n == nil {
			return fmt.Errorf("no notifier %q is running", name)
		}
		var p Notification
		if err := decode(entry, &p); err != nil {
			return err
		}
		return n.Notify(ctx, p)
	}
	return Permanent(fmt.Errorf("unknown outbox operation %q", entry.Op))
}

func (e *Engine) sendToUser(ctx context.Context, entry *OutboxEntry) error {
	kind := ChannelKind(strings.TrimPrefix(string(entry.Destination), "user:"))
	ch := e.channels[kind]
	if ch == nil {
		return fmt.Errorf("no user channel %q is running", kind)
	}
	switch entry.Op {
	case OpUserOffer:
		var p UserOfferPayload
		if err := decode(entry, &p); err != nil {
			return err
		}
		if o, ok := ch.(Offerer); ok {
			_, err := o.SendOffer(ctx, p.To, p.Offer)
			return err
		}
		text := p.Offer.Text
		if p.TypedHint != "" {
			text += "\n" + p.TypedHint
		}
		_, err := ch.Send(ctx, p.To, OutgoingMessage{MessageID: p.Offer.MessageID, Role: RoleSystem, Text: text})
		return err
	case OpUserLeadForm:
		var p UserLeadFormPayload
		if err := decode(entry, &p); err != nil {
			return err
		}
		if f, ok := ch.(LeadFormPresenter); ok {
			_, err := f.ShowLeadForm(ctx, p.To, p.Step)
			return err
		}
		text := p.Step.Prompt
		if p.Step.Problem != "" {
			text = p.Step.Problem + " " + text
		}
		_, err := ch.Send(ctx, p.To, OutgoingMessage{MessageID: p.Step.MessageID, Role: RoleSystem, Text: text})
		return err
	}
	var p UserMessagePayload
	if err := decode(entry, &p); err != nil {
		return err
	}
	if entry.Op == OpUserMessage {
		id, err := ch.Send(ctx, p.To, p.Message)
		if err != nil {
			return err
		}
		if id == "" {
			return nil
		}
		return e.store.Update(ctx, func(tx Tx) error {
			return tx.AddMessageCopy(ctx, p.Message.MessageID, entry.Destination, id)
		})
	}
	// An edit or a deletion: change the delivered copy where the channel
	// can, else send a marked correction.
	var copyID string
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		copyID, err = tx.MessageCopy(ctx, p.Message.MessageID, entry.Destination)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if ed, ok := ch.(MessageEditor); ok && copyID != "" {
		if entry.Op == OpUserDelete {
			return ed.DeleteMessage(ctx, p.To, copyID)
		}
		return ed.EditMessage(ctx, p.To, copyID, p.Message)
	}
	m := p.Message
	if entry.Op == OpUserDelete {
		m.Text = "_" + m.Author + " withdrew a message._"
	} else {
		m.Text = "_Correction:_ " + m.Text
	}
	_, err = ch.Send(ctx, p.To, m)
	return err
}

func (e *Engine) sendToThread(ctx context.Context, entry *OutboxEntry) error {
	kind := WorkspaceKind(strings.TrimPrefix(string(entry.Destination), "workspace:"))
	ws := e.workspaces[kind]
	if ws == nil {
		return fmt.Errorf("no agent workspace %q is running", kind)
	}
	var p ThreadPayload
	if err := decode(entry, &p); err != nil {
		return err
	}
	if entry.Op == OpThreadOpen {
		ref, err := ws.OpenThread(ctx, p.Channel, *p.Card)
		if err != nil {
			return err
		}
		ref.Workspace = kind
		return e.store.Update(ctx, func(tx Tx) error { return tx.SetHandoffThread(ctx, p.Handoff, ref) })
	}
	var h *Handoff
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		h, err = tx.Handoff(ctx, p.Handoff)
		return err
	})
	if err != nil {
		return fmt.Errorf("thread of handoff %d: %w", p.Handoff, err)
	}
	if h.Thread.IsZero() {
		// Entries of a stream go in order, so the thread is opened unless
		// opening it failed for good.
		return Permanent(fmt.Errorf("handoff %d has no thread", p.Handoff))
	}
	switch entry.Op {
	case OpThreadUpdate:
		return ws.UpdateThread(ctx, h.Thread, *p.Card)
	case OpThreadPost:
		return ws.PostToThread(ctx, h.Thread, p.Posts)
	case OpThreadNote:
		if nm, ok := ws.(NoteMarker); ok && p.Platform != "" {
			return nm.MarkNote(ctx, h.Thread, p.Platform)
		}
		return ws.TellAgent(ctx, h.Thread, p.AgentRef, p.Text)
	case OpAgentTell:
		return ws.TellAgent(ctx, h.Thread, p.AgentRef, p.Text)
	}
	return Permanent(fmt.Errorf("unknown thread operation %q", entry.Op))
}
