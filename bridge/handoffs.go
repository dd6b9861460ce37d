package bridge

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// historyInThread bounds the conversation-so-far posted in a new thread:
// the most recent messages; older ones stay in the store.
const historyInThread = 500

// request is why a handoff is being asked for.
type request struct {
	Trigger  string
	Reason   string
	Team     TeamID
	Priority Priority
	// Tell, when set, is said to the user before the waiting message (a
	// transfer's notice); Lines are posted in the thread after the history.
	Tell  *OutgoingMessage
	Lines []string
}

// requestHandoff opens a handoff on c: the thread in the team's workspace
// with the conversation so far, the waiting message to the user, and the
// notifications, all in the current transaction.
func (w *work) requestHandoff(ctx context.Context, c *Conversation, r request) (*Handoff, error) {
	team := w.s.Team(r.Team)
	if team == nil {
		team = w.s.Team(w.s.DefaultTeam)
	}
	if team == nil {
		return nil, fmt.Errorf("request handoff: no team %q and no default team", r.Team)
	}
	if r.Priority == "" {
		r.Priority = PriorityNormal
	}
	history, err := w.tx.RecentMessages(ctx, c.ID, historyInThread)
	if err != nil {
		return nil, fmt.Errorf("request handoff: read history: %w", err)
	}
	h := &Handoff{
		ConversationID: c.ID, Team: team.ID, State: StatePending, Priority: r.Priority,
		Trigger: r.Trigger, Reason: r.Reason, Previous: c.LastHandoff, CreatedAt: w.now, UpdatedAt: w.now,
	}
	if team.Summary != SummaryOff {
		h.Summary = extractiveSummary(r.Reason, history)
	}
	open := team.Hours.IsOpen(w.now)
	if open && team.SLA > 0 {
		h.Deadline = w.now.Add(team.SLA)
		w.sla = true
	}
	if err := w.tx.CreateHandoff(ctx, h); err != nil {
		return nil, fmt.Errorf("request handoff: %w", err)
	}
	c.LastHandoff = h.ID
	c.Offer = nil
	w.observeTransition(h, Transition{To: StatePending})
	if err := w.record(ctx, h, EventRequested, "user", "", r.Reason); err != nil {
		return nil, err
	}

	card, err := w.card(ctx, h, c)
	if err != nil {
		return nil, err
	}
	if err := w.enqueue(ctx, WorkspaceDestination(team.Workspace), streamOfHandoff(h.ID), OpThreadOpen,
		ThreadPayload{Handoff: h.ID, Channel: team.Channel, Card: card}); err != nil {
		return nil, err
	}
	if err := w.postHistory(ctx, h, history); err != nil {
		return nil, err
	}
	if team.Summary == SummaryAI || team.Summary == "" {
		req := SummaryRequest{Reason: r.Reason, Language: c.Context.Language, History: summaryHistory(history)}
		id, conv, timeout := h.ID, c.ID, w.s.summaryTimeout()
		w.after = append(w.after, func() { w.e.summarizeLater(id, conv, req, timeout) })
	}
	for _, l := range r.Lines {
		if err := w.systemLine(ctx, h, l); err != nil {
			return nil, err
		}
	}
	if err := w.notify(ctx, EventRequested, h, c, "user", nil); err != nil {
		return nil, err
	}
	if !open {
		// Outside business hours nobody will come: fall back at once.
		return h, w.expire(ctx, h, c, "outside business hours")
	}
	w.queueMoved(h.Team)
	if r.Tell != nil {
		if _, err := w.sayOut(ctx, c, h.ID, *r.Tell); err != nil {
			return nil, err
		}
	}
	if err := w.tellWaiting(ctx, c, h); err != nil {
		return nil, err
	}
	return h, w.offerNext(ctx, h, c)
}

