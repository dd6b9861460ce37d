package bridge

import (
	"errors"
	"fmt"
	"slices"
)

// Action is something that can happen to a handoff.
type Action string

// Actions on a handoff.
const (
	ActJoin    Action = "join"    // an agent takes the handoff
	ActReject  Action = "reject"  // an agent declines it, or the owner hands it back
	ActResolve Action = "resolve" // an agent closes it
	ActCancel  Action = "cancel"  // the user stops waiting
	ActExpire  Action = "expire"  // the SLA window elapsed with nobody joined
	// ActTransfer hands an active handoff to another agent or team; see
	// DecideTransfer, which also needs to know to whom.
	ActTransfer Action = "transfer"
)

// Actor is who performs an action: an agent (with their rights) or, for
// cancel and expire, the user or the system.
type Actor struct {
	Agent AgentID
	Admin bool
}

// Transition is the state machine's verdict: the state and owner the handoff
// moves to, and the timeline event to record.
type Transition struct {
	From, To State
	Owner    AgentID
	Event    HandoffEventKind
	// Declined is set when a pending (or fallback) request stays where it is
	// but the actor is added to its decliners.
	Declined bool
}

// Refusals of the state machine. Each is user-visible: the workspace shows
// the agent Error() privately.
var (
	ErrHandoffClosed = errors.New("this handoff is already closed")
	ErrNotOwner      = errors.New("only the agent who joined this handoff can do that")
	ErrNotAllowed    = errors.New("you don't have the Handoff permission for this team")
	ErrBadAction     = errors.New("that action is not possible now")
	ErrDisabled      = errors.New("the handoff module is disabled")
)

// AlreadyTakenError tells a late joiner who owns the handoff.
type AlreadyTakenError struct {
	Owner AgentID
	Name  string // the owner's display name, when known
}

func (e *AlreadyTakenError) Error() string {
	if e.Name != "" {
		return "already taken by " + e.Name
	}
	return fmt.Sprintf("already taken by %s", e.Owner)
}

// Decide is the handoff state machine: the one place that says which
// transitions are allowed. It is pure; the Engine applies its verdict with a
// conditional store update so that concurrent actions cannot both win.
//
// Each transition and the function (handoffs.go) that performs all its
// effects, after work.transition has written the fields (setFields) and
// the timeline entry:
//
//	request          → pending (→ fallback outside hours)   requestHandoff
//	join    pending|fallback → active                        joined
//	reject  pending|fallback, actor added to decliners      declined
//	reject  active → pending, a new SLA window               requeued
//	resolve active|pending|fallback → resolved               resolved
//	cancel  pending|fallback → abandoned                     cancel
//	expire  pending → fallback (lead form or "no agents")    expire
//	transfer active → active, another owner (DecideTransfer)  transferredToAgent
//	transfer active → resolved, a new request in the team     transferredToTeam
func Decide(h *Handoff, act Action, by Actor) (Transition, error) {
	t := Transition{From: h.State, To: h.State, Owner: h.Owner}
	switch act {
	case ActJoin:
		switch h.State {
		case StatePending, StateFallback: // an agent may still join after the SLA window closed (fallback)
			t.To, t.Owner, t.Event = StateActive, by.Agent, EventJoined
			return t, nil
		case StateActive:
			return t, &AlreadyTakenError{Owner: h.Owner, Name: h.OwnerName}
		}
		return t, ErrHandoffClosed
	case ActReject:
		switch h.State {
		case StatePending, StateFallback:
			if slices.Contains(h.Declined, by.Agent) {
				return t, fmt.Errorf("you already declined this request: %w", ErrBadAction)
			}
			t.Event, t.Declined = EventRejected, true
			return t, nil
		case StateActive:
			if h.Owner != by.Agent {
				return t, ErrNotOwner
			}
			t.To, t.Owner, t.Event = StatePending, "", EventRejected
			return t, nil
		}
		return t, ErrHandoffClosed
	case ActResolve:
		switch h.State {
		case StateActive:
			if h.Owner != by.Agent && !by.Admin {
				return t, ErrNotOwner
			}
		case StatePending:
			// Nobody owns it: only an admin may close it unanswered.
			if !by.Admin {
				return t, fmt.Errorf("join it first, or ask an admin to close it: %w", ErrBadAction)
			}
		case StateFallback:
			// The user was offered the lead form; any agent of the team may
			// close it once they have followed up.
		default:
			return t, ErrHandoffClosed
		}
		t.To, t.Owner, t.Event = StateResolved, h.Owner, EventResolved
		return t, nil
	case ActCancel:
		if h.State == StatePending || h.State == StateFallback {
			t.To, t.Owner, t.Event = StateAbandoned, "", EventAbandoned
			return t, nil
		}
		if h.State == StateActive {
			return t, fmt.Errorf("an agent is already with you: %w", ErrBadAction)
		}
		return t, ErrHandoffClosed
	case ActTransfer:
		return DecideTransfer(h, by, TransferTo{})
	case ActExpire:
		if h.State == StatePending {
			t.To, t.Event = StateFallback, EventFallback
			return t, nil
		}
		return t, ErrBadAction
	}
	return t, fmt.Errorf("unknown action %q: %w", act, ErrBadAction)
}

// TransferTo is whom a handoff is transferred to: an agent (of the
// handoff's team, or an admin) or another team.
type TransferTo struct {
	Agent AgentID
	Team  TeamID
}

// DecideTransfer is the state machine's verdict on a transfer. Only the
// owner (or an admin) hands over an active handoff. To an agent it stays
// active with them as the owner; to a team this handoff is closed
// (resolved, with a transferred entry) and the team gets a new request of
// its own that links to it. A zero to only checks that a transfer is
// possible at all.
func DecideTransfer(h *Handoff, by Actor, to TransferTo) (Transition, error) {
	t := Transition{From: h.State, To: h.State, Owner: h.Owner, Event: EventTransferred}
	switch {
	case h.State == StatePending || h.State == StateFallback:
		return t, fmt.Errorf("join it first; only an active conversation can be transferred: %w", ErrBadAction)
	case h.State != StateActive:
		return t, ErrHandoffClosed
	case h.Owner != by.Agent && !by.Admin:
		return t, ErrNotOwner
	case to.Agent != "" && to.Agent == h.Owner:
		return t, fmt.Errorf("it is already with them: %w", ErrBadAction)
	case to.Team != "" && to.Team == h.Team:
		return t, fmt.Errorf("it is already in team %s: %w", to.Team, ErrBadAction)
	case to.Agent != "":
		t.Owner = to.Agent
	case to.Team != "":
		t.To = StateResolved
	}
	return t, nil
}
