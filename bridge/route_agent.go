package bridge

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrNotHandoffThread is returned for agent events in a thread the bridge
// did not open; adapters ignore those.
var ErrNotHandoffThread = errors.New("not a handoff thread")

// findHandoff locates the handoff an agent event is about.
func (e *Engine) findHandoff(ctx context.Context, w WorkspaceKind, id HandoffID, threadID string) (*Handoff, error) {
	var h *Handoff
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		if id != 0 {
			h, err = tx.Handoff(ctx, id)
		} else {
			h, err = tx.HandoffByThread(ctx, w, threadID)
		}
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return nil, ErrNotHandoffThread
	}
	if err != nil {
		return nil, fmt.Errorf("find handoff: %w", err)
	}
	return h, nil
}

// authorize says whether ref may act on h's team, and as whom: a configured
// agent of the team (or an admin), or a member of one of the team's roles.
func (s *compiledSettings) authorize(h *Handoff, ref AgentRef) (Actor, bool) {
	if a := s.AgentByIdentity(ref.Workspace, ref.UserID); a != nil && (a.InTeam(h.Team) || a.Admin) {
		return Actor{Agent: a.ID, Admin: a.Admin}, true
	}
	if t := s.Team(h.Team); t != nil {
		for _, r := range ref.Roles {
			if slices.Contains(t.Roles, r) {
				return Actor{Agent: AgentID(string(ref.Workspace) + ":" + ref.UserID)}, true
			}
		}
	}
	return Actor{}, false
}

// displayName is the name users see for an agent: the workspace's display
// name, else the configured name.
func (s *compiledSettings) displayName(ref AgentRef) string {
	if ref.DisplayName != "" {
		return ref.DisplayName
	}
	if a := s.AgentByIdentity(ref.Workspace, ref.UserID); a != nil && a.Name != "" {
		return a.Name
	}
	return "An agent"
}

// agentTurn is the frame of agent events on a handoff: find it, wait for
// its conversation's lane, and in one transaction de-duplicate the event by
// its platform id and load the handoff (as it is now) and its conversation
// for fn.
func (e *Engine) agentTurn(ctx context.Context, h *Handoff, ws WorkspaceKind, eventID string, out *Outcome,
	fn func(w *work, c *Conversation, h *Handoff) error) error {
	return e.inLane(ctx, h.ConversationID, func() error {
		return e.update(ctx, func(w *work) error {
			fresh, err := w.fresh(ctx, "agent:"+string(ws), eventID)
			if err != nil || !fresh {
				out.Duplicate = !fresh
				return err
			}
			now, err := w.tx.Handoff(ctx, h.ID)
			if err != nil {
				return err
			}
			c, err := w.tx.Conversation(ctx, now.ConversationID)
			if err != nil {
				return err
			}
			return fn(w, c, now)
		})
	})
}

func (e *Engine) handleAgentAction(ctx context.Context, ev AgentAction) (Outcome, error) {
	h, err := e.findHandoff(ctx, ev.Agent.Workspace, ev.Handoff, ev.ThreadID)
	if err != nil {
		return Outcome{}, err
	}
	out, err := e.agentDecision(ctx, h, ev.Agent, ev.EventID, func(w *work, c *Conversation, h *Handoff) error {
		return w.agentAction(ctx, c, h, ev)
	})
	if err != nil && !IsRefusal(err) {
		return out, fmt.Errorf("handle %s on handoff %d: %w", ev.Action, h.ID, err)
	}
	return out, err
}

// agentDecision runs an agent's action on h in its turn: fn returns a
// refusal, which changes nothing and is told to the agent privately and
// returned, or a fault, which rolls the whole action back.
func (e *Engine) agentDecision(ctx context.Context, h *Handoff, who AgentRef, eventID string,
	fn func(w *work, c *Conversation, h *Handoff) error) (Outcome, error) {
	out := Outcome{Conversation: h.ConversationID, Handoff: h.ID}
	var refusal error
	err := e.agentTurn(ctx, h, who.Workspace, eventID, &out, func(w *work, c *Conversation, h *Handoff) error {
		refusal = fn(w, c, h)
		if refusal != nil && !IsRefusal(refusal) {
			err := refusal
			refusal = nil
			return err // a fault, not a refusal: roll the whole action back
		}
		return nil // a refusal changes nothing but is not a failure
	})
	if err != nil {
		return out, err
	}
	if refusal != nil {
		e.tellAgent(ctx, h, who, refusal)
		return out, refusal
	}
	return out, nil
}

// agentAction applies Join, Reject or Resolve. A refusal is returned as the
// error and changes nothing.
func (w *work) agentAction(ctx context.Context, c *Conversation, h *Handoff, ev AgentAction) error {
	s := w.s
	if !s.Enabled {
		return ErrDisabled
	}
	by, ok := s.authorize(h, ev.Agent)
	if !ok {
		return ErrNotAllowed
	}
	if ev.Action == ActJoin && h.State != StateActive {
		if err := w.checkOffer(h, by); err != nil {
			return err
		}
		if err := w.checkCapacity(ctx, h, by); err != nil {
			return err
		}
	}
	who := ev.Agent
	who.DisplayName = s.displayName(ev.Agent)
	return w.act(ctx, c, h, ev.Action, by, who)
}

// IsRefusal reports whether err is a user-visible refusal rather than a fault.
func IsRefusal(err error) bool {
	var taken *AlreadyTakenError
	var full *CapacityError
	return errors.As(err, &taken) || errors.As(err, &full) || errors.Is(err, ErrNotAgent) || errors.Is(err, ErrUnknownTarget) || errors.Is(err, ErrNotAllowed) || errors.Is(err, ErrNotOwner) ||
		errors.Is(err, ErrHandoffClosed) || errors.Is(err, ErrBadAction) || errors.Is(err, ErrDisabled)
}

