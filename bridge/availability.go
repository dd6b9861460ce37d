package bridge

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// AgentStatus says whether an agent takes new requests. It is what the
// assignment of a team (see Team.Assignment) reads: only available agents
// are offered requests. An agent who never set one is offline.
type AgentStatus string

// Agent statuses.
const (
	StatusAvailable AgentStatus = "available"
	StatusAway      AgentStatus = "away"
	StatusOffline   AgentStatus = "offline"
)

// AgentStatuses lists the statuses an agent can set, in the order shown.
var AgentStatuses = []AgentStatus{StatusAvailable, StatusAway, StatusOffline}

// ParseAgentStatus reads a status as typed in a command ("Away" is away).
func ParseAgentStatus(s string) (AgentStatus, bool) {
	st := AgentStatus(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range AgentStatuses {
		if st == known {
			return st, true
		}
	}
	return "", false
}

// AgentStatusChange is an agent setting their status from a workspace
// (/handoff available in Slack, the console's toggle).
type AgentStatusChange struct {
	Agent  AgentRef
	Status AgentStatus
}

func (AgentStatusChange) isEvent() {}

// ErrNotAgent refuses a status change from someone who is not a configured
// agent (role members act on handoffs but have no status of their own).
var ErrNotAgent = errors.New("you are not a configured agent of the handoff bridge, so you have no status to set")

// CapacityError refuses a Join by an agent who already has as many active
// handoffs as the team allows.
type CapacityError struct {
	Who           string // "you", or "they" for the target of a transfer
	Active, Limit int
}

func (e *CapacityError) Error() string {
	if e.Who == "they" {
		return fmt.Sprintf("they already have %d active conversations, the most this team allows each agent (%d)", e.Active, e.Limit)
	}
	return fmt.Sprintf("you already have %d active conversations, the most this team allows each agent (%d): "+
		"resolve one or hand it back, then join this one", e.Active, e.Limit)
}

func (e *Engine) handleAgentStatus(ctx context.Context, ev AgentStatusChange) (Outcome, error) {
	a := e.current().AgentByIdentity(ev.Agent.Workspace, ev.Agent.UserID)
	if a == nil {
		return Outcome{}, ErrNotAgent
	}
	st, ok := ParseAgentStatus(string(ev.Status))
	if !ok {
		return Outcome{}, fmt.Errorf("%q is not a status; say available, away or offline: %w", ev.Status, ErrBadAction)
	}
	err := e.update(ctx, func(w *work) error { return w.tx.SetAgentStatus(ctx, a.ID, st, w.now) })
	if err != nil {
		return Outcome{}, fmt.Errorf("set status of agent %s: %w", a.ID, err)
	}
	return Outcome{}, nil
}

// AgentStatus is the status of the configured agent ref is, offline when
// they never set one; ErrNotAgent when ref is no configured agent.
func (e *Engine) AgentStatus(ctx context.Context, ref AgentRef) (AgentStatus, error) {
	a := e.current().AgentByIdentity(ref.Workspace, ref.UserID)
	if a == nil {
		return "", ErrNotAgent
	}
	var st map[AgentID]AgentStatus
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		st, err = tx.AgentStatuses(ctx)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("agent status of %s: %w", a.ID, err)
	}
	return statusOf(st, a.ID), nil
}

func statusOf(st map[AgentID]AgentStatus, a AgentID) AgentStatus {
	if s, ok := st[a]; ok {
		return s
	}
	return StatusOffline
}

// checkCapacity refuses a Join that would give the agent more active
// handoffs than the team allows.
func (w *work) checkCapacity(ctx context.Context, h *Handoff, by Actor) error {
	return w.checkCapacityOf(ctx, h, by.Agent, "you")
}

// checkCapacityOf refuses to give agent one more of the team's active
// handoffs beyond its limit; who is how the refusal names them.
func (w *work) checkCapacityOf(ctx context.Context, h *Handoff, agent AgentID, who string) error {
	t := w.s.Team(h.Team)
	if t == nil || t.MaxActivePerAgent <= 0 || agent == "" {
		return nil
	}
	active, err := w.tx.ActiveHandoffCounts(ctx)
	if err != nil {
		return fmt.Errorf("count active handoffs: %w", err)
	}
	if n := active[agent]; n >= t.MaxActivePerAgent {
		return &CapacityError{Who: who, Active: n, Limit: t.MaxActivePerAgent}
	}
	return nil
}

// StatusConfirmation is what every workspace tells an agent who set their
// status, so that the words are the same everywhere.
func StatusConfirmation(s AgentStatus) string {
	switch s {
	case StatusAvailable:
		return "You are now available: new requests of your teams can be offered to you."
	case StatusAway:
		return "You are now away: new requests are not offered to you until you are available again. You can still join any."
	}
	return "You are now offline: new requests are not offered to you. You can still join any."
}

// RefusalText is a refusal as an agent is told it: a capitalised sentence.
func RefusalText(err error) string { return sentence(capitalize(err.Error())) }
