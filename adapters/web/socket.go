package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/handoffbridge/handoff/bridge"
)

// Timeouts of one socket.
const (
	helloTimeout  = 10 * time.Second
	writeTimeout  = 10 * time.Second
	pingInterval  = 45 * time.Second
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
}

// hijackRecorder is the response writer handed to websocket.Accept; it
// keeps the connection that Accept hijacks.
type hijackRecorder struct {
	http.ResponseWriter
	conn net.Conn
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	h.conn = nc
	return nc, brw, err
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
	hj := &hijackRecorder{ResponseWriter: rw}
	ws, err := websocket.Accept(hj, r, &w.accept)
	if err != nil {
		return // Accept has answered the client
	}
	w.conns.Add(1)
	defer w.conns.Done()
	// JSON may spell each byte of text as a six-byte \u escape.
	ws.SetReadLimit(int64(6*w.opts.MaxMessageBytes + 4096))

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(w.closing, func() {
		_ = ws.Close(websocket.StatusGoingAway, "the bridge is restarting; reconnect")
	})
	defer stop()

	c := &conn{w: w, ws: ws, nc: hj.conn, ip: clientIP(r, w.opts.TrustedProxies), ua: r.UserAgent()}
	if err := c.run(ctx); err != nil {
		w.log.Debug("widget socket closed", "err", err)
	}
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

func (c *conn) run(ctx context.Context) error {
	if err := c.readHello(ctx); err != nil {
		return err
	}
	c.user = bridge.User{ID: c.session.ID, DisplayName: "Visitor " + c.session.ID[:6]}
	c.sess, c.ipb = c.w.limits.acquire(c.session.ID, c.ip)
	defer c.w.limits.release(c.sess, c.ipb)

	// Registered before history is read: a message stored after the read
	// is pushed, one stored before is read; one both ways is sent once.
	c.client = newClient(c.session.ID)
	c.w.hub.add(c.client)
	defer c.w.hub.remove(c.client)

	if err := c.write(outFrame{Type: outWelcome, Session: c.session.ID, Token: c.w.tokens.sign(c.session), Resumed: c.resumed}); err != nil {
		return err
	}
	upTo, err := c.catchUp(ctx, c.hello.LastID)
	if err != nil {
		return c.closeWith(websocket.StatusInternalError, "could not read the conversation; reconnect")
	}
	wctx, stopWriter := context.WithCancel(ctx)
	writerDone := make(chan error, 1)
	go func() { writerDone <- c.writeLoop(wctx, upTo) }()
	// The user's events are handled to the end even if the tab goes away
	// meanwhile: the user finds the answer when they come back.
	readErr := c.readLoop(context.WithoutCancel(ctx))
	stopWriter()
	<-writerDone
	_ = c.ws.CloseNow()
	return readErr
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

// writeLoop sends what the hub queues for this socket, skipping messages
// catch-up already sent, and pings so that a vanished peer is noticed.
func (c *conn) writeLoop(ctx context.Context, caughtUpTo bridge.MessageID) error {
	ping := time.NewTicker(pingInterval)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.client.slow:
			return c.closeWith(websocket.StatusTryAgainLater, "too slow to keep up; reconnect to catch up")
		case q := <-c.client.out:
			if q.message != 0 && q.message <= caughtUpTo {
				continue
			}
			if err := c.writeRaw(q.data); err != nil {
				_ = c.ws.CloseNow()
				return err
			}
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, writeTimeout)
			err := c.ws.Ping(pctx)
			cancel()
			if err != nil {
				_ = c.ws.CloseNow()
				return err
			}
		}
	}
}
