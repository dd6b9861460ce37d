package console

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/handoffbridge/handoff/bridge"
)

const (
	// maxLiveFrame bounds what a tab may send (typing notices only).
	maxLiveFrame = 4 << 10
	writeTimeout = 10 * time.Second
	pingEvery    = 30 * time.Second
	// typingEvery is how often one agent's typing in one handoff goes to
	// the engine (and the user) at most.
	typingEvery = 2 * time.Second
)

// clientFrame is what a tab sends on the live socket.
type clientFrame struct {
	Type    string `json:"type"` // "typing"
	Handoff string `json:"handoff"`
}

// parseClientFrame decodes a frame from a tab; anything else than a typing
// notice about a handoff id is an error.
func parseClientFrame(b []byte) (clientFrame, error) {
	var f clientFrame
	if err := json.Unmarshal(b, &f); err != nil {
		return f, errors.New("not a JSON object")
	}
	if f.Type != "typing" {
		return f, errors.New("unknown frame type")
	}
	if _, err := parseHandoffID(f.Handoff); err != nil {
		return f, err
	}
	return f, nil
}

// handleLive upgrades to the tab's live socket. The WebSocket library
// refuses cross-origin upgrades (the Origin must match the Host), so
// another site cannot ride the agent's cookie.
func (c *Console) handleLive(w http.ResponseWriter, r *http.Request) {
	a := agentOf(r.Context())
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return // Accept has answered the request
	}
	ws.SetReadLimit(maxLiveFrame)
	lc := c.hub.add(a.session.id, a.login.Name)
	defer c.hub.remove(lc)
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()

	go func() {
		defer cancel()
		c.readLive(ctx, ws, a)
	}()
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case ev := <-lc.send:
			wctx, done := context.WithTimeout(ctx, writeTimeout)
			err := wsjson.Write(wctx, ws, ev)
			done()
			if err != nil {
				ws.CloseNow()
				return
			}
		case <-ping.C:
			pctx, done := context.WithTimeout(ctx, writeTimeout)
			err := ws.Ping(pctx)
			done()
			if err != nil {
				ws.CloseNow()
				return
			}
		case <-lc.closed:
			ws.Close(websocket.StatusGoingAway, "reconnect")
			return
		case <-ctx.Done():
			ws.CloseNow()
			return
		}
	}
}

// readLive takes the tab's typing notices until it hangs up. A malformed
// frame closes this one socket with a reason.
func (c *Console) readLive(ctx context.Context, ws *websocket.Conn, a authedAgent) {
	last := map[string]time.Time{}
	for {
		typ, b, err := ws.Read(ctx)
		if err != nil {
			return
		}
		f, err := parseClientFrame(b)
		if typ != websocket.MessageText || err != nil {
			ws.Close(websocket.StatusUnsupportedData, "malformed frame")
			return
		}
		now := c.now()
		if now.Sub(last[f.Handoff]) < typingEvery {
			continue
		}
		last[f.Handoff] = now
		id, _ := parseHandoffID(f.Handoff) // checked by parseClientFrame
		h, err := c.visibleHandoff(ctx, a.login, id)
		if err != nil {
			continue // a missing handoff, or another team's: nobody is told
		}
		// Best effort, like the typing it shows: tell logs a failure.
		_ = c.tell(ctx, notice{Event: liveEvent{Type: "typing", Handoff: f.Handoff, Who: a.login.displayName(), Agent: a.login.Name},
			Team: h.Team, Except: a.login.Name})
		_, err = c.engine.Handle(ctx, bridge.AgentTyping{Agent: a.login.agentRef(), ThreadID: f.Handoff})
		if err != nil && !errors.Is(err, bridge.ErrNotHandoffThread) && ctx.Err() == nil {
			c.log.Debug("agent typing not relayed", "agent", a.login.Name, "handoff", f.Handoff, "err", err)
		}
	}
}
