package web

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// sendBuffer is how many frames may wait for one slow connection. A
// connection that falls this far behind is closed: the widget reconnects
// and catches up from the store, so nothing is lost and nobody else waits.
const sendBuffer = 16

// hub knows the open connections of each session (one per tab) and pushes
// frames to them without ever blocking the sender.
type hub struct {
	mu       sync.Mutex
	sessions map[string]map[*client]struct{}
}

func newHub() *hub { return &hub{sessions: make(map[string]map[*client]struct{})} }

// client is one open connection's outbound side. It has no goroutine of
// its own while idle: frames wait in queue and a writer goroutine is started
// when there is something to send, and ends when the queue is empty.
type client struct {
	session string
	// writer sends what next hands it, on a goroutine of its own.
	writer func()

	mu    sync.Mutex
	queue []queued
	// held is set until catch-up is sent: frames queue but are not written.
	held bool
	// writing is set while a writer goroutine runs.
	writing bool
	// pingDue asks the writer for a ping; lastPing is when one was asked.
	pingDue  bool
	lastPing time.Time
	// slow is set when the connection fell behind and must go; closed when
	// it has gone.
	slow, closed bool
	writers      sync.WaitGroup
	// seen is the highest message id written to the socket (or caught up
	// to): where a resync reads from.
	seen atomic.Int64
}

// noteSeen records that the socket has message id.
func (c *client) noteSeen(id bridge.MessageID) {
	for {
		old := c.seen.Load()
		if int64(id) <= old || c.seen.CompareAndSwap(old, int64(id)) {
			return
		}
	}
}

func newClient(session string, writer func(), now time.Time) *client {
	return &client{session: session, writer: writer, held: true, lastPing: now}
}

// offer queues q, or reports false when the connection is closed or has
// fallen sendBuffer frames behind (which marks it slow).
func (c *client) offer(q queued) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.slow {
		return false
	}
	if len(c.queue) >= sendBuffer {
		c.slow = true
		c.kickLocked()
		return false
	}
	c.queue = append(c.queue, q)
	c.kickLocked()
	return true
}

// kickLocked starts a writer if there is work and none runs.
func (c *client) kickLocked() {
	if c.held || c.writing || c.closed || (len(c.queue) == 0 && !c.pingDue && !c.slow) {
		return
	}
	c.writing = true
	c.writers.Add(1)
	go c.writer()
}

// markSlow makes the connection go as one that fell behind: the widget
// reconnects and catches up from the store.
func (c *client) markSlow() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slow = true
	c.kickLocked()
}

// release ends the hold of catch-up: what queued meanwhile is sent.
func (c *client) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.held = false
	c.kickLocked()
}

// askPing asks for a ping if the last was asked at least every ago.
func (c *client) askPing(now time.Time, every time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.lastPing) < every {
		return
	}
	c.lastPing, c.pingDue = now, true
	c.kickLocked()
}

// work is what a writer has to do next.
type work struct {
	frames []queued
	ping   bool
	slow   bool
}

// next hands the writer everything queued, giving back the slice of the
// previous batch for reuse; with nothing to do it ends the writer's turn.
func (c *client) next(done []queued) (work, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(done)
	if c.queue == nil && done != nil {
		c.queue = done[:0]
	}
	if c.closed || (len(c.queue) == 0 && !c.pingDue && !c.slow) {
		c.writing = false
		c.writers.Done()
		return work{}, false
	}
	if c.slow {
		// The connection goes; the widget catches up when it reconnects.
		c.closed, c.queue = true, nil
		return work{slow: true}, true
	}
	w := work{frames: c.queue, ping: c.pingDue, slow: c.slow}
	c.queue, c.pingDue = nil, false
	if len(w.frames) == 0 {
		w.frames = nil
	}
	return w, true
}

// drop refuses and discards frames from now on: the socket is gone.
func (c *client) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.queue = nil
}

// close drops what is queued, refuses what comes, and waits for a running
// writer to end; the socket must be closed first so that it cannot hang.
func (c *client) close() {
	c.mu.Lock()
	c.closed = true
	c.queue = nil
	c.mu.Unlock()
	c.writers.Wait()
}

func (h *hub) add(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	set := h.sessions[c.session]
	if set == nil {
		set = make(map[*client]struct{})
		h.sessions[c.session] = set
	}
	set[c] = struct{}{}
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if set := h.sessions[c.session]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(h.sessions, c.session)
		}
	}
}

// queued is an encoded frame waiting for its connection; message frames
// keep their id so that the connection can skip what it already sent.
type queued struct {
	message bridge.MessageID
	data    []byte
	// catchUp marks a message read from the store for a resync: skipped by
	// a socket that has a later one already.
	catchUp bool
}

// encode makes f a queued frame.
func encode(f outFrame) queued {
	data, _ := json.Marshal(f) // outFrame always encodes
	q := queued{data: data}
	if f.Type == outMessage {
		q.message = f.ID
	}
	return q
}

// pushQueued sends an encoded frame to every connection of session and
// reports how many took it.
func (h *hub) pushQueued(session string, q queued) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for c := range h.sessions[session] {
		if c.offer(q) {
			n++
		}
	}
	return n
}

// has reports whether session has a connection here.
func (h *hub) has(session string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.sessions[session]) > 0
}

// sessionIDs lists the sessions with a connection here.
func (h *hub) sessionIDs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.sessions))
	for s := range h.sessions {
		out = append(out, s)
	}
	return out
}

// clientsOf lists session's connections here.
func (h *hub) clientsOf(session string) []*client {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*client, 0, len(h.sessions[session]))
	for c := range h.sessions[session] {
		out = append(out, c)
	}
	return out
}

// pingIdle asks each connection whose last ping is every old for a new one.
func (h *hub) pingIdle(now time.Time, every time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.sessions {
		for c := range set {
			c.askPing(now, every)
		}
	}
}

// counts returns the number of sessions and connections open.
func (h *hub) counts() (sessions, conns int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.sessions {
		conns += len(set)
	}
	return len(h.sessions), conns
}
