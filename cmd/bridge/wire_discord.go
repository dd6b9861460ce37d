package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// wireDiscord plugs in the Discord bot when the config enables it: the
// agent workspace (discord.enabled), the user channel
// (channels.discord.enabled), the alerts of notifiers of kind discord, the
// signed interactions route, the gateway connection and its health.
func wireDiscord(w *wiring) error {
	d := w.cfg.Discord
	if !d.Enabled {
		return nil
	}
	var publicKey ed25519.PublicKey
	if d.PublicKey != "" {
		b, err := hex.DecodeString(d.PublicKey)
		if err != nil {
			return fmt.Errorf("discord.public_key: %w", err)
		}
		publicKey = b
	}
	api, err := discord.APIClient(d.APIURL)
	if err != nil {
		return fmt.Errorf("discord.api_url: %w", err)
	}
	users := w.cfg.Channels.Discord
	fs, err := w.fileService()
	if err != nil {
		return err
	}
	var keep discord.Files
	if fs != nil {
		keep = fs // agents' files served by the bridge; not a typed nil
	}
	a, err := discord.New(discord.Options{
		Handler:         w.engine,
		Core:            w.engine,
		Token:           d.BotToken.Reveal(),
		PublicKey:       publicKey,
		ArchiveAfter:    d.ArchiveAfter,
		StaleAfter:      d.StaleAfter,
		Users:           users.Enabled,
		SupportChannels: users.SupportChannels,
		ApplicationID:   d.ApplicationID,
		HTTPClient:      api,
		PublicURL:       w.cfg.HTTP.PublicURL,
		Files:           keep,
		Settings:        w.engine.Settings, // /handoffs follows config reloads
		Logger:          w.log,
	})
	if err != nil {
		return err
	}
	w.engine.RegisterWorkspace(a.Workspace())
	if users.Enabled {
		w.engine.RegisterUserChannel(a.UserChannel())
	}
	teamChannel := func(t bridge.TeamID) string {
		if team := w.settings.Team(t); team != nil && team.Workspace == bridge.WorkspaceDiscord {
			return team.Channel
		}
		return ""
	}
	for name, n := range w.cfg.Notifiers {
		if n.Kind == "discord" {
			w.engine.RegisterNotifier(name, bridge.OnlyEvents(a.Notifier(n.Channel, n.Mention, teamChannel), n.Wants))
		}
	}
	a.Mount(w.mux)
	// One gateway session across the replicas; interactions over HTTP
	// (Mount) are served by any of them.
	w.runSingleton("discord", a, a)
	return nil
}

// checkDiscord tests the bot token, the message content intent and the
// team channels for `bridge check`; it prints what it found and returns the
// problems (none when Discord is off).
func checkDiscord(ctx context.Context, cfg *config.Config, s bridge.Settings, out io.Writer) []string {
	if !cfg.Discord.Enabled {
		return nil
	}
	channels := map[string]string{}
	for id, t := range s.Teams {
		if t.Workspace == bridge.WorkspaceDiscord {
			channels["teams."+string(id)+".channel"] = t.Channel
		}
	}
	api, err := discord.APIClient(cfg.Discord.APIURL)
	if err != nil {
		return []string{"discord.api_url: " + err.Error()}
	}
	r := discord.Check(ctx, discord.Options{Token: cfg.Discord.BotToken.Reveal(), HTTPClient: api}, cfg.Discord.ApplicationID, channels)
	for _, l := range r.Lines {
		fmt.Fprintln(out, l)
	}
	return r.Problems
}
