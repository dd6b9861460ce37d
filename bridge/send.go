package bridge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

func decode(entry *OutboxEntry, v any) error {
	if err := json.Unmarshal(entry.Payload, v); err != nil {
		return Permanent(fmt.Errorf("decode %s payload of entry %d: %w", entry.Op, entry.ID, err))
	}
	return nil
}

// sent is what a delivery learned that the store must keep: the id the
// user's copy got (for later edits), or the thread a workspace opened.
type sent struct {
	copyID string
	thread *ThreadRef
	// postCopies are the platform messages of thread posts, by message.
	postCopies map[MessageID]string
}

// keep records what a successful delivery learned, in the transaction that
// marks it delivered.
func (e *Engine) keep(ctx context.Context, w *work, entry *OutboxEntry, s sent) error {
	switch {
	case s.thread != nil:
		var p ThreadPayload
		if err := decode(entry, &p); err != nil {
			return err
		}
		return w.tx.SetHandoffThread(ctx, p.Handoff, *s.thread)
	case s.copyID != "":
		var p UserMessagePayload
		if err := decode(entry, &p); err != nil {
			return err
		}
		return w.tx.AddMessageCopy(ctx, p.Message.MessageID, entry.Destination, s.copyID)
	}
	for m, id := range s.postCopies {
		if err := w.tx.AddMessageCopy(ctx, m, entry.Destination, id); err != nil {
			return err
		}
	}
	return nil
}

// send performs one outbox entry against its adapter.
func (e *Engine) send(ctx context.Context, entry *OutboxEntry) (sent, error) {
	switch entry.Op {
	case OpUserMessage:
		id, err := e.sendUserMessage(ctx, entry)
		return sent{copyID: id}, err
	case OpUserQueue:
		return sent{}, e.sendQueue(ctx, ChannelKind(entry.Destination.Name), entry)
	case OpUserOffer, OpUserLeadForm, OpUserEdit, OpUserDelete:
		return sent{}, e.sendToUser(ctx, entry)
	case OpThreadOpen:
		ref, err := e.openThread(ctx, entry)
		return sent{thread: ref}, err
	case OpThreadPost, OpThreadEdit:
		copies, err := e.postToThread(ctx, entry)
		return sent{postCopies: copies}, err
	case OpThreadUpdate, OpThreadNote, OpAgentTell:
		return sent{}, e.sendToThread(ctx, entry)
	case OpNotify:
		name := entry.Destination.Name
		n := e.notifiers[name]
		if n == nil {
			return sent{}, fmt.Errorf("no notifier %q is running", name)
		}
		var p Notification
		if err := decode(entry, &p); err != nil {
			return sent{}, err
		}
		return sent{}, n.Notify(ctx, p)
	}
	return sent{}, Permanent(fmt.Errorf("unknown outbox operation %q", entry.Op))
}

// sendUserMessage delivers a message and returns the id of the user's copy.
func (e *Engine) sendUserMessage(ctx context.Context, entry *OutboxEntry) (string, error) {
	ch := e.channels[ChannelKind(entry.Destination.Name)]
	if ch == nil {
		return "", fmt.Errorf("no user channel %q is running", entry.Destination)
	}
	var p UserMessagePayload
	if err := decode(entry, &p); err != nil {
		return "", err
	}
	return ch.Send(ctx, p.To, p.Message)
}

// threadOf is where a handoff's thread is. A thread never moves once
// opened, so it is remembered: thread posts are the busiest deliveries.
func (e *Engine) threadOf(ctx context.Context, id HandoffID) (ThreadRef, error) {
	if t, ok := e.threads.get(id); ok {
		return t, nil
	}
	var h *Handoff
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		h, err = tx.Handoff(ctx, id)
		return err
	})
	if err != nil {
		return ThreadRef{}, fmt.Errorf("thread of handoff %d: %w", id, err)
	}
	if h.Thread.IsZero() {
		// Entries of a stream go in order, so the thread is opened unless
		// opening it failed for good.
		return ThreadRef{}, Permanent(fmt.Errorf("handoff %d has no thread", id))
	}
	e.threads.put(id, h.Thread)
	return h.Thread, nil
}

// openThread asks the workspace for the handoff's thread.
func (e *Engine) openThread(ctx context.Context, entry *OutboxEntry) (*ThreadRef, error) {
	kind := WorkspaceKind(entry.Destination.Name)
	ws := e.workspaces[kind]
	if ws == nil {
		return nil, fmt.Errorf("no agent workspace %q is running", kind)
	}
	var p ThreadPayload
	if err := decode(entry, &p); err != nil {
		return nil, err
	}
	ref, err := ws.OpenThread(ctx, p.Channel, *p.Card)
	if err != nil {
		return nil, err
	}
	ref.Workspace = kind
	return &ref, nil
}

func (e *Engine) sendToUser(ctx context.Context, entry *OutboxEntry) error {
	kind := ChannelKind(entry.Destination.Name)
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

// postToThread posts into a thread, or changes a post there after the
// user's edit, and returns the platform messages the posts got, if the
// workspace tells them.
func (e *Engine) postToThread(ctx context.Context, entry *OutboxEntry) (map[MessageID]string, error) {
	kind := WorkspaceKind(entry.Destination.Name)
	ws := e.workspaces[kind]
	if ws == nil {
		return nil, fmt.Errorf("no agent workspace %q is running", kind)
	}
	var p ThreadPayload
	if err := decode(entry, &p); err != nil {
		return nil, err
	}
	thread, err := e.threadOf(ctx, p.Handoff)
	if err != nil {
		return nil, err
	}
	editor, canEdit := ws.(PostEditor)
	if entry.Op == OpThreadPost {
		if canEdit {
			return editor.PostToThreadCopies(ctx, thread, p.Posts)
		}
		return nil, ws.PostToThread(ctx, thread, p.Posts)
	}
	if len(p.Posts) != 1 {
		return nil, Permanent(fmt.Errorf("thread edit of entry %d carries %d posts, want 1", entry.ID, len(p.Posts)))
	}
	post := p.Posts[0]
	var copyID string
	err = e.store.View(ctx, func(tx Tx) error {
		var err error
		copyID, err = tx.MessageCopy(ctx, post.MessageID, entry.Destination)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if canEdit && copyID != "" {
		return nil, editor.EditPost(ctx, thread, copyID, post)
	}
	return nil, ws.PostToThread(ctx, thread, []ThreadPost{correction(post)})
}

func (e *Engine) sendToThread(ctx context.Context, entry *OutboxEntry) error {
	kind := WorkspaceKind(entry.Destination.Name)
	ws := e.workspaces[kind]
	if ws == nil {
		return fmt.Errorf("no agent workspace %q is running", kind)
	}
	var p ThreadPayload
	if err := decode(entry, &p); err != nil {
		return err
	}
	thread, err := e.threadOf(ctx, p.Handoff)
	if err != nil {
		return err
	}
	switch entry.Op {
	case OpThreadUpdate:
		return ws.UpdateThread(ctx, thread, *p.Card)
	case OpThreadNote:
		if nm, ok := ws.(NoteMarker); ok && p.Platform != "" {
			return nm.MarkNote(ctx, thread, p.Platform)
		}
		return ws.TellAgent(ctx, thread, p.AgentRef, p.Text)
	case OpAgentTell:
		return ws.TellAgent(ctx, thread, p.AgentRef, p.Text)
	}
	return Permanent(fmt.Errorf("unknown thread operation %q", entry.Op))
}
