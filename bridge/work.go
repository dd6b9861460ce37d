package bridge

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge/outbox"
)

// work is one transaction of the engine: the store transaction, the settings
// and time it runs with, and what to wake once it commits.
type work struct {
	e   *Engine
	tx  Tx
	s   *compiledSettings
	now time.Time
	// deliveries are the entries the transaction enqueues, handed to
	// their senders once it commits.
	deliveries *outbox.Batch
	sla        bool
	// after runs once the transaction has committed (metrics).
	after []func()
	// movedQueues are the teams whose queue changed (see queueMoved).
	movedQueues []TeamID
	// queueShows are the places to show once the transaction commits.
	queueShows []queueShow
}

// update runs fn in one store transaction and, once it commits, wakes the
// senders of every destination it enqueued for. Notifications yield to it
// (see writeActivity).
func (e *Engine) update(ctx context.Context, fn func(w *work) error) error {
	e.writing.enter()
	defer e.writing.leave()
	return e.updateInBackground(ctx, func(w *work) error {
		if err := fn(w); err != nil {
			return err
		}
		return w.tellQueues(ctx)
	})
}

// updateInBackground is update for the engine's own bookkeeping (delivery
// results), which notifications need not yield to.
func (e *Engine) updateInBackground(ctx context.Context, fn func(w *work) error) error {
	var w *work
	committed := false
	defer func() {
		if !committed && w != nil {
			// Rolled back (or fn panicked): the reserved streams are free
			// again, and what they hold is read from the store.
			w.deliveries.Abandoned()
		}
	}()
	err := e.write(ctx, func(tx Tx) error {
		if w != nil {
			// The store runs fn again after an attempt it rolled back (a
			// PostgreSQL deadlock): that attempt's entries do not exist.
			w.deliveries.Abandoned()
		}
		w = &work{e: e, tx: tx, s: e.current(), now: e.clock.Now(), deliveries: e.outbox.Batch()}
		return fn(w)
	})
	if err != nil {
		return err
	}
	committed = true
	w.deliveries.Committed()
	if w.sla {
		e.wakeSLA()
	}
	for _, f := range w.after {
		f()
	}
	return nil
}

// write runs fn in one store transaction, fenced by the leases ctx's work
// runs under (see WithLease): a holder whose lease moved on writes nothing.
func (e *Engine) write(ctx context.Context, fn func(tx Tx) error) error {
	return e.store.Update(ctx, func(tx Tx) error {
		if err := fence(ctx, tx); err != nil {
			return err
		}
		return fn(tx)
	})
}

func streamOfConversation(id ConversationID) string { return "conversation:" + id.String() }
func streamOfHandoff(id HandoffID) string           { return "handoff:" + id.String() }

func (w *work) enqueue(ctx context.Context, d Destination, stream string, op Op, payload any) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encode %s payload: %w", op, err)
	}
	entry := &OutboxEntry{Destination: d, Stream: stream, Op: op, Payload: raw, NextTry: w.now, CreatedAt: w.now}
	return w.deliveries.Enqueue(ctx, w.tx, entry)
}

// say stores a message of the bridge (AI answer, notice) in the history and
// queues it for the user.
func (w *work) say(ctx context.Context, c *Conversation, handoff HandoffID, role Role, text string, notice Notice, position int) (*Message, error) {
	return w.sayOut(ctx, c, handoff, OutgoingMessage{Role: role, Text: text, Notice: notice, QueuePosition: position})
}

// sayOut is say for a message with more to it than a notice and a queue
// position (the agent a joined notice names): out's text is stored as the
// bot's, and out queued with the stored message's id.
func (w *work) sayOut(ctx context.Context, c *Conversation, handoff HandoffID, out OutgoingMessage) (*Message, error) {
	out.Author = w.s.BotName
	m := &Message{ConversationID: c.ID, HandoffID: handoff, Role: out.Role, Author: out.Author, Text: out.Text, CreatedAt: w.now}
	if err := w.tx.AddMessage(ctx, m); err != nil {
		return nil, fmt.Errorf("store %s message: %w", out.Role, err)
	}
	out.MessageID, out.Handoff = m.ID, handoff
	return m, w.enqueue(ctx, UserDestination(c.Address.Channel), streamOfConversation(c.ID), OpUserMessage,
		UserMessagePayload{To: c.Address, Message: out, Handoff: handoff})
}

// sayAgent queues an agent's stored reply for the user.
func (w *work) sayAgent(ctx context.Context, c *Conversation, m *Message, op Op) error {
	out := OutgoingMessage{MessageID: m.ID, Role: RoleAgent, Author: m.Author, Text: m.Text, Attachments: m.Attachments, Handoff: m.HandoffID}
	return w.enqueue(ctx, UserDestination(c.Address.Channel), streamOfConversation(c.ID), op,
		UserMessagePayload{To: c.Address, Message: out, Handoff: m.HandoffID})
}