// postHistory posts the conversation so far in a new thread, and a pointer
// to the user's earlier handoff if they had one.
func (w *work) postHistory(ctx context.Context, h *Handoff, history []Message) error {
	posts := make([]ThreadPost, 0, len(history))
	for _, m := range history {
		if m.Internal || m.DeletedAt.After(time.Time{}) {
			continue
		}
		posts = append(posts, ThreadPost{MessageID: m.ID, Role: m.Role, Author: m.Author, Text: m.Text,
			Attachments: m.Attachments, At: m.CreatedAt, History: true})
	}
	if h.Previous != 0 {
		posts = append(posts, ThreadPost{Role: RoleSystem, Author: w.s.BotName, At: w.now, History: true,
			Text: fmt.Sprintf("This user had an earlier handoff: #%d.", h.Previous)})
	}
	if len(posts) == 0 {
		return nil
	}
	return w.postToThread(ctx, h, posts...)
}

// tellWaiting sends the user the waiting message, once per wait.
func (w *work) tellWaiting(ctx context.Context, c *Conversation, h *Handoff) error {
	pos, err := w.tx.QueuePosition(ctx, h)
	if err != nil {
		return fmt.Errorf("queue position of handoff %d: %w", h.ID, err)
	}
	text := fill(w.s.Messages.Waiting, "{position}", strconv.Itoa(pos), "{team}", string(h.Team))
	if pos <= 0 {
		text = w.s.Messages.WaitingNoPosition
	}
	m := &Message{ConversationID: c.ID, HandoffID: h.ID, Role: RoleSystem, Author: w.s.BotName, Text: text, CreatedAt: w.now}
	if err := w.tx.AddMessage(ctx, m); err != nil {
		return fmt.Errorf("store waiting message: %w", err)
	}
	out := OutgoingMessage{MessageID: m.ID, Role: RoleSystem, Author: w.s.BotName, Text: text, Notice: NoticeWaiting,
		QueuePosition: pos, Choices: []Choice{{ID: ChoiceCancel, Label: w.s.Messages.CancelLabel}}, Handoff: h.ID}
	return w.enqueue(ctx, UserDestination(c.Address.Channel), streamOfConversation(c.ID), OpUserMessage,
		UserMessagePayload{To: c.Address, Message: out, Handoff: h.ID})
}

// transition applies the state machine's verdict with a compare-and-set, so
// that two actors racing on one handoff cannot both win.
func (w *work) transition(ctx context.Context, h *Handoff, act Action, by Actor, who AgentRef) (Transition, error) {
	tr, err := Decide(h, act, by)
	if err != nil {
		return tr, err
	}
	return tr, w.apply(ctx, h, act, tr, by, who)
}

// apply writes a verdict of the state machine with a compare-and-set, so
// that two actors racing on one handoff cannot both win, and records it.
func (w *work) apply(ctx context.Context, h *Handoff, act Action, tr Transition, by Actor, who AgentRef) error {
	expectState, expectOwner := h.State, h.Owner
	w.setFields(h, tr, by, who)
	ok, err := w.tx.UpdateHandoff(ctx, h, expectState, expectOwner)
	if err != nil {
		return fmt.Errorf("%s handoff %d: %w", act, h.ID, err)
	}
	if !ok {
		// Someone else changed it first: report what it is now.
		now, err := w.tx.Handoff(ctx, h.ID)
		if err != nil {
			return fmt.Errorf("%s handoff %d: reread: %w", act, h.ID, err)
		}
		*h = *now
		if h.State == StateActive && act == ActJoin {
			return &AlreadyTakenError{Owner: h.Owner, Name: h.OwnerName}
		}
		return fmt.Errorf("the handoff changed meanwhile: %w", ErrBadAction)
	}
	w.observeTransition(h, tr)
	if err := w.transitionMovesQueue(ctx, h, tr); err != nil {
		return fmt.Errorf("%s handoff %d: %w", act, h.ID, err)
	}
	actor := string(by.Agent)
	switch {
	case actor != "":
	case act == ActCancel:
		actor = "user"
	default:
		actor = "system"
	}
	return w.record(ctx, h, tr.Event, actor, tr.From, "")
}

