package mattermostfake

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// hub holds the bot's open WebSockets.
type hub struct {
	mu    sync.Mutex
	conns map[*conn]bool
}

// conn is one WebSocket: events go out through its queue, in order.
type conn struct {
	ws     *websocket.Conn
	userID string
	out    chan []byte
	seq    int64 // guarded by hub.mu
	done   chan struct{}
}

func (h *hub) init() { h.conns = map[*conn]bool{} }

func (h *hub) dropAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		c.ws.CloseNow()
	}
}

// DropSockets closes every open WebSocket, as a server restart or a
// network cut does.
func (s *Server) DropSockets() { s.hub.dropAll() }

// RefuseSockets makes WebSocket upgrades answer 503 while on.
func (s *Server) RefuseSockets(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = on
}

// Connected counts the open WebSockets that got their hello.
func (s *Server) Connected() int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return len(s.hub.conns)
}

// WaitConnected waits until the bot has a WebSocket open.
func (s *Server) WaitConnected(ctx context.Context) error {
	return s.WaitFor(ctx, "the bot's websocket", func() bool { return s.Connected() > 0 })
}

// serveSocket upgrades GET /api/v4/websocket for the bot (Authorization:
// Bearer), says hello and streams events until the connection ends; the
// client's actions are answered with status and seq_reply.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	refuse := s.refuse
	s.mu.Unlock()
	if refuse {
		writeError(w, http.StatusServiceUnavailable, "api.web_socket.connect.upgrade.app_error", "Failed to upgrade websocket connection.")
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.opts.Token {
		writeError(w, http.StatusUnauthorized, "api.context.session_expired.app_error", "Invalid or expired session, please login again.")
		return
	}
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws, userID: s.opts.BotUserID, out: make(chan []byte, 4096), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go c.writeLoop(ctx)
	c.enqueue(event("hello", map[string]any{"connection_id": NewID(), "server_version": "10.5.0.fake"}, broadcastTo("", c.userID), 0))
	s.hub.mu.Lock()
	s.hub.conns[c] = true
	s.hub.mu.Unlock()
	s.changed()
	defer func() {
		s.hub.mu.Lock()
		delete(s.hub.conns, c)
		s.hub.mu.Unlock()
		s.changed()
	}()
	for {
		_, raw, err := ws.Read(ctx)
		if err != nil {
			return
		}
		var a struct {
			Seq    int64             `json:"seq"`
			Action string            `json:"action"`
			Data   map[string]string `json:"data"`
		}
		if json.Unmarshal(raw, &a) != nil {
			continue
		}
		status := "OK"
		if a.Action == "user_typing" {
			s.mu.Lock()
			s.typing = append(s.typing, Typing{ChannelID: a.Data["channel_id"], ParentID: a.Data["parent_id"]})
			s.mu.Unlock()
			s.changed()
		} else {
			status = "FAIL"
		}
		b, _ := json.Marshal(map[string]any{"status": status, "seq_reply": a.Seq})
		c.enqueue(b)
	}
}

func (c *conn) enqueue(b []byte) {
	select {
	case c.out <- b:
	default:
		c.ws.CloseNow() // a client that does not read is dropped, as the server does
	}
}

func (c *conn) writeLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-c.out:
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := c.ws.Write(wctx, websocket.MessageText, b)
			cancel()
			if err != nil {
				c.ws.CloseNow()
				return
			}
		}
	}
}

func broadcastTo(channelID, userID string) map[string]any {
	return map[string]any{"omit_users": nil, "user_id": userID, "channel_id": channelID, "team_id": "",
		"connection_id": "", "omit_connection_id": ""}
}

func event(name string, data, broadcast map[string]any, seq int64) []byte {
	b, _ := json.Marshal(map[string]any{"event": name, "data": data, "broadcast": broadcast, "seq": seq})
	return b
}

// broadcast streams an event of a channel to the open WebSockets of its
// members, but omit.
func (s *Server) broadcast(channelID, omit, name string, data map[string]any) {
	s.mu.Lock()
	c := s.channels[channelID]
	members := map[string]bool{}
	if c != nil {
		members = maps.Clone(c.members)
	}
	s.mu.Unlock()
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	for cn := range s.hub.conns {
		if !members[cn.userID] || cn.userID == omit {
			continue
		}
		cn.seq++
		cn.enqueue(event(name, data, broadcastTo(channelID, ""), cn.seq))
	}
}
