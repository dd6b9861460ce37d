package console

import (
	"sync"
)

// liveEvent is what the console pushes to connected agents. It carries ids
// and short texts only: the page reads the data through the API, where
// access is checked.
type liveEvent struct {
	Type    string `json:"type"` // "new", "changed", "tell", "typing"
	Handoff string `json:"handoff,omitempty"`
	Text    string `json:"text,omitempty"`
	// Who is typing: "user", or an agent's display name.
	Who   string `json:"who,omitempty"`
	Agent string `json:"agent,omitempty"` // the typing agent's login
}

// liveConn is one connected tab.
type liveConn struct {
	session string
	login   string
	send    chan liveEvent
	// closed is closed to make the connection's writer hang up (logout, or
	// a tab too slow to keep up).
	closed chan struct{}
	once   sync.Once
}

func (lc *liveConn) close() { lc.once.Do(func() { close(lc.closed) }) }

// sendBuffer is how many events a tab may lag behind before it is cut off;
// it reconnects and reloads, so nothing is lost by cutting it.
const sendBuffer = 256

// hub fans live events out to the connected tabs without ever blocking the
// sender: a tab that cannot keep up is disconnected instead.
type hub struct {
	mu    sync.Mutex
	conns map[*liveConn]bool
}

func newHub() *hub { return &hub{conns: map[*liveConn]bool{}} }

func (h *hub) add(session, login string) *liveConn {
	lc := &liveConn{session: session, login: login, send: make(chan liveEvent, sendBuffer), closed: make(chan struct{})}
	h.mu.Lock()
	h.conns[lc] = true
	h.mu.Unlock()
	return lc
}

func (h *hub) remove(lc *liveConn) {
	h.mu.Lock()
	delete(h.conns, lc)
	h.mu.Unlock()
	lc.close()
}

func (h *hub) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// publish sends ev to every tab for which to holds (nil: all).
func (h *hub) publish(ev liveEvent, to func(*liveConn) bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for lc := range h.conns {
		if to != nil && !to(lc) {
			continue
		}
		select {
		case lc.send <- ev:
		default:
			lc.close()
		}
	}
}

// closeAll hangs up every tab: they reconnect and reload.
func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for lc := range h.conns {
		lc.close()
	}
}

// closeSession hangs up every tab of a session (logout).
func (h *hub) closeSession(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for lc := range h.conns {
		if lc.session == id {
			lc.close()
		}
	}
}
