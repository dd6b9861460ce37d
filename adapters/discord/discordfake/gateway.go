package discordfake

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/handoffbridge/handoff/internal/connlog"
)

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opResume         = 6
	opReconnect      = 7
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatAck   = 11
)

// Gateway close codes.
const (
	closeUnknownError  = 4000
	closeDecodeError   = 4002
	closeAuthFailed    = 4004
	closeAlreadyAuthed = 4005
)

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

type gateway struct {
	s        *Server
	interval time.Duration
	upgrader websocket.Upgrader

	mu       sync.Mutex
	sessions map[string]*gwSession
	conns    map[*gwConn]bool
	hold     chan struct{} // while set, new connections wait for it to close
	stats    GatewayStats
	// log has a span per connection that carried a session, from its
	// IDENTIFY or RESUME until it closed.
	log connlog.Log
}

// GatewayStats counts what happened on the gateway.
type GatewayStats struct {
	Connections, Identifies, Resumes, InvalidSessions, Heartbeats int
	// UnansweredHeartbeats are heartbeats received on stalled connections.
	UnansweredHeartbeats int
}

type gwSession struct {
	id      string
	intents discordgo.Intent
	seq     int64
	log     []frame // dispatched frames, for RESUME to replay
	conn    *gwConn
}

// gwConn is one WebSocket. Frames go out through a queue and a writer of
// its own, so a slow reader never blocks the fake.
type gwConn struct {
	ws      *websocket.Conn
	peer    string
	span    int // in gateway.log, -1 before IDENTIFY or RESUME; guarded by gateway.mu
	mu      sync.Mutex
	queue   []any
	wake    chan struct{}
	closed  bool
	session *gwSession
	// stalled: the connection stays open but the fake neither
	// acknowledges heartbeats nor delivers dispatches on it (they wait in
	// the session's log for a RESUME). Guarded by gateway.mu.
	stalled bool
}

func newGateway(s *Server, interval time.Duration) *gateway {
	return &gateway{s: s, interval: interval, sessions: map[string]*gwSession{}, conns: map[*gwConn]bool{},
		upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}}
}

func (c *gwConn) send(v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.queue = append(c.queue, v)
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *gwConn) writer() {
	for range c.wake {
		c.mu.Lock()
		q := c.queue
		c.queue = nil
		closed := c.closed
		c.mu.Unlock()
		for _, v := range q {
			if cl, ok := v.(closeFrame); ok {
				_ = c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(cl.code, cl.reason))
				_ = c.ws.Close()
				return
			}
			if err := c.ws.WriteJSON(v); err != nil {
				_ = c.ws.Close()
				return
			}
		}
		if closed {
			return
		}
	}
}

type closeFrame struct {
	code   int
	reason string
}

func (c *gwConn) closeWith(code int, reason string) {
	c.send(closeFrame{code, reason})
}

func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	hold := g.hold
	g.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	if enc := r.URL.Query().Get("encoding"); enc != "" && enc != "json" {
		http.Error(w, "only encoding=json is served", http.StatusBadRequest)
		return
	}
	ws, err := g.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws, peer: r.RemoteAddr, span: -1, wake: make(chan struct{}, 1)}
	g.mu.Lock()
	g.conns[c] = true
	g.stats.Connections++
	g.mu.Unlock()
	go c.writer()
	defer g.s.notify()
	defer g.detach(c)
	c.send(map[string]any{"op": opHello, "d": map[string]int64{"heartbeat_interval": g.interval.Milliseconds()}, "s": nil, "t": nil})
	for {
		var f frame
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if err := json.Unmarshal(data, &f); err != nil {
			c.closeWith(closeDecodeError, "Error while decoding payload.")
			return
		}
		ok := g.handle(c, f)
		g.s.notify()
		if !ok {
			return
		}
	}
}

// handle answers one client frame; false ends the connection.
func (g *gateway) handle(c *gwConn, f frame) bool {
	switch f.Op {
	case opHeartbeat:
		g.mu.Lock()
		g.stats.Heartbeats++
		stalled := c.stalled
		if stalled {
			g.stats.UnansweredHeartbeats++
		}
		g.mu.Unlock()
		if !stalled {
			c.send(map[string]any{"op": opHeartbeatAck, "d": nil, "s": nil, "t": nil})
		}
	case opIdentify:
		var id struct {
			Token   string           `json:"token"`
			Intents discordgo.Intent `json:"intents"`
		}
		if err := json.Unmarshal(f.D, &id); err != nil {
			c.closeWith(closeDecodeError, "Error while decoding payload.")
			return false
		}
		if strings.TrimPrefix(id.Token, "Bot ") != g.s.token {
			c.closeWith(closeAuthFailed, "Authentication failed.")
			return false
		}
		g.identify(c, id.Intents)
	case opResume:
		var res struct {
			Token     string `json:"token"`
			SessionID string `json:"session_id"`
			Seq       int64  `json:"seq"`
		}
		if err := json.Unmarshal(f.D, &res); err != nil {
			c.closeWith(closeDecodeError, "Error while decoding payload.")
			return false
		}
		g.resume(c, res.SessionID, res.Seq, strings.TrimPrefix(res.Token, "Bot ") == g.s.token)
	default:
		// presence and voice updates: accepted, ignored.
	}
	return true
}

