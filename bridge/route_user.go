package bridge

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/handoffbridge/handoff/bridge/phrase"
)

// conversationFor finds the conversation at addr, creating it on first
// contact.
func (e *Engine) conversationFor(ctx context.Context, addr ChatAddress, user User, uc UserContext) (ConversationID, error) {
	if id, ok := e.convIDs.get(addr); ok {
		return id, nil
	}
	var id ConversationID
	err := e.store.View(ctx, func(tx Tx) error {
		c, err := tx.ConversationByAddress(ctx, addr)
		if err == nil {
			id = c.ID
		}
		return err
	})
	if err == nil {
		e.convIDs.put(addr, id)
		return id, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return 0, fmt.Errorf("find conversation %s: %w", addr, err)
	}
	err = e.update(ctx, func(w *work) error {
		// Looked up again inside the write transaction: two first messages
		// racing must not make two conversations.
		c, err := w.tx.ConversationByAddress(ctx, addr)
		if err == nil {
			id = c.ID
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		uc.SessionStart = w.now // the core's, whatever the channel said (see continueSession)
		c = &Conversation{Address: addr, User: user, Context: uc, CreatedAt: w.now, UpdatedAt: w.now}
		if err := w.tx.CreateConversation(ctx, c); err != nil {
			return err
		}
		id = c.ID
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("create conversation %s: %w", addr, err)
	}
	e.convIDs.put(addr, id)
	return id, nil
}

// openHandoff returns the conversation's open handoff, or nil.
func openHandoff(ctx context.Context, tx Tx, id ConversationID) (*Handoff, error) {
	h, err := tx.OpenHandoff(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open handoff of conversation %d: %w", id, err)
	}
	return h, nil
}

// openHandoffOf is openHandoff without the query for a conversation that
// never had a handoff (every handoff is made by requestHandoff, which sets
// LastHandoff in the same transaction): the AI path's common case.
func openHandoffOf(ctx context.Context, tx Tx, c *Conversation) (*Handoff, error) {
	if c.LastHandoff == 0 {
		return nil, nil
	}
	return openHandoff(ctx, tx, c.ID)
}

// inboundKey scopes a platform's id to its chat: many platforms number
// messages per chat. An event without an id is never de-duplicated.
func inboundKey(a ChatAddress, kind, platformID string) string {
	if platformID == "" {
		return ""
	}
	return a.ChatID + "/" + kind + "/" + platformID
}

// fresh records an inbound platform id and reports whether it is new.
func (w *work) fresh(ctx context.Context, source, id string) (bool, error) {
	if id == "" {
		return true, nil
	}
	ok, err := w.tx.MarkInbound(ctx, source, id)
	if err != nil {
		return false, fmt.Errorf("de-duplicate %s event %s: %w", source, id, err)
	}
	return ok, nil
}

// userTurn is one inbound user event on its way through the engine: the
// chat it came from, how it is de-duplicated, what it came to, and what is
// left to do once its transaction commits.
type userTurn struct {
	addr       ChatAddress
	kind       string // scopes platformID: "message", "choice", "lead"
	platformID string
	user       User        // who the user is, for a conversation this event starts
	context    UserContext // likewise
	out        Outcome
	// ask, when set in the transaction, is a user message the AI answers
	// after the commit, in the same lane turn.
	ask *Message
}

// runUserTurn is the frame of every inbound user event: find or make the
// conversation, wait for its lane, and in one transaction de-duplicate the
// event by its platform id and load the conversation and its open handoff
// (nil when none) for fn. A message fn leaves for the AI is answered after
// the commit, in the same lane turn.
func (e *Engine) runUserTurn(ctx context.Context, t *userTurn, fn func(w *work, c *Conversation, h *Handoff) error) error {
	id, err := e.conversationFor(ctx, t.addr, t.user, t.context)
	if err != nil {
		return err
	}
	t.out.Conversation = id
	return e.inLane(ctx, id, func(ctx context.Context) error {
		err := e.update(ctx, func(w *work) error {
			t.ask = nil // set again by this attempt, if the store retries one
			fresh, err := w.fresh(ctx, sourceOf(UserDestination(t.addr.Channel)), inboundKey(t.addr, t.kind, t.platformID))
			if err != nil || !fresh {
				t.out.Duplicate = !fresh
				return err
			}
			c, err := w.tx.Conversation(ctx, id)
			if err != nil {
				return err
			}
			h, err := openHandoffOf(ctx, w.tx, c)
			if err != nil {
				return err
			}
			return fn(w, c, h)
		})
		if err != nil || t.ask == nil {
			return err
		}
		return e.answer(ctx, id, t.ask)
	})
}

func (e *Engine) handleUserMessage(ctx context.Context, ev UserMessage) (Outcome, error) {
	t := &userTurn{addr: ev.Address, kind: "message", platformID: ev.PlatformID, user: ev.User, context: ev.Context}
	err := e.runUserTurn(ctx, t, func(w *work, c *Conversation, h *Handoff) error {
		return w.userMessage(ctx, t, c, h, ev)
	})
	if err != nil {
		return t.out, fmt.Errorf("handle user message in %s: %w", ev.Address, err)
	}
	return t.out, nil
}

// userMessage stores a user's message on c and routes it.
func (w *work) userMessage(ctx context.Context, t *userTurn, c *Conversation, h *Handoff, ev UserMessage) error {
	stored := *c
	if ev.User.DisplayName != "" {
		c.User = ev.User
	}
	c.Context = c.Context.Merge(ev.Context)
	if err := w.continueSession(ctx, c); err != nil {
		return err
	}
	m := &Message{ConversationID: c.ID, Role: RoleUser, Author: c.User.DisplayName, Text: ev.Text,
		Attachments: ev.Attachments, Source: string(ev.Address.Channel), PlatformID: ev.PlatformID, CreatedAt: w.now}
	if h != nil {
		m.HandoffID, t.out.Handoff = h.ID, h.ID
	}
	if err := w.tx.AddMessage(ctx, m); err != nil {
		return fmt.Errorf("store user message: %w", err)
	}
	t.out.Message = m.ID
	before := c.LastHandoff
	needAI, err := false, error(nil)
	if h != nil || ev.Routing != RouteRecord {
		if needAI, err = w.routeUserMessage(ctx, c, h, m); err != nil {
			return err
		}
	}
	if needAI && ev.Routing == RouteAll {
		if err := w.askAI(ctx, t, c, h, m); err != nil {
			return err
		}
	}
	if c.LastHandoff != before {
		t.out.Handoff = c.LastHandoff // this message started a handoff
	}
	t.out.HandoffOpen = c.LastHandoff != before || (h != nil && h.State.Open())
	if ev.Remember != nil {
		ns, key, value := ev.Remember(t.out)
		if err := w.tx.PutAdapterState(ctx, ns, key, value); err != nil {
			return fmt.Errorf("remember the answer: %w", err)
		}
	}
	if *c == stored {
		return nil // a relayed message changes nothing here: one write less
	}
	c.UpdatedAt = w.now
	return w.tx.UpdateConversation(ctx, c)
}

// askAI answers m in this transaction when the responder can (see
// InstantResponder), and otherwise leaves it on t for after the commit.
func (w *work) askAI(ctx context.Context, t *userTurn, c *Conversation, h *Handoff, m *Message) error {
	instant, ok := w.e.responder.(InstantResponder)
	if !ok {
		t.ask = m
		c.Awaiting = m.ID
		return nil
	}
	var hid HandoffID
	if h != nil {
		hid = h.ID
	}
	q := Question{Conversation: c.ID, Channel: c.Address.Channel, Language: c.Context.Language, Text: m.Text}
	reply, rerr := instant.RespondNow(q)
	if rerr != nil {
		w.e.log.Warn("responder failed; counted as a miss", "conversation", c.ID, "err", rerr)
	}
	return w.applyReply(ctx, c, hid, reply, rerr)
}

// routeUserMessage decides where a stored user message goes: the thread of
// an open handoff, the lead form, a trigger, or the AI (needAI).
func (w *work) routeUserMessage(ctx context.Context, c *Conversation, h *Handoff, m *Message) (needAI bool, err error) {
	s := w.s
	if h != nil {
		if h.State != StateActive && isCancel(s, m.Text) {
			return false, w.cancel(ctx, c, h)
		}
		post := ThreadPost{MessageID: m.ID, Role: RoleUser, Author: m.Author, Text: m.Text, Attachments: m.Attachments, At: m.CreatedAt}
		if err := w.postToThread(ctx, h, post); err != nil {
			return false, err
		}
		if h.State != StateFallback {
			return false, nil // the AI is silent while a human is coming or here
		}
		if h.LeadStep != LeadDone && h.LeadStep != "" {
			return false, w.answerLead(ctx, c, h, m.Text)
		}
		if _, _, asked := s.triggers.Match(m.Text); asked && s.Enabled {
			_, err := w.say(ctx, c, h.ID, RoleSystem, s.Messages.AlreadyRequested, "", 0)
			return false, err
		}
		return true, nil // fallback without an agent: the AI helps meanwhile
	}
	if !s.Enabled {
		c.Offer = nil
		return true, nil
	}
	if c.Offer != nil {
		o := *c.Offer
		c.Offer = nil
		switch {
		case phrase.IsYes(m.Text):
			_, err := w.requestHandoff(ctx, c, request{Trigger: o.Trigger, Reason: o.Reason, Team: o.Team, Priority: o.Priority})
			return false, err
		case phrase.IsNo(m.Text):
			_, err := w.say(ctx, c, 0, RoleSystem, s.Messages.OfferDeclined, "", 0)
			return false, err
		}
		// Anything else: the user moved on; treat it as a new message.
	}
	if i, matched, ok := s.triggers.Match(m.Text); ok {
		t := s.Triggers[i]
		r := request{Trigger: t.Name, Reason: triggerReason(t, matched), Team: t.Team, Priority: t.Priority}
		if t.Action == ActionHandoff {
			_, err := w.requestHandoff(ctx, c, r)
			return false, err
		}
		return false, w.offer(ctx, c, Offer{Trigger: r.Trigger, Reason: r.Reason, Team: r.Team, Priority: r.Priority}, s.Messages.Offer)
	}
	return true, nil
}

func triggerReason(t Trigger, matched string) string {
	if t.Kind == TriggerTopic {
		return fmt.Sprintf("Topic %q: the user wrote %q", t.Name, matched)
	}
	return fmt.Sprintf("The user asked for a human (%q)", matched)
}

// isCancel reports whether the whole message is a cancel phrase: "cancel"
// alone stops the wait, "how do I cancel my plan" does not.
func isCancel(s *compiledSettings, text string) bool {
	n := phrase.Normalize(text)
	if n == "" {
		return false
	}
	for _, p := range s.CancelPhrases {
		if phrase.Normalize(p) == n {
			return true
		}
	}
	return false
}

func (e *Engine) handleUserChoice(ctx context.Context, ev UserChoice) (Outcome, error) {
	t := &userTurn{addr: ev.Address, kind: "choice", platformID: ev.PlatformID, user: ev.User}
	out := &t.out
	err := e.runUserTurn(ctx, t,
		func(w *work, c *Conversation, h *Handoff) error {
			s := w.s
			var err error
			switch ev.Choice {
			case ChoiceAccept:
				if h != nil {
					out.Handoff = h.ID
					_, err = w.say(ctx, c, h.ID, RoleSystem, s.Messages.AlreadyRequested, "", 0)
					break
				}
				if !s.Enabled {
					break
				}
				o := Offer{Trigger: "offer", Reason: "The user accepted the offer of a human", Team: s.DefaultTeam}
				if c.Offer != nil {
					o = *c.Offer
				}
				var nh *Handoff
				nh, err = w.requestHandoff(ctx, c, request{Trigger: o.Trigger, Reason: o.Reason, Team: o.Team, Priority: o.Priority})
				if nh != nil {
					out.Handoff = nh.ID
				}
			case ChoiceDecline:
				if c.Offer != nil {
					c.Offer = nil
					_, err = w.say(ctx, c, 0, RoleSystem, s.Messages.OfferDeclined, "", 0)
				}
			case ChoiceCancel:
				if h != nil && h.State != StateActive {
					out.Handoff = h.ID
					err = w.cancel(ctx, c, h)
				}
			default:
				return fmt.Errorf("unknown choice %q", ev.Choice)
			}
			if err != nil {
				return err
			}
			c.UpdatedAt = w.now
			return w.tx.UpdateConversation(ctx, c)
		})
	if err != nil {
		return t.out, fmt.Errorf("handle %s from %s: %w", ev.Choice, ev.Address, err)
	}
	return t.out, nil
}

// ErrNoLeadForm is returned for a lead form sent when none is asked for.
var ErrNoLeadForm = errors.New("no lead form is open in this conversation")

func (e *Engine) handleUserLeadForm(ctx context.Context, ev UserLeadForm) (Outcome, error) {
	t := &userTurn{addr: ev.Address, kind: "lead", platformID: ev.PlatformID}
	out := &t.out
	err := e.runUserTurn(ctx, t,
		func(w *work, c *Conversation, h *Handoff) error {
			if h == nil || h.State != StateFallback || h.LeadStep == LeadDone || h.LeadStep == "" {
				return ErrNoLeadForm
			}
			out.Handoff = h.ID
			text := strings.Join([]string{ev.Name, ev.Contact, ev.Message}, "\n")
			m := &Message{ConversationID: c.ID, HandoffID: h.ID, Role: RoleUser, Author: c.User.DisplayName, Text: text,
				Source: string(ev.Address.Channel), PlatformID: ev.PlatformID, CreatedAt: w.now}
			if err := w.tx.AddMessage(ctx, m); err != nil {
				return fmt.Errorf("store lead form: %w", err)
			}
			out.Message = m.ID
			return w.submitLead(ctx, c, h, ev)
		})
	if err != nil {
		return t.out, fmt.Errorf("handle lead form from %s: %w", ev.Address, err)
	}
	return t.out, nil
}

func (e *Engine) handleUserTyping(ctx context.Context, ev UserTyping) error {
	var h *Handoff
	err := e.store.View(ctx, func(tx Tx) error {
		c, err := tx.ConversationByAddress(ctx, ev.Address)
		if err != nil {
			return err
		}
		h, err = openHandoff(ctx, tx, c.ID)
		return err
	})
	if err != nil || h == nil || h.State != StateActive || h.Thread.IsZero() {
		return nil // typing is best effort: nobody to show it to
	}
	if tt, ok := e.workspaces[h.Thread.Workspace].(ThreadTyping); ok {
		return tt.ShowUserTyping(ctx, h.Thread)
	}
	return nil
}
