package slack

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/handoffbridge/handoff/bridge"
)

// DefaultStaleAfter is how long a Socket Mode connection may stay silent
// before the bridge gives up on it. Slack pings every few seconds and its
// client library gives up after 30 s without a ping; this watchdog is the
// bridge's own, covering anything that keeps the library from noticing.
const DefaultStaleAfter = 2 * time.Minute

// heard notes that bytes arrived on the Socket Mode link: an envelope, the
// hello, a disconnect warning or one of Slack's pings.
func (w *Workspace) heard() { w.lastHeard.Store(int64(time.Since(w.born))) }

// silentFor is how long the link has delivered nothing.
func (w *Workspace) silentFor() time.Duration {
	return time.Since(w.born) - time.Duration(w.lastHeard.Load())
}

// socketDialer is the WebSocket dialer of Socket Mode (the library's
// settings) over connections that note every read, so that pings, which
// the library answers without telling anyone, count as signs of life.
func (w *Workspace) socketDialer() *websocket.Dialer {
	var d net.Dialer
	return &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: 45 * time.Second,
		WriteBufferSize:  32 << 10,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return heardConn{Conn: c, w: w}, nil
		},
	}
}

type heardConn struct {
	net.Conn
	w *Workspace
}

func (c heardConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.w.heard()
	}
	return n, err
}

// watchSilence ends one run of the Socket Mode client (stop) when nothing
// has arrived for StaleAfter, reporting the connection degraded; it
// returns true then, false when ctx ended first. A run that is still
// connecting counts as silent too: a dial that hangs is as dead.
func (w *Workspace) watchSilence(ctx context.Context, stop context.CancelFunc) bool {
	w.heard() // the clock starts with the run
	every := max(w.opts.StaleAfter/4, time.Millisecond)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			silent := w.silentFor()
			if silent < w.opts.StaleAfter {
				continue
			}
			w.setHealth(bridge.HealthDegraded, "socket mode: nothing received for over "+w.opts.StaleAfter.String()+"; reconnecting")
			w.log.Warn("slack socket mode delivered nothing; reconnecting", "silent_for", silent, "stale_after", w.opts.StaleAfter)
			stop()
			return true
		}
	}
}