func (g *gateway) identify(c *gwConn, intents discordgo.Intent) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c.session != nil {
		c.closeWith(closeAlreadyAuthed, "Already authenticated.")
		return
	}
	g.stats.Identifies++
	sess := &gwSession{id: g.s.ids.next(), intents: intents, conn: c}
	g.sessions[sess.id] = sess
	c.session = sess
	g.sessionStartedLocked(c)
	ready := map[string]any{
		"v": 9, "user": g.s.Bot, "session_id": sess.id, "resume_gateway_url": g.s.GatewayURL(),
		"guilds": []map[string]any{{"id": g.s.GuildID, "unavailable": true}}, "private_channels": []any{},
		"application": map[string]any{"id": g.s.AppID, "flags": 0},
	}
	g.emitLocked(sess, "READY", ready)
}

func (g *gateway) resume(c *gwConn, sessionID string, seq int64, tokenOK bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	sess := g.sessions[sessionID]
	if sess == nil || !tokenOK {
		g.stats.InvalidSessions++
		c.send(map[string]any{"op": opInvalidSession, "d": false, "s": nil, "t": nil})
		return
	}
	g.stats.Resumes++
	if old := sess.conn; old != nil && old != c {
		old.closeWith(closeUnknownError, "Session resumed elsewhere.")
	}
	sess.conn, c.session = c, sess
	g.sessionStartedLocked(c)
	for _, f := range sess.log {
		if *f.S > seq {
			c.send(f)
		}
	}
	g.emitLocked(sess, "RESUMED", map[string]any{})
}

// emitLocked sends a dispatch to one session, numbering it; without a
// connection it waits in the session's log for a RESUME.
func (g *gateway) emitLocked(sess *gwSession, t string, d any) {
	b, err := json.Marshal(d)
	if err != nil {
		panic("discordfake: marshal " + t + ": " + err.Error())
	}
	sess.seq++
	seq, typ := sess.seq, t
	f := frame{Op: opDispatch, D: b, S: &seq, T: &typ}
	sess.log = append(sess.log, f)
	if len(sess.log) > 5000 {
		sess.log = sess.log[len(sess.log)-5000:]
	}
	if sess.conn != nil && !sess.conn.stalled {
		sess.conn.send(f)
	}
}

// sessionStartedLocked opens c's span in the log, once.
func (g *gateway) sessionStartedLocked(c *gwConn) {
	if c.span < 0 {
		c.span = g.log.Opened(c.peer)
	}
}

func (g *gateway) detach(c *gwConn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c.span >= 0 {
		g.log.Closed(c.span)
	}
	delete(g.conns, c)
	if c.session != nil && c.session.conn == c {
		c.session.conn = nil
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	_ = c.ws.Close()
}

// intentOf is the intent a dispatch needs, 0 for none.
func intentOf(t string, guild bool) discordgo.Intent {
	switch t {
	case "MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE":
		if guild {
			return discordgo.IntentsGuildMessages
		}
		return discordgo.IntentsDirectMessages
	case "TYPING_START":
		if guild {
			return discordgo.IntentsGuildMessageTyping
		}
		return discordgo.IntentsDirectMessageTyping
	case "THREAD_CREATE", "CHANNEL_UPDATE":
		return discordgo.IntentsGuilds
	}
	return 0
}

// dispatch sends an event to every session that asked for it.
func (g *gateway) dispatch(t string, d any) {
	guild := true
	if m, ok := d.(map[string]string); ok {
		guild = m["guild_id"] != ""
	}
	if m, ok := d.(map[string]any); ok {
		guild = m["guild_id"] != nil && m["guild_id"] != ""
	}
	need := intentOf(t, guild)
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, sess := range g.sessions {
		if need == 0 || sess.intents&need != 0 {
			g.emitLocked(sess, t, d)
		}
	}
}

// dispatchMessage sends MESSAGE_CREATE or _UPDATE. Sessions without the
// privileged MESSAGE_CONTENT intent get guild messages with empty content,
// unless the message is the bot's own or mentions it.
func (g *gateway) dispatchMessage(t string, ch *discordgo.Channel, m *Message) {
	guild := ch.GuildID != ""
	need := intentOf(t, guild)
	full := m
	stripped := *m
	stripped.Content, stripped.Embeds, stripped.Attachments, stripped.ComponentsJSON = "", []*discordgo.MessageEmbed{}, []*discordgo.MessageAttachment{}, nil
	mentionsBot := strings.Contains(m.Content, "<@"+g.s.Bot.ID+">")
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, sess := range g.sessions {
		if sess.intents&need == 0 {
			continue
		}
		body := full
		if guild && sess.intents&discordgo.IntentsMessageContent == 0 && m.Author.ID != g.s.Bot.ID && !mentionsBot {
			body = &stripped
		}
		g.emitLocked(sess, t, body)
	}
}

func (g *gateway) closeAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.hold != nil {
		close(g.hold)
		g.hold = nil
	}
	for c := range g.conns {
		_ = c.ws.Close()
	}
}