// setFields writes a transition's verdict on the handoff: its state and
// owner, and with them the decliners, the owner's names, the SLA deadline
// and the closing time.
func (w *work) setFields(h *Handoff, tr Transition, by Actor, who AgentRef) {
	h.State, h.Owner, h.UpdatedAt = tr.To, tr.Owner, w.now
	if tr.To != StatePending || tr.From != StatePending {
		h.Offer = HandoffOffer{} // joined, closed or requeued: this wait's offers are over
	}
	switch {
	case tr.Declined:
		h.Declined = append(h.Declined, by.Agent)
	case tr.To == StateActive:
		h.OwnerName, h.OwnerRef, h.Deadline = who.DisplayName, who.UserID, time.Time{}
	case tr.To == StatePending: // handed back to the queue: a new SLA window
		h.OwnerName, h.OwnerRef, h.Declined = "", "", nil
		if t := w.s.Team(h.Team); t != nil && t.SLA > 0 {
			h.Deadline = w.now.Add(t.SLA)
			w.sla = true
		}
	case tr.To == StateResolved || tr.To == StateAbandoned:
		h.Deadline, h.ClosedAt = time.Time{}, w.now
	case tr.To == StateFallback:
		h.Deadline = time.Time{}
	}
}

// The effects of each transition, one function each (the table at Decide
// lists them): transition has written the handoff's fields and timeline
// entry; these post the line in the thread, refresh the card, notify and
// tell the user. Routing code only decides which action applies.

// expire: nobody joined in time; the user gets the lead form, or the "no
// agents" message.
func (w *work) expire(ctx context.Context, h *Handoff, c *Conversation, why string) error {
	if _, err := w.transition(ctx, h, ActExpire, Actor{}, AgentRef{}); err != nil {
		return err
	}
	team := w.s.Team(h.Team)
	leadForm := team != nil && team.Fallback == FallbackLeadForm
	line := "Nobody joined in time (" + why + "): "
	tell := &OutgoingMessage{Role: RoleSystem, Text: w.s.Messages.NoAgents, Notice: NoticeNoAgents}
	h.LeadStep = LeadDone
	if leadForm {
		line += "the user is asked to leave their contact details. You can still join."
		tell.Text, h.LeadStep = w.s.Messages.LeadIntro, LeadName
	} else {
		line += "the user was told no agents are available. You can still join."
	}
	if ok, err := w.tx.UpdateHandoff(ctx, h, h.State, h.Owner); err != nil || !ok {
		return fmt.Errorf("start lead form of handoff %d: %w", h.ID, errors.Join(err, errIf(!ok, "handoff changed")))
	}
	if err := w.announce(ctx, c, h, EventFallback, "system", line, tell); err != nil {
		return err
	}
	if !leadForm {
		return nil
	}
	return w.askLead(ctx, c, h, "")
}

// cancel: the user stopped waiting.
func (w *work) cancel(ctx context.Context, c *Conversation, h *Handoff) error {
	if _, err := w.transition(ctx, h, ActCancel, Actor{}, AgentRef{}); err != nil {
		return err
	}
	return w.announce(ctx, c, h, EventAbandoned, "user", "The user stopped waiting.",
		&OutgoingMessage{Role: RoleSystem, Text: w.s.Messages.Cancelled, Notice: NoticeCancelled})
}

// agentMove is what the effects of an agent's action need to know.
type agentMove struct {
	by        Actor
	name      string // the agent's display name, as users see it
	prevOwner string // the owner's display name before the transition
}

// act applies an agent's Join, Reject or Resolve and the effects of the
// transition it makes. A refusal is returned as the error and changes nothing.
func (w *work) act(ctx context.Context, c *Conversation, h *Handoff, act Action, by Actor, who AgentRef) error {
	m := agentMove{by: by, name: who.DisplayName, prevOwner: h.OwnerName}
	tr, err := w.transition(ctx, h, act, by, who)
	if err != nil {
		return err
	}
	switch {
	case tr.Event == EventJoined:
		return w.joined(ctx, c, h, tr, m)
	case tr.Declined:
		return w.declined(ctx, c, h, m)
	case tr.Event == EventRejected:
		return w.requeued(ctx, c, h, m)
	case tr.Event == EventResolved:
		return w.resolved(ctx, c, h, m)
	}
	return w.announce(ctx, c, h, tr.Event, string(by.Agent), "", nil)
}

