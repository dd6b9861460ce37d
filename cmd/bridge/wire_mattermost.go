package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/handoffbridge/handoff/adapters/mattermost"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// wireMattermost plugs in the Mattermost workspace when the config
// enables it: the workspace, its routes for the buttons and /handoffs, its
// WebSocket (one per deployment, so that a thread's events reach the
// replicas in order) and the notifiers of kind mattermost.
func wireMattermost(w *wiring) error {
	c := w.cfg.Mattermost
	if !c.Enabled {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	key, err := mattermost.LoadActionKey(ctx, w.engine)
	if err != nil {
		return err
	}
	ws, err := mattermost.New(mattermost.Options{URL: c.URL, Token: c.Token.Reveal(), SlashToken: c.SlashToken.Reveal(),
		PublicURL: w.cfg.HTTP.PublicURL, ActionKey: key, NoteEmoji: c.NoteEmoji,
		Handler: w.engine, Core: w.engine, Settings: w.engine.Settings, Logger: w.log})
	if err != nil {
		return err
	}
	w.engine.RegisterWorkspace(ws)
	ws.Mount(w.mux)
	w.runSingleton("mattermost", ws, ws)
	for _, name := range sortedNames(w.cfg.Notifiers) {
		nc := w.cfg.Notifiers[name]
		if nc.Kind != "mattermost" {
			continue
		}
		n, err := ws.Notifier(mattermost.NotifierOptions{Channel: nc.Channel, Mention: nc.Mention})
		if err != nil {
			return fmt.Errorf("notifiers.%s: %w", name, err)
		}
		w.engine.RegisterNotifier(name, bridge.OnlyEvents(n, nc.Wants))
		w.log.Info("notifier ready", "name", name, "kind", nc.Kind, "events", eventsOf(nc))
	}
	w.log.Info("mattermost workspace ready", "url", c.URL, "slash_command", !c.SlashToken.IsZero())
	return nil
}

// checkMattermost tests the token and the team channels for `bridge
// check`; it prints what it found and returns the problems (none when
// Mattermost is off).
func checkMattermost(ctx context.Context, cfg *config.Config, s bridge.Settings, out io.Writer) []string {
	if !cfg.Mattermost.Enabled {
		return nil
	}
	channels := map[bridge.TeamID]string{}
	for id, t := range s.Teams {
		if t.Workspace == bridge.WorkspaceMattermost {
			channels[id] = t.Channel
		}
	}
	r := mattermost.Check(ctx, cfg.Mattermost.URL, cfg.Mattermost.Token.Reveal(), nil, channels)
	for _, l := range r.Lines {
		fmt.Fprintln(out, l)
	}
	return r.Problems
}
