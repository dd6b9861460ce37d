package mattermost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/handoffbridge/handoff/bridge"
)

// maxEvent bounds one WebSocket message; a posted event carries one post
// (at most 16,383 characters of message) and some metadata.
const maxEvent = 1 << 20

// socket is one open WebSocket: its writes (user_typing) are serialised
// and numbered, as Mattermost wants each action's seq to grow.
type socket struct {
	conn *websocket.Conn
	mu   sync.Mutex
	seq  int64
}

func (s *socket) send(ctx context.Context, action string, data map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	b, err := json.Marshal(wsAction{Seq: s.seq, Action: action, Data: data})
	if err != nil {
		return err
	}
	return s.conn.Write(ctx, websocket.MessageText, b)
}

// socketURL is the WebSocket's address on the server.
func (w *Workspace) socketURL() string {
	u := w.opts.URL + "/api/v4/websocket"
	if rest, ok := strings.CutPrefix(u, "https://"); ok {
		return "wss://" + rest
	}
	return "ws://" + strings.TrimPrefix(u, "http://")
}

// keepSocket keeps the WebSocket open until ctx ends, opening it again
// with backoff after a drop; a token the server refuses ends it.
func (w *Workspace) keepSocket(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		up, err := w.runSocket(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if up {
			attempt = 0 // a connection that worked starts the backoff over
		}
		if status(err) == http.StatusUnauthorized {
			msg := "websocket: the access token was refused: " + err.Error()
			w.setHealth(bridge.HealthDown, msg)
			return errors.New("mattermost: " + msg)
		}
		w.notUp("websocket: reconnecting: " + err.Error())
		w.log.Warn("mattermost websocket closed; reconnecting", "err", err, "attempt", attempt+1)
		if !w.opts.Reconnect.Wait(ctx, attempt) {
			return nil
		}
	}
}

// runSocket opens the WebSocket, reads back what was missed, then handles
// events in the order they come until the connection ends. It reports
// whether the connection got as far as the server's hello.
func (w *Workspace) runSocket(ctx context.Context) (bool, error) {
	h := http.Header{}
	h.Set("Authorization", "Bearer "+w.opts.Token)
	conn, resp, err := websocket.Dial(ctx, w.socketURL(), &websocket.DialOptions{HTTPClient: w.opts.HTTPClient, HTTPHeader: h})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return false, &APIError{Method: http.MethodGet, Path: "/websocket", Status: resp.StatusCode, Message: err.Error()}
		}
		return false, fmt.Errorf("dial: %w", err)
	}
	conn.SetReadLimit(maxEvent)
	defer conn.CloseNow()
	connCtx, stop := context.WithCancel(ctx)
	defer stop()
	s := &socket{conn: conn}
	if err := w.awaitHello(connCtx, conn); err != nil {
		return false, err
	}
	// What was written while the stream was down comes first; live events
	// wait in the connection meanwhile, so the order holds.
	w.catchUp(connCtx)
	go w.pinger(connCtx, conn) // after: a pong is read only by the loop below
	w.connected.Store(s)
	defer w.connected.CompareAndSwap(s, nil)
	w.wasUp.Store(true)
	w.setHealth(bridge.HealthUp, "")
	for {
		_, raw, err := conn.Read(connCtx)
		if err != nil {
			return true, fmt.Errorf("read: %w", err)
		}
		var ev wsEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			w.log.Warn("mattermost sent an event that does not parse", "err", err)
			continue
		}
		w.onEvent(connCtx, ev)
	}
}

// awaitHello reads until the server's hello, which says the connection is
// authenticated.
func (w *Workspace) awaitHello(ctx context.Context, conn *websocket.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		_, raw, err := conn.Read(ctx)
		if err != nil {
			return fmt.Errorf("waiting for hello: %w", err)
		}
		var ev wsEvent
		if json.Unmarshal(raw, &ev) == nil && ev.Event == "hello" {
			return nil
		}
	}
}

// pinger pings the server every PingEvery; an unanswered ping closes the
// connection, so that a link that died silently is opened again.
func (w *Workspace) pinger(ctx context.Context, conn *websocket.Conn) {
	t := time.NewTicker(w.opts.PingEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, w.opts.PingEvery)
			err := conn.Ping(pctx)
			cancel()
			if err != nil && ctx.Err() == nil {
				w.log.Warn("mattermost websocket unanswered ping; reconnecting", "err", err)
				conn.CloseNow()
				return
			}
		}
	}
}

// ShowUserTyping shows the bot typing in the thread while the user types
// (the user_typing action). Typing is a hint: while the WebSocket is down
// it is dropped.
func (w *Workspace) ShowUserTyping(ctx context.Context, ref bridge.ThreadRef) error {
	s := w.connected.Load()
	if s == nil || ref.ThreadID == "" {
		return nil
	}
	err := s.send(ctx, "user_typing", map[string]any{"channel_id": ref.Channel, "parent_id": ref.ThreadID})
	if err != nil && ctx.Err() == nil {
		w.log.Debug("mattermost user_typing not sent", "err", err)
	}
	return nil
}
