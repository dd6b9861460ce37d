package bridge

import (
	"context"
	"errors"
	"fmt"
)

// recentForEdit bounds how far back a user's edit is looked for when the
// platform's message ids are only unique per chat (Telegram's).
const recentForEdit = 500

func (e *Engine) handleUserEdit(ctx context.Context, ev UserEdit) (Outcome, error) {
	var out Outcome
	var id ConversationID
	err := e.store.View(ctx, func(tx Tx) error {
		c, err := tx.ConversationByAddress(ctx, ev.Address)
		if err == nil {
			id = c.ID
		}
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return out, nil // a chat the bridge never took a message from
	}
	if err != nil {
		return out, fmt.Errorf("handle user edit in %s: %w", ev.Address, err)
	}
	out.Conversation = id
	err = e.inLane(ctx, id, func(ctx context.Context) error {
		return e.update(ctx, func(w *work) error {
			m, err := w.userMessageByPlatformID(ctx, id, string(ev.Address.Channel), ev.PlatformID)
			if m == nil || err != nil {
				return err // nil: a message the bridge never took, nothing to change
			}
			out.Message = m.ID
			if !m.DeletedAt.IsZero() || (!ev.Deleted && m.Text == ev.Text) {
				out.Duplicate = true // a redelivery, or an edit of what Telegram previews
				return nil
			}
			if ev.Deleted {
				m.DeletedAt = w.now
			} else {
				m.Text, m.EditedAt = ev.Text, w.now
			}
			if err := w.tx.UpdateMessage(ctx, m); err != nil {
				return fmt.Errorf("store user edit: %w", err)
			}
			c, err := w.tx.Conversation(ctx, id)
			if err != nil {
				return err
			}
			// The thread that shows the message: the handoff it was written
			// in, or else the latest one, whose history carried it.
			hid := m.HandoffID
			if hid == 0 {
				hid = c.LastHandoff
			}
			if hid == 0 {
				return nil // only the AI saw it: nothing was relayed
			}
			h, err := w.tx.Handoff(ctx, hid)
			if err != nil {
				return err
			}
			out.Handoff, out.Relayed = h.ID, true
			post := ThreadPost{MessageID: m.ID, Role: RoleUser, Author: m.Author, Text: m.Text, At: m.CreatedAt,
				Edited: !ev.Deleted, Deleted: ev.Deleted}
			if ev.Deleted {
				post.Text = ""
			}
			return w.enqueue(ctx, WorkspaceDestination(w.workspaceOf(h)), streamOfHandoff(h.ID), OpThreadEdit,
				ThreadPayload{Handoff: h.ID, Posts: []ThreadPost{post}})
		})
	})
	if err != nil {
		return out, fmt.Errorf("handle user edit in %s: %w", ev.Address, err)
	}
	return out, nil
}

// userMessageByPlatformID finds a user's message of conversation c by its
// platform id, or returns nil. Ids unique per platform are found at once;
// ids unique only per chat (Telegram numbers messages per chat) among the
// conversation's recent messages.
func (w *work) userMessageByPlatformID(ctx context.Context, c ConversationID, source, platformID string) (*Message, error) {
	if platformID == "" {
		return nil, nil
	}
	m, err := w.tx.MessageByPlatformID(ctx, source, platformID)
	switch {
	case err == nil && m.ConversationID == c && m.Role == RoleUser:
		return m, nil
	case err != nil && !errors.Is(err, ErrNotFound):
		return nil, fmt.Errorf("find edited message %s: %w", platformID, err)
	case errors.Is(err, ErrNotFound):
		return nil, nil
	}
	recent, err := w.tx.RecentMessages(ctx, c, recentForEdit)
	if err != nil {
		return nil, fmt.Errorf("find edited message %s: %w", platformID, err)
	}
	for i := len(recent) - 1; i >= 0; i-- {
		if r := recent[i]; r.Source == source && r.PlatformID == platformID && r.Role == RoleUser {
			return &r, nil
		}
	}
	return nil, nil
}

// correction is what a thread shows of a user's edit or deletion when its
// workspace cannot change the relayed post: a new post saying so.
func correction(p ThreadPost) ThreadPost {
	if p.Deleted {
		return ThreadPost{Role: RoleSystem, Text: EscapeMarkdown(p.Author) + " deleted one of their messages.", At: p.At}
	}
	p.Text = "✏️ Edited: " + p.Text
	p.MessageID = 0 // a post of its own, not a copy of the message
	return p
}