// offer asks the user whether they want a human, with buttons where the
// channel has them.
func (w *work) offer(ctx context.Context, c *Conversation, o Offer, text string) error {
	msgs := w.s.Messages
	m := &Message{ConversationID: c.ID, Role: RoleSystem, Author: w.s.BotName, Text: text, CreatedAt: w.now}
	if err := w.tx.AddMessage(ctx, m); err != nil {
		return fmt.Errorf("store offer: %w", err)
	}
	o.At = w.now
	c.Offer = &o
	out := OutgoingOffer{MessageID: m.ID, Text: text, Choices: []Choice{
		{ID: ChoiceAccept, Label: msgs.AcceptLabel},
		{ID: ChoiceDecline, Label: msgs.DeclineLabel},
	}}
	return w.enqueue(ctx, UserDestination(c.Address.Channel), streamOfConversation(c.ID), OpUserOffer,
		UserOfferPayload{To: c.Address, Offer: out, TypedHint: msgs.TypeYesNo})
}

// workspaceOf is the workspace a handoff's thread lives in: the one it was
// opened in, or for a thread not opened yet, its team's.
func (w *work) workspaceOf(h *Handoff) WorkspaceKind {
	if h.Thread.Workspace != "" {
		return h.Thread.Workspace
	}
	if t := w.s.Team(h.Team); t != nil {
		return t.Workspace
	}
	return WorkspaceConsole
}

func (w *work) postToThread(ctx context.Context, h *Handoff, posts ...ThreadPost) error {
	return w.enqueue(ctx, WorkspaceDestination(w.workspaceOf(h)), streamOfHandoff(h.ID), OpThreadPost,
		ThreadPayload{Handoff: h.ID, Posts: posts})
}

// systemLine posts a line of the bridge into the thread ("Ana joined").
func (w *work) systemLine(ctx context.Context, h *Handoff, text string) error {
	return w.postToThread(ctx, h, ThreadPost{Role: RoleSystem, Author: w.s.BotName, Text: text, At: w.now})
}

func (w *work) card(ctx context.Context, h *Handoff, c *Conversation) (*HandoffCard, error) {
	card := &HandoffCard{
		Handoff: h.ID, Previous: h.Previous, State: h.State, Owner: h.Owner, OwnerName: h.OwnerName,
		OwnerUserID: h.OwnerRef, Team: h.Team, Priority: h.Priority, Trigger: h.Trigger, Reason: h.Reason,
		Summary: h.Summary, Channel: c.Address.Channel, UserName: c.User.DisplayName, Context: c.Context,
		RequestedAt: h.CreatedAt, ChangedAt: w.now, Declined: h.Declined,
	}
	if t := w.s.Team(h.Team); t != nil {
		card.SLA = t.SLA
	}
	if h.LeadStep == LeadDone && h.LeadDraft.Name != "" {
		lead := h.LeadDraft
		card.Lead = &lead
	}
	return card, nil
}

func (w *work) updateCard(ctx context.Context, h *Handoff, c *Conversation) error {
	card, err := w.card(ctx, h, c)
	if err != nil {
		return err
	}
	return w.enqueue(ctx, WorkspaceDestination(w.workspaceOf(h)), streamOfHandoff(h.ID), OpThreadUpdate,
		ThreadPayload{Handoff: h.ID, Card: card})
}

// notify queues the event for every notifier of the handoff's team. actor
// is who caused it: an agent id, "user" or "system".
func (w *work) notify(ctx context.Context, kind HandoffEventKind, h *Handoff, c *Conversation, actor string, lead *Lead) error {
	t := w.s.Team(h.Team)
	if t == nil {
		return nil
	}
	for _, name := range t.Notify {
		n := Notification{
			// Random, and kept in the payload: unique per event and notifier
			// even for two events at the same instant, stable across retries.
			ID:    name + "-" + h.ID.String() + "-" + strings.TrimPrefix(string(kind), "handoff.") + "-" + rand.Text()[:16],
			Event: kind, At: w.now, Handoff: h.ID, Previous: h.Previous, Team: h.Team, State: h.State,
			Priority: h.Priority, Trigger: h.Trigger, Reason: h.Reason, Agent: h.Owner, Actor: actor,
			Channel: c.Address.Channel, UserName: c.User.DisplayName, Context: c.Context, Thread: h.Thread, Lead: lead,
		}
		if err := w.enqueue(ctx, NotifierDestination(name), streamOfHandoff(h.ID), OpNotify, n); err != nil {
			return err
		}
	}
	return nil
}

// record adds an entry to the handoff's timeline.
func (w *work) record(ctx context.Context, h *Handoff, kind HandoffEventKind, actor string, from State, note string) error {
	ev := &HandoffEvent{HandoffID: h.ID, Kind: kind, Actor: actor, From: from, To: h.State, Note: note, At: w.now}
	if err := w.tx.AddHandoffEvent(ctx, ev); err != nil {
		return fmt.Errorf("record %s of handoff %d: %w", kind, h.ID, err)
	}
	return nil
}

// fill replaces {name} placeholders in a configured text, which is
// Markdown, with values that are not: each goes in as literal text.
func fill(text string, kv ...string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	pairs := slices.Clone(kv)
	for i := 1; i < len(pairs); i += 2 {
		pairs[i] = EscapeMarkdown(pairs[i])
	}
	return strings.NewReplacer(pairs...).Replace(text)
}
