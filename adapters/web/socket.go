package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/clientip"
)

// Timeouts of one socket.
const (
	helloTimeout = 10 * time.Second
	writeTimeout = 10 * time.Second
	pingInterval = 45 * time.Second
	// pingSweep is how often the connections due for a ping are looked
	// for; each is pinged pingInterval after its last, give or take this.
	pingSweep     = 5 * time.Second
	handleTimeout = 30 * time.Second
	// typingEvery is the most often a user's typing is passed on.
	typingEvery = 2 * time.Second
)

// conn is one open socket of a session.
type conn struct {
	w  *Widget
	ws *websocket.Conn
	// nc is the connection under ws: writes are bounded by a deadline on
	// it rather than by a context, which would cost a timer and a context
	// per frame. wmu keeps one write's deadline from being cleared by
	// another's end.
	nc      net.Conn
	wmu     sync.Mutex
	client  *client
	session session
	// user is who the engine is told sent the messages.
	user    bridge.User
	ip      string
	ua      string
	hello   inFrame
	resumed bool
	sess    *bucket
	ipb     *bucket
	typed   time.Time
	// caughtUpTo is the last message id catch-up sent; live pushes up to
	// it are skipped.
	caughtUpTo bridge.MessageID
	// sent are the last messages written, by the writer only: one pushed
	// twice (live and by a resync, or again by an outbox retry) is
	// written once.
	sent recentIDs
	// stopClosing stops the close at shutdown of an open socket.
	stopClosing func() bool
}

// hijackRecorder is the response writer handed to websocket.Accept; it
// keeps the connection that Accept hijacks.
type hijackRecorder struct {
	http.ResponseWriter
	conn net.Conn
}

// Buffer sizes of a socket. net/http hands over buffers of 4 KiB each,
// which the socket keeps for its life: most of an idle session's memory.
// A widget's frames are small, and larger ones pass through bufio's buffers
// without being copied (at the price of one more system call).
const (
	readBufferSize  = 1 << 10
	writeBufferSize = 2 << 10
)

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.conn = nc
	// The reader is kept when the client has sent more than the handshake
	// already; net/http empties the writer when it hands it over.
	if brw.Reader.Buffered() == 0 {
		brw.Reader = bufio.NewReaderSize(nc, readBufferSize)
	}
	if brw.Writer.Buffered() == 0 {
		brw.Writer = bufio.NewWriterSize(nc, writeBufferSize)
	}
	return nc, brw, nil
}

func (w *Widget) serveSocket(rw http.ResponseWriter, r *http.Request) {
	if !w.origins.allows(r.Header.Get("Origin"), r.Host) {
		w.log.Info("widget socket refused: origin not allowed", "origin", r.Header.Get("Origin"))
		http.Error(rw, "origin not allowed", http.StatusForbidden)
		return
	}
	if w.closing.Err() != nil {
		http.Error(rw, "the bridge is restarting", http.StatusServiceUnavailable)
		return
	}
	ip := clientip.Of(r, w.opts.TrustedProxies)
	hj := &hijackRecorder{ResponseWriter: rw}
	if !w.sockets.claim(ip) {
		w.refuseSocket(hj, r, ip)
		return
	}
	ws, err := websocket.Accept(hj, r, &w.accept)
	if err != nil {
		w.sockets.release(ip)
		return // Accept has answered the client
	}
	// JSON may spell each byte of text as a six-byte \u escape.
	ws.SetReadLimit(int64(6*w.opts.MaxMessageBytes + 4096))
	c := &conn{w: w, ws: ws, nc: hj.conn, ip: ip, ua: r.UserAgent()}
	w.conns.Add(1)
	c.stopClosing = context.AfterFunc(w.closing, func() {
		_ = ws.Close(websocket.StatusGoingAway, "the bridge is restarting; reconnect")
	})
	// Events are handled to the end even if the socket closes meanwhile,
	// hence a context that is never cancelled; not even derived from the
	// request's, which would keep net/http's contexts of a finished request
	// alive for the socket's life.
	ctx := context.Background()
	if err := c.open(ctx); err != nil {
		c.finish(err)
		return
	}
	// The reader gets a goroutine of its own and this handler returns: an
	// idle session then keeps neither what net/http holds for a request in
	// progress (the request, its response buffer) nor the deep stack that
	// the hello and catch-up grew.
	go func() { c.finish(c.readLoop(ctx)) }()
}

// refuseSocket answers a client over its socket cap: the upgrade, then a
// close with the reason, which the widget shows in the browser's console
// (an HTTP error would reach it without one).
func (w *Widget) refuseSocket(hj *hijackRecorder, r *http.Request, ip string) {
	w.log.Info("widget socket refused: too many from one address", "ip", ip, "max", w.opts.MaxSocketsPerClient)
	ws, err := websocket.Accept(hj, r, &w.accept)
	if err != nil {
		return
	}
	_ = ws.Close(websocket.StatusPolicyViolation,
		fmt.Sprintf("too many chat connections from your address (at most %d); close a tab and retry", w.opts.MaxSocketsPerClient))
}

// finish releases what the socket held, once it has ended.
func (c *conn) finish(err error) {
	_ = c.ws.CloseNow()
	c.w.sockets.release(c.ip)
	if c.client != nil {
		c.client.close()
		c.w.hub.remove(c.client)
	}
	if c.sess != nil {
		c.w.limits.release(c.sess, c.ipb)
	}
	c.stopClosing()
	c.w.conns.Done()
	c.w.log.Debug("widget socket closed", "err", err)
}

