package bridge

import (
	"context"
	"sync"
)

// lanes runs work for one conversation at a time, first come first served,
// while different conversations proceed in parallel. A caller waits for its
// turn instead of handing work to a queue, so nothing is ever dropped and a
// full queue cannot exist; the number waiting is bounded by the callers.
//
// Work running in a lane must never wait for a turn in the same lane (it
// would wait for itself): the engine's handlers call store and adapters
// directly and never Engine.Handle.
type lanes struct {
	mu    sync.Mutex
	lanes map[ConversationID]*lane
}

type lane struct {
	busy    bool
	waiters []chan struct{}
}

func newLanes() *lanes { return &lanes{lanes: make(map[ConversationID]*lane)} }

// acquire waits for id's turn. On success the caller must call release.
func (l *lanes) acquire(ctx context.Context, id ConversationID) error {
	l.mu.Lock()
	ln := l.lanes[id]
	if ln == nil {
		ln = &lane{}
		l.lanes[id] = ln
	}
	if !ln.busy {
		ln.busy = true
		l.mu.Unlock()
		return nil
	}
	turn := make(chan struct{})
	ln.waiters = append(ln.waiters, turn)
	l.mu.Unlock()

	select {
	case <-turn:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		for i, w := range ln.waiters {
			if w == turn {
				ln.waiters = append(ln.waiters[:i], ln.waiters[i+1:]...)
				return ctx.Err()
			}
		}
		// The turn was handed to us while we gave up: pass it on.
		l.releaseLocked(id, ln)
		return ctx.Err()
	}
}

// release ends the current turn and hands the lane to the next waiter.
func (l *lanes) release(id ConversationID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.releaseLocked(id, l.lanes[id])
}

func (l *lanes) releaseLocked(id ConversationID, ln *lane) {
	if len(ln.waiters) > 0 {
		next := ln.waiters[0]
		ln.waiters = ln.waiters[1:]
		close(next) // busy stays true: the turn passes directly
		return
	}
	ln.busy = false
	delete(l.lanes, id) // idle conversations cost nothing
}
