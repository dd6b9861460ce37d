package main

import (
	"context"
	"fmt"
	"time"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/bridge"
)

// wireWeb plugs in the web widget when the config enables it: the channel,
// the demo page, /widget.js and the /ws socket.
func wireWeb(w *wiring) error {
	c := w.cfg.Channels.Web
	if !c.Enabled {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	secret, err := web.LoadSessionSecret(ctx, w.engine, c.SessionSecret.Reveal())
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	fs, err := w.fileService()
	if err != nil {
		return err
	}
	opts := web.Options{
		Handler: w.engine, History: w.engine, SessionSecret: secret,
		AllowedOrigins: c.AllowedOrigins, MaxMessageBytes: c.MaxMessageBytes, MaxSocketsPerClient: c.MaxSocketsPerClient,
		TrustedProxies: w.cfg.HTTP.TrustedProxyPrefixes(),
		Messages:       w.settings.Messages, BotName: w.settings.BotName, Logger: w.log,
		CurrentMessages: func() bridge.Messages { return w.engine.Settings().Messages },
		Fanout:          w.liveFanout(),
	}
	if fs != nil {
		opts.Files = fs
	}
	widget, err := web.New(opts)
	if err != nil {
		return err // names itself
	}
	w.engine.RegisterUserChannel(widget)
	widget.Mount(w.mux)
	w.run("web", widget)
	w.health["web"] = widget
	return nil
}
