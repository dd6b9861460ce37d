package bridge

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// AgentTransfer is the owner of an active handoff handing it to another
// agent or team (a button, /handoff transfer). The handoff is named by id
// or, when zero, by its thread.
type AgentTransfer struct {
	Agent    AgentRef
	Handoff  HandoffID
	ThreadID string
	// To is whom to: UserID, a user id in the actor's workspace (a Slack
	// or Discord mention), or Name, a team's name or an agent's id or
	// display name, as typed.
	To TransferTarget
	// EventID de-duplicates redelivered commands; may be empty.
	EventID string
}

// TransferTarget names the agent or team a handoff is transferred to.
type TransferTarget struct {
	UserID string
	Name   string
}

func (AgentTransfer) isEvent() {}

// ErrUnknownTarget refuses a transfer to someone or something that is no
// configured agent or team.
var ErrUnknownTarget = errors.New("no agent or team by that name")

// resolveTransfer finds whom a transfer goes to: a team by name, else an
// agent by workspace id, id or display name (case-insensitive).
func (s *compiledSettings) resolveTransfer(ws WorkspaceKind, to TransferTarget) (TransferTo, *Agent, error) {
	if to.UserID != "" {
		if a := s.AgentByIdentity(ws, to.UserID); a != nil {
			return TransferTo{Agent: a.ID}, a, nil
		}
		return TransferTo{}, nil, fmt.Errorf("that person is not a configured agent: %w", ErrUnknownTarget)
	}
	name := strings.TrimPrefix(strings.TrimSpace(to.Name), "@")
	if t := s.Team(TeamID(strings.ToLower(name))); t != nil {
		return TransferTo{Team: t.ID}, nil, nil
	}
	for _, a := range s.Agents {
		if strings.EqualFold(string(a.ID), name) || strings.EqualFold(a.Name, name) {
			return TransferTo{Agent: a.ID}, a, nil
		}
	}
	return TransferTo{}, nil, fmt.Errorf("%q: %w", name, ErrUnknownTarget)
}

func (e *Engine) handleAgentTransfer(ctx context.Context, ev AgentTransfer) (Outcome, error) {
	h, err := e.findHandoff(ctx, ev.Agent.Workspace, ev.Handoff, ev.ThreadID)
	if err != nil {
		return Outcome{}, err
	}
	out, err := e.agentDecision(ctx, h, ev.Agent, ev.EventID, func(w *work, c *Conversation, h *Handoff) error {
		return w.transfer(ctx, c, h, ev)
	})
	if err != nil && !IsRefusal(err) {
		return out, fmt.Errorf("handle transfer of handoff %d: %w", h.ID, err)
	}
	return out, err
}

// transfer checks and applies a transfer. A refusal is returned as the
// error and changes nothing.
func (w *work) transfer(ctx context.Context, c *Conversation, h *Handoff, ev AgentTransfer) error {
	s := w.s
	if !s.Enabled {
		return ErrDisabled
	}
	by, ok := s.authorize(h, ev.Agent)
	if !ok {
		return ErrNotAllowed
	}
	to, agent, err := s.resolveTransfer(ev.Agent.Workspace, ev.To)
	if err != nil {
		return err
	}
	if agent != nil && !agent.InTeam(h.Team) && !agent.Admin {
		return fmt.Errorf("%s is not an agent of team %s; transfer it to the team instead: %w", agent.Name, h.Team, ErrBadAction)
	}
	tr, err := DecideTransfer(h, by, to)
	if err != nil {
		return err
	}
	if agent != nil {
		if err := w.checkCapacityOf(ctx, h, agent.ID, "they"); err != nil {
			return err
		}
	}
	from := agentMove{by: by, name: s.displayName(ev.Agent), prevOwner: h.OwnerName}
	if agent == nil {
		return w.transferredToTeam(ctx, c, h, tr, from, to.Team)
	}
	ws := w.workspaceOf(h)
	who := AgentRef{Workspace: ws, UserID: agent.Identities[ws], DisplayName: agent.Name}
	return w.transferredToAgent(ctx, c, h, tr, from, who)
}

// transferredToAgent: the handoff stays active with its new owner, who is
// told privately; the user is told who is with them now.
func (w *work) transferredToAgent(ctx context.Context, c *Conversation, h *Handoff, tr Transition, m agentMove, to AgentRef) error {
	if err := w.apply(ctx, h, ActTransfer, tr, m.by, to); err != nil {
		return err
	}
	line := sentence(EscapeMarkdown(m.name) + " transferred this conversation to " + EscapeMarkdown(to.DisplayName))
	tell := notice(fill(w.s.Messages.Transferred, "{agent}", to.DisplayName), NoticeJoined)
	if tell != nil {
		tell.Agent = to.DisplayName
	}
	if err := w.announce(ctx, c, h, EventTransferred, string(m.by.Agent), line, tell); err != nil {
		return err
	}
	if to.UserID == "" {
		return nil
	}
	return w.enqueue(ctx, WorkspaceDestination(w.workspaceOf(h)), streamOfHandoff(h.ID), OpAgentTell,
		ThreadPayload{Handoff: h.ID, AgentRef: to.UserID, Text: fmt.Sprintf(
			"%s transferred request #%d (%s) to you: you are now talking with the user.", m.name, h.ID, c.User.DisplayName)})
}

// transferredToTeam: this handoff closes with a transferred entry, and the
// team gets a new request for the conversation, its thread opened in the
// team's channel with the history and a link back; the user is told.
func (w *work) transferredToTeam(ctx context.Context, c *Conversation, h *Handoff, tr Transition, m agentMove, team TeamID) error {
	if err := w.apply(ctx, h, ActTransfer, tr, m.by, AgentRef{}); err != nil {
		return err
	}
	tell := notice(fill(w.s.Messages.TransferredTeam, "{team}", string(team), "{agent}", m.prevOwner), NoticeRequeued)
	next, err := w.requestHandoff(ctx, c, request{Trigger: "transfer", Team: team, Priority: h.Priority, Tell: tell,
		Reason: fmt.Sprintf("Transferred from team %s by %s (#%d)", h.Team, m.name, h.ID),
		Lines: []string{fmt.Sprintf("%s transferred this conversation from team %s; its earlier thread: %s.",
			EscapeMarkdown(m.name), EscapeMarkdown(string(h.Team)), w.handoffRef(h.ID))}})
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s transferred this conversation to team %s: %s.", EscapeMarkdown(m.name), EscapeMarkdown(string(team)), w.handoffRef(next.ID))
	if err := w.announce(ctx, c, h, EventTransferred, string(m.by.Agent), line, nil); err != nil {
		return err
	}
	c.UpdatedAt = w.now
	return w.tx.UpdateConversation(ctx, c)
}

// handoffRef is a handoff as a thread line names it: its stable link under
// the public URL (which leads to its thread wherever it is), else its
// number.
func (w *work) handoffRef(id HandoffID) string {
	if link := HandoffLink(w.s.PublicURL, id); link != "" {
		return "[#" + id.String() + "](" + link + ")"
	}
	return "#" + id.String()
}
