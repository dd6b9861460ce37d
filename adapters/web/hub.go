package web

import (
	"encoding/json"
	"sync"

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

// client is one open connection's outbound side.
type client struct {
	session string
	out     chan queued
	// slow is closed when the connection fell behind and must go.
	slow     chan struct{}
	slowOnce sync.Once
}

func newClient(session string) *client {
	return &client{session: session, out: make(chan queued, sendBuffer), slow: make(chan struct{})}
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
// keep their id so that the connection can skip what catch-up already sent.
type queued struct {
	message bridge.MessageID
	data    []byte
}

// push sends f to every connection of session and reports how many took it.
func (h *hub) push(session string, f outFrame) int {
	data, err := json.Marshal(f)
	if err != nil {
		return 0 // outFrame always encodes
	}
	q := queued{data: data}
	if f.Type == outMessage {
		q.message = f.ID
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for c := range h.sessions[session] {
		select {
		case c.out <- q:
			n++
		default:
			c.slowOnce.Do(func() { close(c.slow) })
		}
	}
	return n
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
