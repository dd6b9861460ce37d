package bridge

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Assignment is how a team's new requests reach an agent.
type Assignment string

// Assignments.
const (
	// AssignFirstJoin shows every request to the whole team; the first
	// agent to Join owns it.
	AssignFirstJoin Assignment = "first_join"
	// AssignRoundRobin offers each request to one available agent in turn.
	AssignRoundRobin Assignment = "round_robin"
	// AssignLeastBusy offers it to the available agent with the fewest
	// active handoffs (ties in turn).
	AssignLeastBusy Assignment = "least_busy"
)

// DefaultOfferTimeout is how long an offered agent has to Join when the
// team sets no offer_timeout.
const DefaultOfferTimeout = 2 * time.Minute

// EventOffered is the timeline entry of an offer to an agent, or of a
// request opened to all once nobody (else) was available.
const EventOffered HandoffEventKind = "handoff.offered"

// offers reports whether the team offers requests to one agent at a time.
func (t *Team) offers() bool {
	return t != nil && (t.Assignment == AssignRoundRobin || t.Assignment == AssignLeastBusy)
}

func (t *Team) offerTimeout() time.Duration {
	if t.OfferTimeout > 0 {
		return t.OfferTimeout
	}
	return DefaultOfferTimeout
}

// cursorOfTeam names the cursor holding the agent a team's round last
// offered a request to, so that the rotation survives restarts.
func cursorOfTeam(t TeamID) string { return "assign:" + string(t) }

// offerNext offers a pending request to the next agent by the team's
// assignment, or, when nobody (else) is available and under capacity,
// leaves it open to all; the SLA window runs all along. A team that
// assigns first_join changes nothing.
func (w *work) offerNext(ctx context.Context, h *Handoff, c *Conversation) error {
	t := w.s.Team(h.Team)
	if h.State != StatePending {
		return nil
	}
	if !t.offers() {
		// The team stopped offering (a config reload): end a standing offer,
		// so that its timer does not fire again.
		if h.Offer.Deadline.IsZero() {
			return nil
		}
		h.Offer.To, h.Offer.Name, h.Offer.Deadline = "", "", time.Time{}
		if ok, err := w.tx.UpdateHandoff(ctx, h, h.State, h.Owner); err != nil || !ok {
			return fmt.Errorf("end offer of handoff %d: %w", h.ID, errors.Join(err, errIf(!ok, "handoff changed")))
		}
		return nil
	}
	prev := h.Offer
	next, err := w.pickAgent(ctx, t, h)
	if err != nil {
		return err
	}
	h.Offer.To, h.Offer.Name, h.Offer.Deadline = "", "", time.Time{}
	if next != nil {
		h.Offer.To, h.Offer.Name, h.Offer.Deadline = next.ID, next.Name, w.now.Add(t.offerTimeout())
		h.Offer.Tried = append(h.Offer.Tried, next.ID)
		w.sla = true // the timer waits for the offer's deadline too
		if err := w.tx.SetCursor(ctx, cursorOfTeam(t.ID), string(next.ID)); err != nil {
			return fmt.Errorf("offer handoff %d: %w", h.ID, err)
		}
	}
	if ok, err := w.tx.UpdateHandoff(ctx, h, h.State, h.Owner); err != nil || !ok {
		return fmt.Errorf("offer handoff %d: %w", h.ID, errors.Join(err, errIf(!ok, "handoff changed")))
	}
	if next == nil {
		if prev.To == "" && len(prev.Tried) > 0 {
			return nil // already open to all
		}
		if err := w.record(ctx, h, EventOffered, "system", h.State, ""); err != nil {
			return err
		}
		line := "No agent is available to offer this request to: it is open to everyone."
		if prev.To != "" {
			line = "Nobody else is available: this request is open to everyone."
		}
		return w.systemLine(ctx, h, line)
	}
	if err := w.record(ctx, h, EventOffered, "system", h.State, string(next.ID)); err != nil {
		return err
	}
	within := t.offerTimeout().String()
	ref := next.Identities[t.Workspace]
	if err := w.postToThread(ctx, h, ThreadPost{Role: RoleSystem, Author: w.s.BotName, At: w.now, Mention: ref,
		Text: sentence("Offered to " + EscapeMarkdown(next.Name) + ": join within " + within)}); err != nil {
		return err
	}
	if ref == "" {
		return nil
	}
	return w.enqueue(ctx, WorkspaceDestination(w.workspaceOf(h)), streamOfHandoff(h.ID), OpAgentTell,
		ThreadPayload{Handoff: h.ID, AgentRef: ref,
			Text: fmt.Sprintf("Request #%d (%s) is offered to you: press Join within %s, or Decline to pass it on.", h.ID, c.User.DisplayName, within)})
}

// pickAgent chooses whom to offer h to: a configured agent of the team,
// available, under the team's capacity, who has not had it or declined it
// in this wait; by turn (after the agent the team's round last offered a
// request to) or, for least_busy, the fewest active handoffs first.
func (w *work) pickAgent(ctx context.Context, t *Team, h *Handoff) (*Agent, error) {
	statuses, err := w.tx.AgentStatuses(ctx)
	if err != nil {
		return nil, fmt.Errorf("offer handoff %d: %w", h.ID, err)
	}
	active, err := w.tx.ActiveHandoffCounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("offer handoff %d: %w", h.ID, err)
	}
	last, err := w.tx.Cursor(ctx, cursorOfTeam(t.ID))
	if err != nil {
		return nil, fmt.Errorf("offer handoff %d: %w", h.ID, err)
	}
	var members []*Agent
	for _, a := range w.s.Agents {
		if a.InTeam(t.ID) {
			members = append(members, a)
		}
	}
	// The round starts after the last agent offered one of this team's.
	if i := slices.IndexFunc(members, func(a *Agent) bool { return string(a.ID) == last }); i >= 0 {
		members = append(members[i+1:], members[:i+1]...)
	}
	var best *Agent
	for _, a := range members {
		switch {
		case statusOf(statuses, a.ID) != StatusAvailable,
			t.MaxActivePerAgent > 0 && active[a.ID] >= t.MaxActivePerAgent,
			slices.Contains(h.Offer.Tried, a.ID), slices.Contains(h.Declined, a.ID):
			continue
		}
		if t.Assignment != AssignLeastBusy {
			return a, nil
		}
		if best == nil || active[a.ID] < active[best.ID] {
			best = a
		}
	}
	return best, nil
}

// offerDue moves an offer whose time ran out to the next agent.
func (w *work) offerDue(ctx context.Context, h *Handoff, c *Conversation) error {
	if t := w.s.Team(h.Team); t.offers() {
		line := sentence(EscapeMarkdown(h.Offer.Name) + " did not join within " + t.offerTimeout().String())
		if err := w.systemLine(ctx, h, line); err != nil {
			return err
		}
	}
	return w.offerNext(ctx, h, c)
}

// checkOffer refuses a Join by another agent while the request is offered
// to someone, when the team allows only the offered agent to join.
func (w *work) checkOffer(h *Handoff, by Actor) error {
	t := w.s.Team(h.Team)
	if !t.offers() || !t.OfferedOnly || h.State != StatePending || h.Offer.To == "" || h.Offer.To == by.Agent || by.Admin {
		return nil
	}
	return fmt.Errorf("this request is offered to %s for now; you can join it if they do not: %w", h.Offer.Name, ErrBadAction)
}
