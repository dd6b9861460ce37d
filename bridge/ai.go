package bridge

import (
	"context"
	"fmt"
	"strings"
)

// historyForResponder is how many earlier messages the responder sees.
const historyForResponder = 40

// answer asks the responder about m and sends its answer, or a handoff
// offer when the AI is not good enough. It runs in the conversation's lane,
// outside any transaction: a slow responder holds up only its own
// conversation. A responder error or timeout counts as a miss and the user
// still gets an answer.
func (e *Engine) answer(ctx context.Context, id ConversationID, m *Message) error {
	var q Question
	err := e.store.View(ctx, func(tx Tx) error {
		c, err := tx.Conversation(ctx, id)
		if err != nil {
			return err
		}
		// One more than needed: the list includes m itself.
		all, err := tx.RecentMessages(ctx, id, historyForResponder+1)
		if err != nil {
			return err
		}
		history := make([]Message, 0, len(all))
		for _, h := range all {
			if h.ID != m.ID && !h.Internal && h.DeletedAt.IsZero() {
				history = append(history, h)
			}
		}
		if len(history) > historyForResponder {
			history = history[len(history)-historyForResponder:]
		}
		q = Question{Conversation: id, Channel: c.Address.Channel, Language: c.Context.Language, Text: m.Text, History: history}
		return nil
	})
	if err != nil {
		return fmt.Errorf("prepare question: %w", err)
	}

	rctx, cancel := context.WithTimeout(ctx, e.opts.ResponderTimeout)
	reply, rerr := e.responder.Respond(rctx, q)
	cancel()
	if rerr != nil {
		e.log.Warn("responder failed; counted as a miss", "conversation", id, "err", rerr)
	}

	return e.update(ctx, func(w *work) error {
		c, err := w.tx.Conversation(ctx, id)
		if err != nil {
			return err
		}
		h, err := openHandoffOf(ctx, w.tx, c)
		if err != nil {
			return err
		}
		var hid HandoffID
		if h != nil {
			hid = h.ID
		}
		if c.Awaiting != m.ID {
			return nil // answered already (a recovery raced a live answer)
		}
		c.Awaiting = 0
		if err := w.applyReply(ctx, c, hid, reply, rerr); err != nil {
			return err
		}
		c.UpdatedAt = w.now
		return w.tx.UpdateConversation(ctx, c)
	})
}

// applyReply turns the responder's reply into what the user gets. hid is the
// open (fallback) handoff, if any: then no new handoff can be offered.
func (w *work) applyReply(ctx context.Context, c *Conversation, hid HandoffID, reply Reply, rerr error) error {
	s := w.s
	canEscalate := s.Enabled && hid == 0
	miss := rerr != nil || strings.TrimSpace(reply.Text) == ""
	switch {
	case canEscalate && rerr == nil && reply.Handoff:
		if !miss {
			if _, err := w.say(ctx, c, 0, RoleAI, reply.Text, "", 0); err != nil {
				return err
			}
		}
		reason := "The AI asked for a human"
		if reply.Reason != "" {
			reason += ": " + reply.Reason
		}
		return w.escalate(ctx, c, "ai_request", reason)
	case miss:
		c.Misses++
		if canEscalate && s.AI.MissesBeforeOffer > 0 && c.Misses >= s.AI.MissesBeforeOffer {
			n := c.Misses
			c.Misses = 0
			return w.escalate(ctx, c, "ai_no_answer", fmt.Sprintf("The AI had no answer %d times in a row", n))
		}
		_, err := w.say(ctx, c, hid, RoleAI, s.Messages.NoAnswer, "", 0)
		return err
	case canEscalate && reply.Confidence < s.AI.MinConfidence:
		c.Misses = 0
		return w.escalate(ctx, c, "ai_low_confidence",
			fmt.Sprintf("The AI's confidence was %.2f, below %.2f", reply.Confidence, s.AI.MinConfidence))
	default:
		c.Misses = 0
		_, err := w.say(ctx, c, hid, RoleAI, reply.Text, "", 0)
		return err
	}
}

// escalate applies the AI policy: offer a human, or hand off at once.
func (w *work) escalate(ctx context.Context, c *Conversation, trigger, reason string) error {
	p := w.s.AI
	r := request{Trigger: trigger, Reason: reason, Team: p.Team, Priority: p.Priority}
	if p.Action == ActionHandoff {
		_, err := w.requestHandoff(ctx, c, r)
		return err
	}
	return w.offer(ctx, c, Offer{Trigger: trigger, Reason: reason, Team: p.Team, Priority: p.Priority}, w.s.Messages.OfferLowConfidence)
}

// answerAwaiting gives the answers that a crash or a shutdown cut short:
// user messages stored with no AI answer yet.
func (e *Engine) answerAwaiting(ctx context.Context) {
	var waiting []Conversation
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		waiting, err = tx.ConversationsAwaiting(ctx, 0)
		return err
	})
	if err != nil {
		e.log.Error("find unanswered messages", "err", err)
		return
	}
	for _, c := range waiting {
		if !e.enter() {
			return
		}
		err := e.inLane(ctx, c.ID, func(ctx context.Context) error {
			var m *Message
			err := e.store.View(ctx, func(tx Tx) error {
				now, err := tx.Conversation(ctx, c.ID)
				if err != nil || now.Awaiting == 0 {
					return err
				}
				m, err = tx.Message(ctx, now.Awaiting)
				return err
			})
			if err != nil || m == nil {
				return err
			}
			e.log.Info("answering a message left unanswered at the last stop", "conversation", c.ID, "message", m.ID)
			return e.answer(ctx, c.ID, m)
		})
		e.handlers.Done()
		if err != nil && ctx.Err() == nil {
			e.log.Error("answer a message left unanswered", "conversation", c.ID, "err", err)
		}
	}
}
