package bridge

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// CannedReply is a saved answer of a team: agents send it by name, and
// its placeholders are filled for the conversation at hand.
type CannedReply struct {
	Name string
	Text string // Markdown, with placeholders (CannedPlaceholders)
}

// CannedPlaceholders are the placeholders a canned reply may hold; any
// other {word} is a configuration error.
var CannedPlaceholders = []string{"{user_name}", "{agent_name}", "{team}"}

// placeholderPattern finds what looks like a placeholder in a text.
var placeholderPattern = regexp.MustCompile(`\{[A-Za-z_][A-Za-z0-9_]*\}`)

// UnknownPlaceholders lists the {words} of text that are not
// CannedPlaceholders, for the configuration's validation.
func UnknownPlaceholders(text string) []string {
	var bad []string
	for _, p := range placeholderPattern.FindAllString(text, -1) {
		known := false
		for _, k := range CannedPlaceholders {
			known = known || p == k
		}
		if !known {
			bad = append(bad, p)
		}
	}
	return bad
}

// CannedReplyByName finds a team's canned reply, case-insensitively.
func (t *Team) CannedReplyByName(name string) (CannedReply, bool) {
	for _, r := range t.CannedReplies {
		if strings.EqualFold(r.Name, strings.TrimSpace(name)) {
			return r, true
		}
	}
	return CannedReply{}, false
}

// ErrNoCannedReply is returned for a canned reply the team does not have.
var ErrNoCannedReply = errors.New("this team has no canned reply of that name")

// AgentCannedReply is an agent sending one of the team's canned replies in
// a handoff (by its id, or the thread's). Only the owner of an active
// handoff may: it reaches the user as the agent's reply, and the thread
// shows it.
type AgentCannedReply struct {
	Agent      AgentRef
	Handoff    HandoffID
	ThreadID   string
	PlatformID string // de-duplicates a retried command; may be empty
	Name       string
}

func (AgentCannedReply) isEvent() {}

func (e *Engine) handleAgentCannedReply(ctx context.Context, ev AgentCannedReply) (Outcome, error) {
	h, err := e.findHandoff(ctx, ev.Agent.Workspace, ev.Handoff, ev.ThreadID)
	if err != nil {
		return Outcome{}, err
	}
	t := &agentTurn{handoff: h, workspace: ev.Agent.Workspace, eventID: ev.PlatformID}
	err = e.runAgentTurn(ctx, t, func(w *work, c *Conversation, h *Handoff) error {
		return t.refuse(w.sendCanned(ctx, c, h, ev, &t.out))
	})
	if err != nil {
		return t.out, fmt.Errorf("handle canned reply %q in handoff %d: %w", ev.Name, h.ID, err)
	}
	if t.refusal != nil {
		e.tellAgent(ctx, h, ev.Agent, t.refusal)
		return t.out, t.refusal
	}
	return t.out, nil
}

// sendCanned relays the filled canned reply as the owner's message and
// posts it in the thread, where the command left no message of its own.
func (w *work) sendCanned(ctx context.Context, c *Conversation, h *Handoff, ev AgentCannedReply, out *Outcome) error {
	s := w.s
	if !s.Enabled {
		return ErrDisabled
	}
	by, ok := s.authorize(h, ev.Agent)
	switch {
	case !ok:
		return ErrNotAllowed
	case !h.State.Open():
		return ErrHandoffClosed
	case h.State != StateActive || by.Agent != h.Owner:
		return ErrNotOwner
	}
	team := s.Team(h.Team)
	if team == nil {
		return ErrNoCannedReply
	}
	reply, found := team.CannedReplyByName(ev.Name)
	if !found {
		return ErrNoCannedReply
	}
	author := s.displayName(ev.Agent)
	text := fillCanned(reply.Text, c.User.DisplayName, author, string(h.Team))
	m := &Message{ConversationID: c.ID, HandoffID: h.ID, Role: RoleAgent, Author: author, AgentID: by.Agent,
		Text: text, Source: sourceOf(WorkspaceDestination(ev.Agent.Workspace)), CreatedAt: w.now}
	if err := w.tx.AddMessage(ctx, m); err != nil {
		return fmt.Errorf("store canned reply: %w", err)
	}
	out.Message, out.Relayed = m.ID, true
	if err := w.sayAgent(ctx, c, m, OpUserMessage); err != nil {
		return err
	}
	return w.postToThread(ctx, h, ThreadPost{MessageID: m.ID, Role: RoleAgent, Author: author, Text: text, At: w.now})
}

// fillCanned fills a canned reply's placeholders; a user without a known
// name is greeted without one.
func fillCanned(text, user, agent, team string) string {
	if strings.TrimSpace(user) == "" {
		user = "there"
	}
	return fill(text, "{user_name}", user, "{agent_name}", agent, "{team}", team)
}

// FilledCannedReplies are the canned replies of h's team as agent would
// send them in h, placeholders filled: for a workspace that shows them
// before they are sent (the console's picker).
func (e *Engine) FilledCannedReplies(ctx context.Context, h HandoffID, agent AgentRef) ([]CannedReply, error) {
	s := e.current()
	var filled []CannedReply
	err := e.store.View(ctx, func(tx Tx) error {
		hd, err := tx.Handoff(ctx, h)
		if err != nil {
			return err
		}
		c, err := tx.Conversation(ctx, hd.ConversationID)
		if err != nil {
			return err
		}
		team := s.Team(hd.Team)
		if team == nil {
			return nil
		}
		for _, r := range team.CannedReplies {
			filled = append(filled, CannedReply{Name: r.Name,
				Text: fillCanned(r.Text, c.User.DisplayName, s.displayName(agent), string(hd.Team))})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("canned replies of handoff %d: %w", h, err)
	}
	return filled, nil
}
