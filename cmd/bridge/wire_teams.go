package main

import (
	"context"
	"io"

	"github.com/handoffbridge/handoff/adapters/teams"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// wireTeams plugs in the Microsoft Teams bot when the config enables it:
// the workspace, its /teams/messages route, its token and its health, and
// the notifiers of kind msteams.
func wireTeams(w *wiring) error {
	if !w.cfg.MSTeams.Enabled {
		return nil
	}
	opts := teamsOptions(w.cfg.MSTeams)
	opts.Handler, opts.Handoffs, opts.Logger = w.engine, w.engine, w.log
	opts.Settings = w.engine.Settings // follows config reloads
	ws, err := teams.New(opts)
	if err != nil {
		return err
	}
	w.engine.RegisterWorkspace(ws)
	ws.Mount(w.mux)
	w.run("msteams", ws)
	w.health["msteams"] = ws
	for _, name := range sortedNames(w.cfg.Notifiers) {
		if nc := w.cfg.Notifiers[name]; nc.Kind == "msteams" {
			w.engine.RegisterNotifier(name, bridge.OnlyEvents(ws.Notifier(nc.Channel), nc.Wants))
			w.log.Info("notifier ready", "name", name, "kind", nc.Kind, "events", eventsOf(nc))
		}
	}
	return nil
}

func teamsOptions(c config.MSTeams) teams.Options {
	return teams.Options{AppID: c.AppID, AppPassword: c.AppPassword.Reveal(), TenantID: c.TenantID,
		ServiceURL: c.ServiceURL, TokenURL: c.TokenURL, OpenIDURL: c.OpenIDURL, Issuer: c.Issuer, ClockSkew: c.ClockSkew}
}

// checkTeams tests the Teams credentials, the signing keys and the team
// channels for `bridge check`; it prints what it found and returns the
// problems (none when Teams is off).
func checkTeams(ctx context.Context, cfg *config.Config, s bridge.Settings, out io.Writer) []string {
	if !cfg.MSTeams.Enabled {
		return nil
	}
	channels := map[string]string{}
	for id, t := range s.Teams {
		if t.Workspace == bridge.WorkspaceMSTeams {
			channels["teams."+string(id)+".channel"] = t.Channel
		}
	}
	r := teams.Check(ctx, teamsOptions(cfg.MSTeams), channels)
	for _, l := range r.Lines {
		_, _ = io.WriteString(out, l+"\n")
	}
	return r.Problems
}
