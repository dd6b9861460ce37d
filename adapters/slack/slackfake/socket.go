package slackfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/handoffbridge/handoff/internal/connlog"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// socketHub holds the Socket Mode connections the app opened.
type socketHub struct {
	mu      sync.Mutex
	conns   []*socketConn
	tickets int
	acks    map[string]chan json.RawMessage // by envelope id
	changes waitfor.Changes
	opened  int  // WebSockets accepted so far
	pings   int  // pings sent so far
	mute    bool // HoldPings: send no pings
	// log has a span per connection, from its hello to its close.
	log connlog.Log
}

type socketConn struct {
	ws *websocket.Conn
	wm sync.Mutex // gorilla allows one writer at a time
}

func (c *socketConn) write(v any) error {
	c.wm.Lock()
	defer c.wm.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteJSON(v)
}

func (h *socketHub) init() {
	h.acks = map[string]chan json.RawMessage{}
}

func (h *socketHub) url(s *Server) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tickets++
	return fmt.Sprintf("ws%s/link/?ticket=%d", strings.TrimPrefix(s.srv.URL, "http"), h.tickets)
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveSocket is the Socket Mode WebSocket: hello first, then envelopes
// out and acks in, with pings so the client knows the link is alive.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("ticket") == "" {
		http.Error(w, "no ticket", http.StatusUnauthorized)
		return
	}
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &socketConn{ws: ws}
	h := &s.socket
	if err := c.write(map[string]any{"type": "hello", "num_connections": 1,
		"debug_info":      map[string]any{"host": "slackfake", "approximate_connection_time": 18060},
		"connection_info": map[string]any{"app_id": s.opts.AppID}}); err != nil {
		_ = ws.Close()
		return
	}
	h.mu.Lock()
	h.conns = append(h.conns, c)
	h.opened++
	h.changes.Notify()
	h.mu.Unlock()
	span := h.log.Opened(r.RemoteAddr)
	done := make(chan struct{})
	defer func() {
		close(done)
		h.remove(c)
		_ = ws.Close()
		h.log.Closed(span)
	}()
	go func() {
		t := time.NewTicker(s.opts.PingInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := h.ping(c); err != nil {
					return
				}
			}
		}
	}()
	// The client only answers pings it has seen: ping once at once so its
	// dead-man timer starts.
	_ = h.ping(c)
	for {
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := ws.ReadJSON(&ack); err != nil {
			return
		}
		h.mu.Lock()
		ch := h.acks[ack.EnvelopeID]
		delete(h.acks, ack.EnvelopeID)
		h.mu.Unlock()
		if ch != nil {
			ch <- ack.Payload
		}
	}
}

// ping sends a WebSocket ping unless pings are held back.
func (h *socketHub) ping(c *socketConn) error {
	h.mu.Lock()
	mute := h.mute
	if !mute {
		h.pings++
		h.changes.Notify()
	}
	h.mu.Unlock()
	if mute {
		return nil
	}
	c.wm.Lock()
	defer c.wm.Unlock()
	return c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(5*time.Second))
}

func (h *socketHub) remove(c *socketConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, x := range h.conns {
		if x == c {
			h.conns = append(h.conns[:i], h.conns[i+1:]...)
			break
		}
	}
	h.changes.Notify()
}

func (h *socketHub) closeAll() {
	h.mu.Lock()
	conns := append([]*socketConn(nil), h.conns...)
	h.mu.Unlock()
	for _, c := range conns {
		_ = c.ws.Close()
	}
}

func (h *socketHub) current() *socketConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.conns) == 0 {
		return nil
	}
	return h.conns[len(h.conns)-1]
}

// SocketLog records each Socket Mode connection, from its hello until it
// closed: Slack delivers a thread's events over any of an app's
// connections, so a test of several replicas checks that two were never
// open at once.
func (s *Server) SocketLog() *connlog.Log { return &s.socket.log }

// WaitConnected blocks until an app holds a Socket Mode connection.
func (s *Server) WaitConnected(ctx context.Context) error {
	h := &s.socket
	err := h.changes.Until(ctx, "a Socket Mode connection", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return len(h.conns) > 0
	})
	if err != nil {
		return fmt.Errorf("slackfake: %w", err)
	}
	return nil
}

// Disconnect asks every connected app to reconnect, as Slack does before
// it rotates a connection ("type":"disconnect").
func (s *Server) Disconnect() {
	s.socket.mu.Lock()
	conns := append([]*socketConn(nil), s.socket.conns...)
	s.socket.mu.Unlock()
	for _, c := range conns {
		_ = c.write(map[string]any{"type": "disconnect", "reason": "warning", "debug_info": map[string]any{"host": "slackfake"}})
	}
}

// HoldPings stops (true) or resumes (false) the pings on every Socket
// Mode connection, so that a connection stays open but delivers nothing:
// the half-dead link an app must notice by itself.
func (s *Server) HoldPings(hold bool) {
	s.socket.mu.Lock()
	s.socket.mute = hold
	s.socket.mu.Unlock()
}

// WaitSocket blocks until cond holds for the number of Socket Mode
// connections accepted and of pings sent so far (checked after each
// change), or ctx ends; what names the condition in the error.
func (s *Server) WaitSocket(ctx context.Context, what string, cond func(opened, pings int) bool) error {
	h := &s.socket
	err := h.changes.Until(ctx, what, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		return cond(h.opened, h.pings)
	})
	if err != nil {
		return fmt.Errorf("slackfake: %w", err)
	}
	return nil
}

var errNoAck = errors.New("no ack in time")

// sendEnvelope sends one Socket Mode envelope and waits for its ack.
func (s *Server) sendEnvelope(ctx context.Context, c *socketConn, kind Kind, id string, payload json.RawMessage, attempt int, reason string) (json.RawMessage, error) {
	ch := make(chan json.RawMessage, 1)
	h := &s.socket
	h.mu.Lock()
	h.acks[id] = ch
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.acks, id)
		h.mu.Unlock()
	}()
	env := map[string]any{"envelope_id": id, "payload": payload, "type": string(kind),
		"accepts_response_payload": kind != KindEvent, "retry_attempt": attempt, "retry_reason": reason}
	if err := c.write(env); err != nil {
		return nil, fmt.Errorf("write envelope: %w", err)
	}
	t := time.NewTimer(s.opts.AckTimeout)
	defer t.Stop()
	select {
	case p := <-ch:
		return p, nil
	case <-t.C:
		return nil, errNoAck
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
