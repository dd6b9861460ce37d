package main

import (
	"github.com/handoffbridge/handoff/adapters/api"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// wireAPI serves the handoff API under /api/v1 when integrations are
// configured.
func wireAPI(w *wiring) error {
	if len(w.cfg.Integrations) == 0 {
		return nil
	}
	a, err := api.New(api.Options{Engine: w.engine, Integrations: apiIntegrations(w.cfg), Logger: w.log})
	if err != nil {
		return err
	}
	w.engine.RegisterUserChannel(a)
	a.Mount(w.mux)
	return nil
}

func apiIntegrations(cfg *config.Config) []api.Integration {
	var out []api.Integration
	for name, in := range cfg.Integrations {
		it := api.Integration{Name: name, CallbackURL: in.CallbackURL, CallbackSecret: []byte(in.CallbackSecret.Reveal()),
			DefaultTeam: bridge.TeamID(cfg.EffectiveTeam(in)), RateLimit: in.RateLimit, Burst: in.Burst,
			Triggers: in.Triggers, MaxMessageBytes: in.MaxMessageBytes}
		for _, k := range in.APIKeys {
			it.APIKeys = append(it.APIKeys, k.Reveal())
		}
		for _, t := range in.Teams {
			it.Teams = append(it.Teams, bridge.TeamID(t))
		}
		out = append(out, it)
	}
	return out
}
