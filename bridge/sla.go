package bridge

import (
	"context"
	"errors"
	"time"
)

// runSLA fires the SLA timers of pending handoffs. Deadlines live in the
// store, so a restart picks up where the last process left: a deadline that
// passed while the bridge was down fires at once.
func (e *Engine) runSLA(ctx context.Context) {
	for {
		var next time.Time
		var ok bool
		err := e.store.View(ctx, func(tx Tx) error {
			var err error
			next, ok, err = tx.NextDeadline(ctx)
			return err
		})
		if err != nil && ctx.Err() == nil {
			e.log.Error("read next SLA deadline", "err", err)
		}
		if ok && !next.After(e.clock.Now()) {
			if err := e.fireDue(ctx); err != nil && ctx.Err() == nil {
				e.log.Error("fire SLA timers", "err", err)
				next = e.clock.Now().Add(time.Second) // back off, then look again
			} else {
				continue
			}
		}
		var timer Timer
		var fire <-chan time.Time
		d := next.Sub(e.clock.Now())
		if err != nil {
			d = 5 * time.Second
		}
		if d, armed := e.slaWait(d, ok || err != nil); armed {
			timer = e.clock.NewTimer(d)
			fire = timer.C()
		}
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		case <-e.slaWake:
		case <-fire:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// fireDue moves every handoff whose deadline passed to fallback, and every
// offer whose time ran out to the next agent.
func (e *Engine) fireDue(ctx context.Context) error {
	var due []Handoff
	err := e.store.View(ctx, func(tx Tx) error {
		var err error
		due, err = tx.DueHandoffs(ctx, e.clock.Now(), 100)
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range due {
		err := e.inLane(ctx, d.ConversationID, func(ctx context.Context) error {
			return e.update(ctx, func(w *work) error {
				h, err := w.tx.Handoff(ctx, d.ID)
				if err != nil {
					return err
				}
				slaDue := !h.Deadline.IsZero() && !h.Deadline.After(w.now)
				offerDue := !h.Offer.Deadline.IsZero() && !h.Offer.Deadline.After(w.now)
				// Joined or cancelled meanwhile, or a new window or offer started.
				if h.State != StatePending || !slaDue && !offerDue {
					return nil
				}
				c, err := w.tx.Conversation(ctx, h.ConversationID)
				if err != nil {
					return err
				}
				if !slaDue {
					return w.offerDue(ctx, h, c)
				}
				return w.expire(ctx, h, c, "the "+slaText(w.s.Team(h.Team))+" window passed")
			})
		})
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func slaText(t *Team) string {
	if t == nil {
		return "SLA"
	}
	return t.SLA.String() + " SLA"
}
