package slack

import (
	"context"
	"encoding/json"
	"log"
	"log/slog"
	"sync"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/handoffbridge/handoff/bridge"
)

// runSocket keeps a Socket Mode connection up until ctx ends, handling
// what arrives on it. Events are handled one at a time, in order, before
// their ack (an unacknowledged event comes again); clicks are acknowledged
// first and handled after, within Slack's 3 seconds.
func (w *Workspace) runSocket(ctx context.Context) error {
	sm := socketmode.New(w.api, socketmode.OptionLog(log.New(slogWriter{w.log}, "", 0)), socketmode.OptionDialer(w.socketDialer()))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var clicks sync.WaitGroup
	defer clicks.Wait()
	runDone := make(chan error, 1)
	go func() { runDone <- w.keepSocket(ctx, sm) }()
	for {
		select {
		case <-ctx.Done():
			<-runDone
			return nil
		case err := <-runDone:
			return err
		case ev := <-sm.Events:
			w.onSocketEvent(ctx, sm, ev, &clicks)
		}
	}
}

// keepSocket runs the client, reconnecting with backoff after a failure
// that is not a bad token, and at once after a connection that went silent
// (see watchSilence).
func (w *Workspace) keepSocket(ctx context.Context, sm *socketmode.Client) error {
	for attempt := 0; ; attempt++ {
		runCtx, stop := context.WithCancel(ctx)
		stale := make(chan bool, 1)
		go func() { stale <- w.watchSilence(runCtx, stop) }()
		err := sm.RunContext(runCtx)
		stop()
		wasStale := <-stale
		if ctx.Err() != nil {
			return nil
		}
		if wasStale {
			attempt = -1
			continue
		}
		if tokenRefused(err) {
			w.setHealth(bridge.HealthDown, "socket mode: the app token was refused: "+err.Error())
			return err
		}
		w.notUp("socket mode: reconnecting: " + err.Error())
		w.log.Warn("slack socket mode stopped; reconnecting", "err", err, "attempt", attempt+1)
		if !bridge.ConnectBackoff.Wait(ctx, attempt) {
			return nil
		}
	}
}

// notUp reports a connection that is not up: degraded once it has been
// up, down (with why) while it never was since the start.
func (w *Workspace) notUp(why string) {
	if w.wasUp.Load() {
		w.setHealth(bridge.HealthDegraded, why)
		return
	}
	w.setHealth(bridge.HealthDown, "not connected yet: "+why)
}

func (w *Workspace) onSocketEvent(ctx context.Context, sm *socketmode.Client, ev socketmode.Event, clicks *sync.WaitGroup) {
	switch ev.Type {
	case socketmode.EventTypeConnected:
		w.wasUp.Store(true)
		w.setHealth(bridge.HealthUp, "")
	case socketmode.EventTypeConnecting:
		w.notUp("socket mode: connecting")
	case socketmode.EventTypeConnectionError:
		why := "socket mode: connection error"
		if ce, ok := ev.Data.(*slackgo.ConnectionErrorEvent); ok && ce.ErrorObj != nil {
			why += ": " + ce.Error()
		}
		w.notUp(why)
	case socketmode.EventTypeInvalidAuth:
		w.setHealth(bridge.HealthDown, "socket mode: invalid app token")
	case socketmode.EventTypeEventsAPI:
		data, ok := ev.Data.(slackevents.EventsAPIEvent)
		if !ok || ev.Request == nil {
			return
		}
		_, eventID, err := parseEvent(ev.Request.Payload)
		if err != nil {
			w.log.Warn("slack event not understood", "err", err)
			w.ack(ctx, sm, ev.Request, nil) // a retry would not parse better
			return
		}
		if err := w.handleEvent(ctx, data, eventID); err != nil {
			w.log.Error("slack event not taken; Slack will retry it", "event_id", eventID, "err", err)
			return
		}
		w.ack(ctx, sm, ev.Request, nil)
	case socketmode.EventTypeInteractive:
		cb, ok := ev.Data.(slackgo.InteractionCallback)
		if ev.Request != nil {
			w.ack(ctx, sm, ev.Request, nil)
		}
		if !ok {
			return
		}
		clicks.Add(1)
		go func() { defer clicks.Done(); w.handleInteraction(ctx, cb) }()
	case socketmode.EventTypeSlashCommand:
		cmd, ok := ev.Data.(slackgo.SlashCommand)
		if !ok || ev.Request == nil {
			return
		}
		w.ack(ctx, sm, ev.Request, w.slashCommand(ctx, cmd))
	case socketmode.EventTypeErrorBadMessage:
		w.log.Warn("slack socket mode sent a message that does not parse")
	}
}

func (w *Workspace) ack(ctx context.Context, sm *socketmode.Client, req *socketmode.Request, payload any) {
	if err := sm.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		w.log.Warn("slack ack failed", "envelope", req.EnvelopeID, "err", err)
	}
}

// slogWriter sends the socketmode client's log lines to slog at debug level.
type slogWriter struct{ l *slog.Logger }

func (s slogWriter) Write(p []byte) (int, error) {
	s.l.Debug("socketmode", "msg", string(json.RawMessage(p)))
	return len(p), nil
}
