package bridge

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Per-conversation order across replicas. Within one process the lanes
// run a conversation's events one at a time; replicas share no memory, so
// an event's turn also takes the conversation's lease
// ("conversation/<id>") for its whole length, the AI call included, and
// renews it meanwhile. Its writes are fenced by the lease: a replica that
// froze mid-turn past the lease's expiry, while another took the
// conversation over, stores nothing of its turn. A replica that dies
// mid-turn holds the conversation until the lease expires; then the next
// event's turn goes on, and what the AI owed is answered by the timers'
// holder (see runTimers), so a turn is redone or recovered, never applied
// twice.

// conversationRetry bounds the wait between tries to take a conversation
// another replica is handling.
const (
	conversationRetryMin = 5 * time.Millisecond
	conversationRetryMax = 100 * time.Millisecond
)

// holdConversation runs fn while this replica holds conversation id's
// lease, fn's context carrying it.
func (e *Engine) holdConversation(ctx context.Context, id ConversationID, fn func(ctx context.Context) error) error {
	r := e.opts.Replicas
	name := "conversation/" + id.String()
	l, err := e.takeConversation(ctx, name)
	if err != nil {
		return fmt.Errorf("wait for conversation %d: %w", id, err)
	}
	turnCtx, cancel := context.WithCancel(WithLease(ctx, l))
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		e.renewWhile(turnCtx, cancel, l)
	}()
	defer func() {
		cancel()
		<-renewed
		rctx, stop := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
		defer stop()
		if err := r.Leases.Release(rctx, l); err != nil {
			e.log.Warn("cannot release a conversation; another replica takes it once it expires", "conversation", id, "err", err)
		}
	}()
	return fn(turnCtx)
}

// takeConversation acquires lease name, trying again while another
// replica has it (a turn in progress there, or a replica that died in one
// until its lease expires).
func (e *Engine) takeConversation(ctx context.Context, name string) (Lease, error) {
	r := e.opts.Replicas
	wait := conversationRetryMin
	for {
		l, ok, err := r.Leases.Acquire(ctx, name, r.Holder, r.TTL)
		if ok {
			return l, nil
		}
		if err != nil && ctx.Err() == nil {
			e.log.Warn("cannot take a conversation's lease; retrying", "lease", name, "err", err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return Lease{}, ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, conversationRetryMax)
	}
}

// renewWhile renews l every TTL/3 until ctx ends; a renewal that fails
// ends the turn (cancel): its writes would be refused anyway.
func (e *Engine) renewWhile(ctx context.Context, cancel context.CancelFunc, l Lease) {
	r := e.opts.Replicas
	t := time.NewTicker(r.TTL / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := r.Leases.Renew(ctx, l, r.TTL); err != nil {
			if ctx.Err() == nil {
				e.log.Warn("conversation lease lost mid-turn; its writes are refused", "lease", l.Name, "err", err,
					"lost", errors.Is(err, ErrLeaseLost))
				cancel()
			}
			return
		}
	}
}