// tellAgent tells one agent something privately, best effort: it is not
// part of the record, and the caller also gets the error.
func (e *Engine) tellAgent(ctx context.Context, h *Handoff, who AgentRef, msg error) {
	ws := e.workspaces[who.Workspace]
	if ws == nil {
		return
	}
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := ws.TellAgent(tctx, h.Thread, who.UserID, RefusalText(msg)); err != nil {
		e.log.Warn("could not tell agent", "workspace", who.Workspace, "handoff", h.ID, "err", err)
	}
}

// sentence ends s with a full stop unless it ends with punctuation already
// (a display name such as "Ana S." must not get two).
func sentence(s string) string {
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?") {
		return s
	}
	return s + "."
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (e *Engine) handleAgentMessage(ctx context.Context, ev AgentMessage) (Outcome, error) {
	h, err := e.findHandoff(ctx, ev.Agent.Workspace, ev.Handoff, ev.ThreadID)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Conversation: h.ConversationID, Handoff: h.ID}
	err = e.agentTurn(ctx, h, ev.Agent.Workspace, ev.PlatformID, &out, func(w *work, c *Conversation, h *Handoff) error {
		s := w.s
		by, allowed := s.authorize(h, ev.Agent)
		owner := allowed && h.State == StateActive && by.Agent == h.Owner
		isNote := s.NotePrefix != "" && strings.HasPrefix(strings.TrimSpace(ev.Text), s.NotePrefix)
		m := &Message{ConversationID: c.ID, HandoffID: h.ID, Role: RoleAgent, Author: s.displayName(ev.Agent),
			AgentID: by.Agent, Text: ev.Text, Attachments: ev.Attachments, Internal: !owner || isNote,
			Source: sourceOf(WorkspaceDestination(ev.Agent.Workspace)), PlatformID: ev.PlatformID, CreatedAt: w.now}
		if err := w.tx.AddMessage(ctx, m); err != nil {
			return fmt.Errorf("store agent message: %w", err)
		}
		out.Message = m.ID
		if !m.Internal {
			out.Relayed = true
			return w.sayAgent(ctx, c, m, OpUserMessage)
		}
		why := "Internal note: not sent to the user."
		if !isNote {
			switch {
			case h.State == StateActive:
				why = "Not sent to the user: only " + h.OwnerName + ", who joined, talks to the user. Kept as a note."
			case h.State.Open():
				why = "Not sent to the user: press Join to talk to them. Kept as a note."
			default:
				why = "Not sent to the user: this handoff is closed. Kept as a note."
			}
		}
		return w.enqueue(ctx, WorkspaceDestination(w.workspaceOf(h)), streamOfHandoff(h.ID), OpThreadNote,
			ThreadPayload{Handoff: h.ID, Platform: ev.PlatformID, Text: why, AgentRef: ev.Agent.UserID})
	})
	if err != nil {
		return out, fmt.Errorf("handle agent message in handoff %d: %w", h.ID, err)
	}
	return out, nil
}

func (e *Engine) handleAgentEdit(ctx context.Context, ev AgentEdit) (Outcome, error) {
	h, err := e.findHandoff(ctx, ev.Agent.Workspace, ev.Handoff, ev.ThreadID)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Conversation: h.ConversationID, Handoff: h.ID}
	err = e.inLane(ctx, h.ConversationID, func() error {
		return e.update(ctx, func(w *work) error {
			m, err := w.tx.MessageByPlatformID(ctx, sourceOf(WorkspaceDestination(ev.Agent.Workspace)), ev.PlatformID)
			if errors.Is(err, ErrNotFound) {
				return nil // a message the bridge never took: nothing to change
			}
			if err != nil {
				return err
			}
			out.Message = m.ID
			if !m.DeletedAt.IsZero() || (!ev.Deleted && m.Text == ev.Text) {
				out.Duplicate = true
				return nil
			}
			op := OpUserEdit
			if ev.Deleted {
				m.DeletedAt, op = w.now, OpUserDelete
			} else {
				m.Text, m.EditedAt = ev.Text, w.now
			}
			if err := w.tx.UpdateMessage(ctx, m); err != nil {
				return fmt.Errorf("store agent edit: %w", err)
			}
			if m.Internal {
				return nil
			}
			c, err := w.tx.Conversation(ctx, m.ConversationID)
			if err != nil {
				return err
			}
			out.Relayed = true
			return w.sayAgent(ctx, c, m, op)
		})
	})
	if err != nil {
		return out, fmt.Errorf("handle agent edit in handoff %d: %w", h.ID, err)
	}
	return out, nil
}

func (e *Engine) handleAgentTyping(ctx context.Context, ev AgentTyping) error {
	h, err := e.findHandoff(ctx, ev.Agent.Workspace, ev.Handoff, ev.ThreadID)
	if err != nil {
		return err
	}
	s := e.current()
	by, ok := s.authorize(h, ev.Agent)
	if !ok || h.State != StateActive || by.Agent != h.Owner {
		return nil // only the owner's typing reaches the user
	}
	var addr ChatAddress
	err = e.store.View(ctx, func(tx Tx) error {
		c, err := tx.Conversation(ctx, h.ConversationID)
		if err == nil {
			addr = c.Address
		}
		return err
	})
	if err != nil {
		return err
	}
	if ti, ok := e.channels[addr.Channel].(TypingIndicator); ok {
		return ti.SendTyping(ctx, addr, s.displayName(ev.Agent))
	}
	return nil
}
