package bridge

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The read-only views below are what adapters read of the core: each is
// one read transaction, so what it returns is one consistent moment.
// Adapters write only through Handle (and their own AdapterState).

// Handoff reads one handoff; an unknown id gives an error wrapping
// ErrNotFound.
func (e *Engine) Handoff(ctx context.Context, id HandoffID) (*Handoff, error) {
	var h *Handoff
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		h, err = tx.Handoff(ctx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read handoff %d: %w", id, err)
	}
	return h, nil
}

// HandoffByThread reads the handoff of a workspace's thread; a thread of
// no handoff gives an error wrapping ErrNotFound.
func (e *Engine) HandoffByThread(ctx context.Context, w WorkspaceKind, threadID string) (*Handoff, error) {
	var h *Handoff
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		h, err = tx.HandoffByThread(ctx, w, threadID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the handoff of %s thread %s: %w", w, threadID, err)
	}
	return h, nil
}

// Handoffs lists handoffs in the given states (all when empty) of a team
// (all when empty), highest priority first, then oldest first, at most
// limit (0 means all).
func (e *Engine) Handoffs(ctx context.Context, states []State, team TeamID, limit int) ([]Handoff, error) {
	var hs []Handoff
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		hs, err = tx.Handoffs(ctx, states, team, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list handoffs of team %q: %w", team, err)
	}
	return hs, nil
}

// ClosedHandoffs lists the resolved and abandoned handoffs of a team (all
// when empty), most recently closed first, at most limit (0 means all).
func (e *Engine) ClosedHandoffs(ctx context.Context, team TeamID, limit int) ([]Handoff, error) {
	var hs []Handoff
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		hs, err = tx.ClosedHandoffs(ctx, team, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list closed handoffs of team %q: %w", team, err)
	}
	return hs, nil
}

// Conversations reads the conversations with the given ids; an unknown id
// gives an error wrapping ErrNotFound.
func (e *Engine) Conversations(ctx context.Context, ids []ConversationID) (map[ConversationID]*Conversation, error) {
	out := make(map[ConversationID]*Conversation, len(ids))
	err := e.store.View(ctx, func(tx Tx) error {
		for _, id := range ids {
			if _, ok := out[id]; ok {
				continue
			}
			c, err := tx.Conversation(ctx, id)
			if err != nil {
				return err
			}
			out[id] = c
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read conversations: %w", err)
	}
	return out, nil
}

// HandoffRecord is what an agent's screen shows of one handoff.
type HandoffRecord struct {
	Handoff      *Handoff
	Conversation *Conversation
	Messages     []Message // the conversation's most recent, oldest first
	Events       []HandoffEvent
}

// HandoffRecord reads a handoff with its conversation, the conversation's
// last messages (at most messages of them) and the handoff's timeline. An
// unknown id gives an error wrapping ErrNotFound.
func (e *Engine) HandoffRecord(ctx context.Context, id HandoffID, messages int) (*HandoffRecord, error) {
	var r HandoffRecord
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		if r.Handoff, err = tx.Handoff(ctx, id); err != nil {
			return err
		}
		if r.Conversation, err = tx.Conversation(ctx, r.Handoff.ConversationID); err != nil {
			return err
		}
		if r.Messages, err = tx.RecentMessages(ctx, r.Conversation.ID, messages); err != nil {
			return err
		}
		r.Events, err = tx.HandoffEvents(ctx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read handoff %d: %w", id, err)
	}
	return &r, nil
}

// HistoryQuery says which messages ChatHistory reads.
type HistoryQuery struct {
	// After is the last message the reader has; 0 when it has none.
	After MessageID
	// Fresh is how many of the most recent messages a reader with none
	// gets.
	Fresh int
	// Page and Max bound the messages after After: read Page at a time,
	// at most about Max in all (whole pages).
	Page, Max int
	// Lookback is how many of the most recent messages come as Recent.
	Lookback int
}

// ChatHistory is what a user channel re-creates a chat from after a
// reconnect.
type ChatHistory struct {
	Conversation *Conversation
	// Messages are those the query asked for, oldest first.
	Messages []Message
	// Recent are the conversation's last messages (HistoryQuery.Lookback),
	// oldest first: where an open question (offer, form) is asked.
	Recent []Message
	// Handoff is the conversation's open handoff, nil when none;
	// QueuePosition its place in the queue when pending.
	Handoff       *Handoff
	QueuePosition int
	// EstimatedWait goes with QueuePosition (see QueueStatus).
	EstimatedWait time.Duration
}

// ChatHistory reads a chat's messages and state. A chat the bridge never
// saw gives an error wrapping ErrNotFound.
func (e *Engine) ChatHistory(ctx context.Context, addr ChatAddress, q HistoryQuery) (*ChatHistory, error) {
	var r ChatHistory
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		if r.Conversation, err = tx.ConversationByAddress(ctx, addr); err != nil {
			return err
		}
		if r.Messages, err = messagesAfter(ctx, tx, r.Conversation.ID, q); err != nil {
			return err
		}
		if r.Recent, err = tx.RecentMessages(ctx, r.Conversation.ID, q.Lookback); err != nil {
			return err
		}
		r.Handoff, err = tx.OpenHandoff(ctx, r.Conversation.ID)
		if errors.Is(err, ErrNotFound) {
			r.Handoff, err = nil, nil
		}
		if err == nil && r.Handoff != nil && r.Handoff.State == StatePending {
			r.QueuePosition, err = tx.QueuePosition(ctx, r.Handoff)
		}
		if err == nil && r.QueuePosition > 0 {
			var typical time.Duration
			typical, err = typicalJoinWait(ctx, tx, r.Handoff.Team)
			r.EstimatedWait = estimateWait(typical, e.clock.Now().Sub(r.Handoff.CreatedAt))
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", addr, err)
	}
	return &r, nil
}

// messagesAfter reads what q asks for: the Fresh most recent messages when
// q.After is 0, else those after it, page by page, up to about q.Max.
func messagesAfter(ctx context.Context, tx Tx, c ConversationID, q HistoryQuery) ([]Message, error) {
	if q.After <= 0 {
		return tx.RecentMessages(ctx, c, q.Fresh)
	}
	var msgs []Message
	for after := q.After; len(msgs) < q.Max; {
		page, err := tx.Messages(ctx, c, after, q.Page)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, page...)
		if len(page) < q.Page {
			break
		}
		after = page[len(page)-1].ID
	}
	return msgs, nil
}

// Backlog is what waits: handoffs by team and state, and the deliveries
// not made yet.
type Backlog struct {
	Handoffs     []HandoffCount
	Outbox       int
	OldestOutbox time.Time // zero when the outbox is empty
}

// Backlog reads the handoff counts and the outbox's depth (for metrics).
func (e *Engine) Backlog(ctx context.Context) (Backlog, error) {
	var b Backlog
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		if b.Handoffs, err = tx.HandoffCounts(ctx); err != nil {
			return err
		}
		b.Outbox, b.OldestOutbox, err = tx.OutboxDepth(ctx)
		return err
	})
	if err != nil {
		return Backlog{}, fmt.Errorf("read the backlog: %w", err)
	}
	return b, nil
}