// closeWith ends the socket with a status and a reason the widget shows in
// its console; close reasons are at most 123 bytes.
func (c *conn) closeWith(code websocket.StatusCode, reason string) error {
	if len(reason) > 120 {
		reason = reason[:120]
	}
	_ = c.ws.Close(code, reason)
	return errors.New(reason)
}

// open takes the hello, registers the socket and sends what the session
// missed; then the socket is ready for its reader.
func (c *conn) open(ctx context.Context) error {
	if err := c.readHello(ctx); err != nil {
		return err
	}
	c.user = bridge.User{ID: c.session.ID, DisplayName: "Visitor " + c.session.ID[:6]}
	c.sess, c.ipb = c.w.limits.acquire(c.session.ID, c.ip)

	// Registered before history is read: a message stored after the read
	// is pushed, one stored before is read; one both ways is sent once. The
	// client holds what is pushed until catch-up is sent.
	c.client = newClient(c.session.ID, c.writeQueued, time.Now())
	c.w.hub.add(c.client)

	welcome := outFrame{Type: outWelcome, Session: c.session.ID, Token: c.w.tokens.sign(c.session), Resumed: c.resumed}
	if c.w.opts.Files != nil {
		limits := c.w.opts.Files.Limits()
		welcome.Uploads = &limits
	}
	if err := c.write(welcome); err != nil {
		return err
	}
	upTo, err := c.catchUp(ctx, c.hello.LastID)
	if err != nil {
		return c.closeWith(websocket.StatusInternalError, "could not read the conversation; reconnect")
	}
	c.caughtUpTo = upTo
	c.client.noteSeen(upTo)
	c.client.release()
	return nil
}

func (c *conn) readHello(ctx context.Context) error {
	hctx, cancel := context.WithTimeout(ctx, helloTimeout)
	defer cancel()
	typ, data, err := c.ws.Read(hctx)
	if err != nil {
		return c.closeWith(websocket.StatusPolicyViolation, "expected a hello frame")
	}
	if typ != websocket.MessageText {
		return c.closeWith(websocket.StatusUnsupportedData, "frames must be JSON text")
	}
	f, err := parseFrame(data, c.w.opts.MaxMessageBytes)
	if err != nil || f.Type != frameHello {
		return c.closeWith(websocket.StatusPolicyViolation, "the first frame must be a hello")
	}
	c.hello = f
	c.hello.Token = "" // checked; not kept for the socket's life
	now := c.w.clock.Now()
	if s, err := c.w.tokens.verify(f.Token, now); err == nil {
		c.session, c.resumed = s, true
	} else {
		c.session = session{ID: newSessionID(), Start: now.Truncate(time.Second)}
	}
	return nil
}

// write sends one frame now; used before the writer loop starts and for
// answers to this socket only.
func (c *conn) write(f outFrame) error {
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return c.writeRaw(data)
}

// writeRaw sends one encoded frame, within writeTimeout. The deadline is
// cleared after the write so that the close handshake, which has its own,
// never meets a stale one.
func (c *conn) writeRaw(data []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	err := c.ws.Write(context.Background(), websocket.MessageText, data)
	_ = c.nc.SetWriteDeadline(time.Time{})
	return err
}

// writeQueued is the connection's writer, on a goroutine of its own while
// the hub has frames queued for it: it sends them, skipping messages that
// catch-up already sent, and the pings that notice a vanished peer.
func (c *conn) writeQueued() {
	var done []queued
	for {
		next, ok := c.client.next(done)
		if !ok {
			return
		}
		if next.slow {
			_ = c.closeWith(websocket.StatusTryAgainLater, "too slow to keep up; reconnect to catch up")
			continue
		}
		err := c.writeFrames(next.frames)
		if err == nil && next.ping {
			pctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
			err = c.ws.Ping(pctx)
			cancel()
		}
		if err != nil {
			c.w.log.Debug("widget socket write failed", "session", c.session.ID, "err", err)
			_ = c.ws.CloseNow() // its reader ends too
			c.client.drop()
		}
		done = next.frames
	}
}

func (c *conn) writeFrames(frames []queued) error {
	for _, q := range frames {
		if c.has(q) {
			continue
		}
		if err := c.writeRaw(q.data); err != nil {
			return err
		}
		if q.message != 0 {
			c.sent.add(q.message)
			c.client.noteSeen(q.message)
		}
	}
	return nil
}

// has reports whether the socket was sent q's message already.
func (c *conn) has(q queued) bool {
	if q.message == 0 {
		return false
	}
	return q.message <= c.caughtUpTo || c.sent.has(q.message) ||
		(q.catchUp && int64(q.message) <= c.client.seen.Load())
}

// recentIDs are the last few message ids a socket was sent; allocated at
// the first, so that an idle socket pays nothing.
type recentIDs struct {
	ids  *[32]bridge.MessageID
	next int
}

func (r *recentIDs) has(id bridge.MessageID) bool {
	return r.ids != nil && slices.Contains(r.ids[:], id)
}

func (r *recentIDs) add(id bridge.MessageID) {
	if r.ids == nil {
		r.ids = new([32]bridge.MessageID)
	}
	r.ids[r.next] = id
	r.next = (r.next + 1) % len(r.ids)
}
