package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram"
	"github.com/handoffbridge/handoff/config"
)

// wireTelegram plugs in the Telegram bot when the config enables it: the
// user channel, its update connection (long polling or the webhook set at
// start), the webhook and file routes, and its health. Telegram being out
// of reach does not stop the bridge: the connection keeps trying and
// /readyz says telegram is down meanwhile.
func wireTelegram(w *wiring) error {
	c := w.cfg.Channels.Telegram
	if !c.Enabled {
		return nil
	}
	opts := telegramOptions(w.cfg)
	opts.Handler, opts.State, opts.Logger = w.engine, w.engine.AdapterState("telegram"), w.log
	tg, err := telegram.New(opts) // connects in Run, retrying while Telegram is out of reach
	if err != nil {
		return err
	}
	w.engine.RegisterUserChannel(tg)
	tg.Mount(w.mux)
	if c.Mode != telegram.ModeWebhook {
		w.runSingleton("telegram", tg, tg) // a second poller gets 409
	} else {
		w.run("telegram", tg)
		w.health["telegram"] = tg
	}
	return nil
}

// telegramOptions are the adapter's options from the config, without the
// engine, store and logger.
func telegramOptions(cfg *config.Config) telegram.Options {
	c := cfg.Channels.Telegram
	return telegram.Options{
		Token:         c.Token.Reveal(),
		Endpoint:      strings.TrimRight(c.APIURL, "/") + "/bot%s/%s",
		Mode:          c.Mode,
		PublicURL:     cfg.HTTP.PublicURL,
		WebhookSecret: c.WebhookSecret.Reveal(),
		Groups:        c.Groups,
		StallTimeout:  c.StallTimeout,
	}
}

// checkTelegram tests the bot token and the update path for `bridge
// check` when Telegram is enabled, printing what it finds; with apply it
// sets the webhook (webhook mode) or removes a leftover one (polling).
// It returns the problems found.
func checkTelegram(ctx context.Context, cfg *config.Config, apply bool, out io.Writer) []string {
	if !cfg.Channels.Telegram.Enabled {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	lines, problems := telegram.Check(ctx, telegramOptions(cfg), apply)
	for _, l := range lines {
		fmt.Fprintln(out, l)
	}
	return problems
}
