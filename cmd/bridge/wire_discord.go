package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"

	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/bridge"
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
	users := w.cfg.Channels.Discord
	a, err := discord.New(discord.Config{
		Token:           d.BotToken.Reveal(),
		PublicKey:       publicKey,
		ArchiveAfter:    d.ArchiveAfter,
		Users:           users.Enabled,
		SupportChannels: users.SupportChannels,
		Logger:          w.log,
	}, w.engine, w.store)
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
	w.run("discord", a)
	w.health["discord"] = a
	return nil
}
