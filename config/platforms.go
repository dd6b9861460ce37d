package config

import (
	"encoding/hex"
	"time"
)

// Slack is the Slack app: an agent workspace.
type Slack struct {
	Enabled bool `mapstructure:"enabled" default:"false"`
	// Mode is socket (Socket Mode, no public URL needed) or http (Events API
	// and interactivity at /slack/events).
	Mode             string `mapstructure:"mode" default:"socket"`
	BotTokenEnv      string `mapstructure:"bot_token_env" default:"SLACK_BOT_TOKEN"`
	AppTokenEnv      string `mapstructure:"app_token_env" default:"SLACK_APP_TOKEN"`
	SigningSecretEnv string `mapstructure:"signing_secret_env" default:"SLACK_SIGNING_SECRET"`
	// APIURL is the Web API base (Slack's, or a test fake's).
	APIURL string `mapstructure:"api_url" default:"https://slack.com/api/"`
	// PostsPerSecond and PostBurst pace the bridge's posts per channel
	// (Slack allows about one per second with short bursts). Only a load
	// test against a fake without Slack's limit raises them.
	PostsPerSecond float64 `mapstructure:"posts_per_second" default:"1"`
	PostBurst      int     `mapstructure:"post_burst" default:"3"`
	// StaleAfter is how long a Socket Mode connection may deliver nothing,
	// not even Slack's pings, before it is reported degraded and reopened.
	StaleAfter time.Duration `mapstructure:"stale_after" default:"2m"`

	// Resolved from the *Env fields.
	BotToken      Secret `mapstructure:"-"`
	AppToken      Secret `mapstructure:"-"`
	SigningSecret Secret `mapstructure:"-"`
}

// Discord is the Discord bot: an agent workspace and, with
// channels.discord, a user channel.
type Discord struct {
	Enabled     bool   `mapstructure:"enabled" default:"false"`
	BotTokenEnv string `mapstructure:"bot_token_env" default:"DISCORD_BOT_TOKEN"`
	// PublicKey is the application's Ed25519 public key (hex), needed to
	// verify interactions posted to /discord/interactions.
	PublicKey string `mapstructure:"public_key"`
	// ApplicationID is the application's id, used to register commands.
	ApplicationID string `mapstructure:"application_id"`
	// APIURL is where REST calls go (Discord's, or a test fake's); the
	// gateway is the one its /gateway route names.
	APIURL string `mapstructure:"api_url" default:"https://discord.com/"`
	// ArchiveAfter is how long a resolved handoff's thread stays open
	// before it is archived; 0 archives at once.
	ArchiveAfter time.Duration `mapstructure:"archive_after" default:"1h"`
	// StaleAfter is how long the gateway may deliver nothing, not even a
	// heartbeat acknowledgement, before it is reported degraded and
	// reconnected.
	StaleAfter time.Duration `mapstructure:"stale_after" default:"2m"`

	// BotToken is resolved from BotTokenEnv.
	BotToken Secret `mapstructure:"-"`
}

var slackModes = []string{"socket", "http"}

func (c *Config) validatePlatforms(p *problems) {
	if s := c.Slack; s.Enabled {
		requiredSecret(p, "slack.bot_token_env", s.BotTokenEnv, s.BotToken, "slack is enabled")
		if err := checkHTTPURL(s.APIURL); err != nil {
			p.add("slack.api_url", err)
		}
		if s.PostsPerSecond <= 0 {
			p.addf("slack.posts_per_second", "must be positive, got %g", s.PostsPerSecond)
		}
		if s.PostBurst < 1 {
			p.addf("slack.post_burst", "must be at least 1, got %d", s.PostBurst)
		}
		checkDuration(p, "slack.stale_after", s.StaleAfter, false, time.Second)
		if p.oneOf("slack.mode", "mode", s.Mode, slackModes...) {
			if s.Mode == "socket" {
				requiredSecret(p, "slack.app_token_env", s.AppTokenEnv, s.AppToken, "slack.mode is socket")
			} else {
				requiredSecret(p, "slack.signing_secret_env", s.SigningSecretEnv, s.SigningSecret, "slack.mode is http")
			}
		}
	}
	if d := c.Discord; d.Enabled {
		requiredSecret(p, "discord.bot_token_env", d.BotTokenEnv, d.BotToken, "discord is enabled")
		if d.PublicKey != "" {
			if b, err := hex.DecodeString(d.PublicKey); err != nil || len(b) != 32 {
				p.addf("discord.public_key", "want the application's public key: 64 hexadecimal digits")
			}
		}
		if err := checkHTTPURL(d.APIURL); err != nil {
			p.add("discord.api_url", err)
		}
		if d.ApplicationID != "" && !digits(d.ApplicationID) {
			p.addf("discord.application_id", "want a numeric id, got %q", d.ApplicationID)
		}
		checkDuration(p, "discord.archive_after", d.ArchiveAfter, true, time.Second)
		checkDuration(p, "discord.stale_after", d.StaleAfter, false, time.Second)
		if d.StaleAfter >= time.Second && d.StaleAfter < time.Minute {
			p.addf("discord.stale_after", "must be at least 1m: Discord acknowledges heartbeats only about every 41s, got %v", d.StaleAfter)
		}
	}
}
