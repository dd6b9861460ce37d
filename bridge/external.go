package bridge

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ChannelAPI is the user channel of outside bots that hand conversations
// over through the HTTP API (adapters/api): the bot owns the user's chat,
// the bridge owns the handoff.
const ChannelAPI ChannelKind = "api"

// Routing says what the bridge does with a user message written outside a
// handoff. Inside one, every message goes to the thread.
type Routing string

// Routings.
const (
	// RouteAll lets the triggers fire and the AI answer: the bridge owns
	// the chat.
	RouteAll Routing = ""
	// RouteTriggers lets the triggers fire but keeps the AI silent: the
	// channel's own bot answers.
	RouteTriggers Routing = "triggers"
	// RouteRecord only records the message.
	RouteRecord Routing = "record"
)

// HandoffRequest is a channel asking for a human on its user's behalf (an
// outside bot escalating). A conversation with an open handoff keeps it:
// the request changes nothing and Outcome.Handoff names the open one.
type HandoffRequest struct {
	Address    ChatAddress
	User       User
	Context    UserContext
	PlatformID string // de-duplicates a retried request; may be empty
	Team       TeamID // empty: the default team
	Priority   Priority
	Reason     string
	// Details are posted in the thread under the card (a summary, the
	// user's profile): what the agent should read first.
	Details string
}

// UserTranscript records a conversation's history from before the bridge
// knew it (an outside bot's turns with its user), creating the
// conversation on first contact. It never triggers anything.
type UserTranscript struct {
	Address    ChatAddress
	User       User
	Context    UserContext
	PlatformID string
	Turns      []TranscriptTurn
}

// TranscriptTurn is one past message: Role is RoleUser or RoleAI (the
// outside bot).
type TranscriptTurn struct {
	Role   Role
	Author string
	Text   string
	At     time.Time
}

func (HandoffRequest) isEvent() {}
func (UserTranscript) isEvent() {}

// ErrUnknownTeam is returned for a handoff request naming no configured team.
var ErrUnknownTeam = errors.New("no such team")

func (e *Engine) handleHandoffRequest(ctx context.Context, ev HandoffRequest) (Outcome, error) {
	if ev.Team != "" && e.current().Team(ev.Team) == nil {
		return Outcome{}, fmt.Errorf("handoff request from %s: team %q: %w", ev.Address, ev.Team, ErrUnknownTeam)
	}
	t := &userTurn{addr: ev.Address, kind: "handoff", platformID: ev.PlatformID, user: ev.User, context: ev.Context}
	out := &t.out
	err := e.runUserTurn(ctx, t,
		func(w *work, c *Conversation, h *Handoff) error {
			if h != nil {
				out.Handoff = h.ID
				return nil
			}
			if ev.User.DisplayName != "" {
				c.User = ev.User
			}
			c.Context = c.Context.Merge(ev.Context)
			nh, err := w.requestHandoff(ctx, c, request{Trigger: "api", Reason: ev.Reason, Team: ev.Team, Priority: ev.Priority})
			if err != nil {
				return err
			}
			out.Handoff = nh.ID
			if ev.Details != "" {
				if err := w.systemLine(ctx, nh, ev.Details); err != nil {
					return err
				}
			}
			c.UpdatedAt = w.now
			return w.tx.UpdateConversation(ctx, c)
		})
	if err != nil {
		return t.out, fmt.Errorf("handle handoff request from %s: %w", ev.Address, err)
	}
	return t.out, nil
}

func (e *Engine) handleUserTranscript(ctx context.Context, ev UserTranscript) (Outcome, error) {
	t := &userTurn{addr: ev.Address, kind: "transcript", platformID: ev.PlatformID, user: ev.User, context: ev.Context}
	out := &t.out
	err := e.runUserTurn(ctx, t,
		func(w *work, c *Conversation, _ *Handoff) error {
			if ev.User.DisplayName != "" {
				c.User = ev.User
			}
			c.Context = c.Context.Merge(ev.Context)
			for _, turn := range ev.Turns {
				author := turn.Author
				if author == "" && turn.Role == RoleUser {
					author = c.User.DisplayName
				} else if author == "" {
					author = w.s.BotName
				}
				at := turn.At
				if at.IsZero() || at.After(w.now) {
					at = w.now
				}
				m := &Message{ConversationID: c.ID, Role: turn.Role, Author: author, Text: turn.Text,
					Source: string(ev.Address.Channel), CreatedAt: at}
				if err := w.tx.AddMessage(ctx, m); err != nil {
					return fmt.Errorf("store transcript: %w", err)
				}
				out.Message = m.ID
			}
			c.UpdatedAt = w.now
			return w.tx.UpdateConversation(ctx, c)
		})
	if err != nil {
		return t.out, fmt.Errorf("handle transcript from %s: %w", ev.Address, err)
	}
	return t.out, nil
}

// ConversationStatus is what a channel may tell its user's bot about a
// conversation.
type ConversationStatus struct {
	Conversation ConversationID
	User         User
	Context      UserContext
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Handoff is the open handoff, else the last one; nil when none.
	Handoff *HandoffStatus
}

// HandoffStatus is where a handoff stands, as a channel may tell it.
type HandoffStatus struct {
	ID        HandoffID
	State     State
	Team      TeamID
	Priority  Priority
	AgentName string // the owner's display name once an agent joined
	// QueuePosition is its place among its team's pending handoffs (1 =
	// next); 0 when not pending.
	QueuePosition int
	CreatedAt     time.Time
	ClosedAt      time.Time
}

// Status returns the conversation at addr and its open (else last)
// handoff; an error wrapping ErrNotFound when there is none.
func (e *Engine) Status(ctx context.Context, addr ChatAddress) (ConversationStatus, error) {
	var st ConversationStatus
	err := e.store.View(ctx, func(tx Tx) error {
		c, err := tx.ConversationByAddress(ctx, addr)
		if err != nil {
			return err
		}
		st = ConversationStatus{Conversation: c.ID, User: c.User, Context: c.Context, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
		if c.LastHandoff == 0 {
			return nil
		}
		h, err := tx.Handoff(ctx, c.LastHandoff)
		if err != nil {
			return err
		}
		hs := &HandoffStatus{ID: h.ID, State: h.State, Team: h.Team, Priority: h.Priority, CreatedAt: h.CreatedAt, ClosedAt: h.ClosedAt}
		if h.State == StateActive || h.State == StateResolved {
			hs.AgentName = h.OwnerName
		}
		if h.State == StatePending {
			if hs.QueuePosition, err = tx.QueuePosition(ctx, h); err != nil {
				return err
			}
		}
		st.Handoff = hs
		return nil
	})
	if err != nil {
		return ConversationStatus{}, fmt.Errorf("status of %s: %w", addr, err)
	}
	return st, nil
}

// History lists the conversation's messages after the given id, oldest
// first, at most limit: what the user saw and wrote. Agents' internal
// notes are left out.
func (e *Engine) History(ctx context.Context, addr ChatAddress, after MessageID, limit int) ([]Message, error) {
	var out []Message
	err := e.store.View(ctx, func(tx Tx) error {
		c, err := tx.ConversationByAddress(ctx, addr)
		if err != nil {
			return err
		}
		// Internal notes are filtered after the read: read a page at a
		// time until limit visible ones are found.
		for len(out) < limit {
			page, err := tx.Messages(ctx, c.ID, after, limit)
			if err != nil {
				return err
			}
			for _, m := range page {
				after = m.ID
				if !m.Internal && len(out) < limit {
					out = append(out, m)
				}
			}
			if len(page) < limit {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", addr, err)
	}
	return out, nil
}
