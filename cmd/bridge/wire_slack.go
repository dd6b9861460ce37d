package main

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/time/rate"

	"github.com/handoffbridge/handoff/adapters/slack"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// wireSlack plugs in the Slack workspace when the config enables it: the
// workspace itself, its connection (Socket Mode) or its /slack/events
// route (HTTP mode), its health, and the notifiers of kind slack.
func wireSlack(w *wiring) error {
	c := w.cfg.Slack
	if !c.Enabled {
		return nil
	}
	var err error
	opts := slackOptions(c)
	opts.Handler, opts.Handoffs, opts.Logger = w.engine, w.engine, w.log
	opts.Settings = w.engine.Settings     // follows config reloads
	opts.PublicURL = w.cfg.HTTP.PublicURL // links to agents' files
	if w.cfg.Channels.Web.Enabled && w.cfg.Channels.Web.Uploads.Enabled {
		// The widget's files go up into threads, agents' come back to it.
		if opts.Blobs, err = w.blobStore(); err != nil {
			return err
		}
	}
	ws, err := slack.New(opts)
	if err != nil {
		return err
	}
	w.engine.RegisterWorkspace(ws)
	ws.Mount(w.mux)
	if opts.Mode != slack.ModeHTTP {
		// One connection, or a thread's events reach replicas out of order.
		w.runSingleton("slack", ws, ws)
	} else {
		w.run("slack", ws)
		w.health["slack"] = ws
	}
	for _, name := range sortedNames(w.cfg.Notifiers) {
		nc := w.cfg.Notifiers[name]
		if nc.Kind != "slack" {
			continue
		}
		n, err := ws.Notifier(slack.NotifierOptions{Channel: nc.Channel, Mention: nc.Mention})
		if err != nil {
			return fmt.Errorf("notifiers.%s: %w", name, err)
		}
		w.engine.RegisterNotifier(name, bridge.OnlyEvents(n, nc.Wants))
		w.log.Info("notifier ready", "name", name, "kind", nc.Kind, "events", eventsOf(nc))
	}
	w.log.Info("slack workspace ready", "mode", opts.Mode)
	return nil
}

func slackOptions(c config.Slack) slack.Options {
	return slack.Options{BotToken: c.BotToken.Reveal(), AppToken: c.AppToken.Reveal(),
		SigningSecret: c.SigningSecret.Reveal(), Mode: c.Mode,
		PerChannel: rate.Limit(c.PostsPerSecond), Burst: c.PostBurst, StaleAfter: c.StaleAfter,
		APIURL: strings.TrimSuffix(c.APIURL, "/") + "/"} // slack-go needs the trailing slash
}

// checkSlack tests the Slack credentials and team channels for `bridge
// check`; it returns the problems found (none when Slack is off).
func checkSlack(ctx context.Context, cfg *config.Config, s bridge.Settings) []string {
	if !cfg.Slack.Enabled {
		return nil
	}
	channels := map[bridge.TeamID]string{}
	for id, t := range s.Teams {
		if t.Workspace == bridge.WorkspaceSlack {
			channels[id] = t.Channel
		}
	}
	return slack.Check(ctx, slackOptions(cfg.Slack), channels)
}
