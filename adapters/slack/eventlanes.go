package slack

import (
	"hash/maphash"
	"sync"

	"github.com/slack-go/slack/slackevents"
)

// socketLanes is how many Socket Mode events are handled at once.
const socketLanes = 16

// eventLanes handles Socket Mode events of different threads in parallel
// and the events of one thread in order: each thread's events go to the
// same worker. Handled one at a time, as they arrive on the socket, the
// events of a busy workspace (a thousand replies a second) waited for each
// other's transactions and could not share the store's group commits.
type eventLanes struct {
	seed    maphash.Seed
	lanes   []chan func()
	workers sync.WaitGroup
}

func newEventLanes(n int) *eventLanes {
	l := &eventLanes{seed: maphash.MakeSeed(), lanes: make([]chan func(), n)}
	for i := range l.lanes {
		ch := make(chan func(), 64)
		l.lanes[i] = ch
		l.workers.Go(func() {
			for f := range ch {
				f()
			}
		})
	}
	return l
}

// do runs f after the earlier work of the same key. It blocks while that
// key's worker is full: the socket is then read no faster than events
// are handled.
func (l *eventLanes) do(key string, f func()) {
	l.lanes[maphash.String(l.seed, key)%uint64(len(l.lanes))] <- f
}

// close lets the workers finish what they hold, and waits for them.
func (l *eventLanes) close() {
	for _, ch := range l.lanes {
		close(ch)
	}
	l.workers.Wait()
}

// threadKey names the thread an event belongs to (its channel when it is
// in none), so that a reply and its later edit or deletion keep their
// order.
func threadKey(ev slackevents.EventsAPIEvent) string {
	m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || m == nil {
		return ""
	}
	thread := m.ThreadTimeStamp
	if thread == "" && m.Message != nil {
		thread = m.Message.ThreadTimestamp
	}
	if thread == "" && m.PreviousMessage != nil {
		thread = m.PreviousMessage.ThreadTimestamp
	}
	return m.Channel + "/" + thread
}
