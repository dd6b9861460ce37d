package bridge

import (
	"context"
	"sync"
	"time"
)

// Places shown as state (QueueShower channels, the widget's status line)
// are coalesced. A transaction that moves a team's queue notes each waiting
// user's new place in memory; once it commits, a flusher enqueues the
// latest place of each in one transaction of its own, and flushes again no
// sooner than queueShowGap later. Told in the moving transaction itself, a
// burst of N requests and joins cost an outbox entry per waiting user per
// change (N² entries, and 30 s of set-up for 600 handoffs opened at once);
// coalesced, each user gets their latest place a few times a second at
// most. A place is state, not a message: one lost in a crash between the
// commit and the flush is told again at the queue's next change.
const queueShowGap = 100 * time.Millisecond

// queueShow is a place due to be shown to a waiting user.
type queueShow struct {
	handoff   HandoffID
	team      TeamID
	conv      ConversationID
	to        ChatAddress
	place     int
	requested time.Time // when the handoff was requested, for the estimate
}

// queueShows holds the places due, the latest per handoff.
type queueShows struct {
	mu   sync.Mutex
	due  map[HandoffID]queueShow
	wake chan struct{}
}

func newQueueShows() *queueShows {
	return &queueShows{due: map[HandoffID]queueShow{}, wake: make(chan struct{}, 1)}
}

// add notes places to show (a committed transaction's) and wakes the
// flusher.
func (q *queueShows) add(shows []queueShow) {
	q.mu.Lock()
	for _, s := range shows {
		q.due[s.handoff] = s
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take returns the places due and forgets them.
func (q *queueShows) take() []queueShow {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.due) == 0 {
		return nil
	}
	out := make([]queueShow, 0, len(q.due))
	for _, s := range q.due {
		out = append(out, s)
	}
	clear(q.due)
	return out
}

// runQueueShows flushes the places due until stop is closed, then flushes
// what is left once.
func (e *Engine) runQueueShows(ctx context.Context, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			e.flushQueueShows(ctx)
			return
		case <-e.shows.wake:
		}
		e.flushQueueShows(ctx)
		gap := time.NewTimer(queueShowGap)
		select {
		case <-stop:
			gap.Stop()
			e.flushQueueShows(ctx)
			return
		case <-gap.C:
		}
	}
}

// flushQueueShows enqueues each place due whose handoff still waits at that
// place (one that left the queue meanwhile, or moved again, is skipped: the
// newer place is due in its turn).
func (e *Engine) flushQueueShows(ctx context.Context) {
	due := e.shows.take()
	if len(due) == 0 {
		return
	}
	err := e.updateInBackground(ctx, func(w *work) error {
		typical := map[TeamID]time.Duration{}
		for _, s := range due {
			if told, ok := e.queue.get(s.handoff); !ok || told.Place != s.place {
				continue
			}
			t, seen := typical[s.team]
			if !seen {
				var err error
				if t, err = typicalJoinWait(ctx, w.tx, s.team); err != nil {
					return err
				}
				typical[s.team] = t
			}
			status := QueueStatus{Handoff: s.handoff, Position: s.place, EstimatedWait: estimateWait(t, w.now.Sub(s.requested))}
			if err := w.enqueue(ctx, UserDestination(s.to.Channel), streamOfConversation(s.conv), OpUserQueue,
				UserQueuePayload{To: s.to, Status: status}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && ctx.Err() == nil {
		// The places are told again at the queue's next change.
		e.log.Warn("show queue places", "users", len(due), "err", err)
	}
}
