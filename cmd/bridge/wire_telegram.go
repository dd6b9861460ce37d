package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram"
)

// wireTelegram plugs in the Telegram bot when the config enables it: the
// user channel, its update connection (long polling or the webhook set at
// start), the webhook and file routes, and its health.
func wireTelegram(w *wiring) error {
	c := w.cfg.Channels.Telegram
	if !c.Enabled {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	tg, err := telegram.New(ctx, telegram.Options{
		Token:         c.Token.Reveal(),
		Endpoint:      strings.TrimRight(c.APIURL, "/") + "/bot%s/%s",
		Events:        w.engine,
		Store:         w.store,
		Logger:        w.log,
		Mode:          c.Mode,
		PublicURL:     w.cfg.HTTP.PublicURL,
		WebhookSecret: c.WebhookSecret.Reveal(),
		Groups:        c.Groups,
	})
	if err != nil {
		return fmt.Errorf("telegram: %w", err)
	}
	w.engine.RegisterUserChannel(tg)
	tg.Mount(w.mux)
	w.run("telegram", tg)
	w.health["telegram"] = tg
	return nil
}