// joined: an agent took the handoff; the user is told who.
func (w *work) joined(ctx context.Context, c *Conversation, h *Handoff, tr Transition, m agentMove) error {
	shown := EscapeMarkdown(m.name) // the thread's lines are Markdown; names are not
	line := sentence(shown + " joined")
	if tr.From == StateFallback {
		line = shown + " joined after the fallback."
	}
	tell := notice(fill(w.s.Messages.Joined, "{agent}", m.name), NoticeJoined)
	if tell != nil {
		tell.Agent = m.name
	}
	return w.announce(ctx, c, h, EventJoined, string(m.by.Agent), line, tell)
}

// declined: an agent declined a waiting request; it stays in the queue and
// the user is not told.
func (w *work) declined(ctx context.Context, c *Conversation, h *Handoff, m agentMove) error {
	line := EscapeMarkdown(m.name) + " declined this request; it stays in the queue."
	if err := w.announce(ctx, c, h, EventRejected, string(m.by.Agent), line, nil); err != nil {
		return err
	}
	if h.Offer.To != m.by.Agent {
		return nil
	}
	return w.offerNext(ctx, h, c) // the offered agent passed it on
}

// requeued: the owner handed the conversation back to the queue.
func (w *work) requeued(ctx context.Context, c *Conversation, h *Handoff, m agentMove) error {
	line := EscapeMarkdown(m.name) + " handed this conversation back to the queue."
	tell := notice(fill(w.s.Messages.Requeued, "{agent}", m.prevOwner), NoticeRequeued)
	if err := w.announce(ctx, c, h, EventRejected, string(m.by.Agent), line, tell); err != nil {
		return err
	}
	h.Offer.Tried = []AgentID{m.by.Agent} // who handed it back is not offered it again first
	return w.offerNext(ctx, h, c)
}

// resolved: an agent closed the handoff; the user is told by the name of
// the agent they talked to.
func (w *work) resolved(ctx context.Context, c *Conversation, h *Handoff, m agentMove) error {
	line := sentence("Resolved by " + EscapeMarkdown(m.name))
	resolver := m.name
	if m.prevOwner != "" {
		resolver = m.prevOwner
	}
	tell := notice(fill(w.s.Messages.Resolved, "{agent}", resolver), NoticeResolved)
	return w.announce(ctx, c, h, EventResolved, string(m.by.Agent), line, tell)
}

// notice is the user's notice of a transition, nil for an empty text.
func notice(text string, n Notice) *OutgoingMessage {
	if text == "" {
		return nil
	}
	return &OutgoingMessage{Role: RoleSystem, Text: text, Notice: n}
}

// announce is what every transition ends with: the line in the thread, the
// refreshed card, the notifications (actor is an agent id, "user" or
// "system"), and the notice to the user, if any.
func (w *work) announce(ctx context.Context, c *Conversation, h *Handoff, kind HandoffEventKind, actor, line string, tell *OutgoingMessage) error {
	if err := w.systemLine(ctx, h, line); err != nil {
		return err
	}
	if err := w.updateCard(ctx, h, c); err != nil {
		return err
	}
	if err := w.notify(ctx, kind, h, c, actor, nil); err != nil {
		return err
	}
	if tell == nil {
		return nil
	}
	_, err := w.sayOut(ctx, c, h.ID, *tell)
	return err
}

// observeTransition tells the observer once the transaction commits, so
// that a rolled-back change is never counted.
func (w *work) observeTransition(h *Handoff, tr Transition) {
	team, created, now, obs := h.Team, h.CreatedAt, w.now, w.e.obs
	w.after = append(w.after, func() {
		if tr.From != tr.To {
			obs.HandoffChanged(team, tr.From, tr.To)
		}
		switch tr.To {
		case StateActive:
			if tr.From != StateActive {
				obs.HandoffJoined(team, now.Sub(created))
			}
		case StateResolved:
			obs.HandoffResolved(team, now.Sub(created))
		}
	})
}

func errIf(cond bool, msg string) error {
	if cond {
		return errors.New(msg)
	}
	return nil
}
