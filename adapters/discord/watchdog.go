package discord

import (
	"context"
	"errors"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// DefaultStaleAfter is how long a connected gateway may deliver nothing,
// not even a heartbeat acknowledgement (Discord sends one about every 41
// s), before it is reported degraded and reconnected.
const DefaultStaleAfter = 2 * time.Minute

// lifeSign is what changes while the gateway is alive: the dispatches
// received and the last heartbeat acknowledgement.
type lifeSign struct {
	events uint64
	ack    time.Time
}

func (a *Adapter) lifeSign() lifeSign {
	a.s.RLock()
	ack := a.s.LastHeartbeatAck
	a.s.RUnlock()
	return lifeSign{events: a.events.Load(), ack: ack}
}

// onAnyEvent runs before the typed handlers of every event: a dispatch is
// a sign of life (connection events are the session's own).
func (a *Adapter) onAnyEvent(ev any) {
	switch ev.(type) {
	case *discordgo.Connect, *discordgo.Disconnect, *discordgo.RateLimit, *discordgo.Event:
		return
	}
	a.events.Add(1)
	a.stale.Store(nil)
}

// watchdog finds a gateway that says it is connected but delivers
// nothing: no dispatch and no heartbeat acknowledgement for StaleAfter
// (a half-open TCP connection, a stuck proxy). Health then reports it
// degraded, and the connection is closed and resumed, so that Discord
// replays what it held back.
func (a *Adapter) watchdog(ctx context.Context) {
	if a.cfg.StaleAfter <= 0 {
		return
	}
	every := max(a.cfg.StaleAfter/4, time.Second)
	last, lastLife := a.lifeSign(), a.cfg.Clock.Now()
	for {
		t := a.cfg.Clock.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
		}
		now, sign := a.cfg.Clock.Now(), a.lifeSign()
		// A disconnected gateway is discordgo's to reconnect (Health says
		// down meanwhile); a reconnect under way has its own time.
		if sign != last || !a.connected.Load() || a.reconnecting.Load() {
			last, lastLife = sign, now
			continue
		}
		silent := now.Sub(lastLife)
		if silent < a.cfg.StaleAfter {
			continue
		}
		a.stale.Store(&silent)
		a.log.Warn("the gateway delivers nothing; reconnecting", "silent_for", silent)
		last, lastLife = sign, now
		a.reconnecting.Store(true)
		a.bg.Add(1)
		go func() {
			defer a.bg.Done()
			defer a.reconnecting.Store(false)
			a.reconnect(ctx)
		}()
	}
}

// reconnect closes the connection with a code that keeps the session
// (1012, as discordgo does when Discord asks it to reconnect) and opens it
// again, which resumes the session.
func (a *Adapter) reconnect(ctx context.Context) {
	if err := a.s.CloseWithCode(websocket.CloseServiceRestart); err != nil {
		a.log.Warn("close the silent gateway connection", "err", err)
	}
	wait := time.Second
	for {
		err := a.s.Open()
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			return
		}
		a.log.Error("reconnect to the gateway", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}
