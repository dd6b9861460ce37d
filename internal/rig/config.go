package rig

import (
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is what the bridge under test is wired to. Zero values leave a
// platform off.
type Config struct {
	// Listen is the bridge's host:port; empty picks a free loopback port
	// (kept across restarts so that clients reconnect to the same place).
	Listen string
	// SlackAPIURL is the Slack fake's Web API base; empty leaves Slack off.
	SlackAPIURL string
	// SlackMode is socket (default) or http.
	SlackMode string
	// SlackPostsPerSecond and SlackPostBurst are the bridge's own pacing
	// per channel (0: the bridge's default, Slack's 1 per second).
	SlackPostsPerSecond float64
	SlackPostBurst      int
	// SlackBotToken, SlackAppToken and SlackSigningSecret are the fake's
	// credentials, passed to the bridge through the environment.
	SlackBotToken, SlackAppToken, SlackSigningSecret string
	// TelegramAPIURL and TelegramToken point the Telegram channel at its fake.
	TelegramAPIURL, TelegramToken string
	// WhatsApp* point the WhatsApp channel at its fake.
	WhatsAppAPIURL, WhatsAppPhoneID, WhatsAppToken, WhatsAppAppSecret, WhatsAppVerifyToken string
	// DiscordAPIURL is the Discord fake's base URL (its REST routes and,
	// through its /gateway answer, its gateway); empty leaves Discord off.
	// DiscordToken is the fake's bot token.
	DiscordAPIURL, DiscordToken string
	// DiscordUsers turns on the Discord user channel: direct messages to
	// the bot, and messages in DiscordSupportChannels.
	DiscordUsers           bool
	DiscordSupportChannels []string
	// Teams by name. The first phrase of each team's trigger hands off to it.
	Teams map[string]Team
	// Agents of the teams.
	Agents []AgentConfig
	// APICallbackURL turns on the handoff API with one integration,
	// "bench" (key APIKey, triggers on, no rate limit to speak of), whose
	// callbacks go to this URL.
	APICallbackURL string
	// Console enables the web agent console.
	Console bool
	// PostgresDSN, when set, puts the store on PostgreSQL (driver
	// postgres, the DSN passed in DATABASE_URL) instead of SQLite in the
	// data directory: replicas given the same DSN share one store.
	PostgresDSN string
	// LogLevel of the bridge (default warn: a load run must not measure its
	// logging).
	LogLevel string
	// PProf mounts /debug/pprof.
	PProf bool
}

// Team is one team of the config, with the phrase that hands off to it.
type Team struct {
	Workspace string // slack (default), discord or console
	Channel   string
	SLA       time.Duration
	Fallback  string // none (default) or lead_form
	Phrase    string // a user message containing it hands off to the team at once
}

// AgentConfig is one agent of the config.
type AgentConfig struct {
	Name      string
	SlackID   string
	DiscordID string
	Teams     []string
}

// FreeAddr returns a loopback host:port nobody listens on right now.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// yamlDoc renders c as the bridge's YAML config with its store under dataDir.
func (c Config) yamlDoc(dataDir string) map[string]any {
	level := c.LogLevel
	if level == "" {
		level = os.Getenv("RIG_LOG_LEVEL") // to read a run's whole story, with RIG_LOG_DIR
	}
	if level == "" {
		level = "warn"
	}
	doc := map[string]any{
		"http":    map[string]any{"listen": c.Listen, "trusted_proxies": []string{"127.0.0.1"}},
		"log":     map[string]any{"level": level},
		"store":   map[string]any{"dsn": filepath.Join(dataDir, "bridge.db")},
		"pprof":   c.PProf,
		"console": map[string]any{"enabled": c.Console},
		"channels": map[string]any{
			"web": map[string]any{"enabled": true, "allowed_origins": []string{"*"}},
		},
	}
	var triggers []map[string]any
	teams := map[string]any{}
	defaultTeam := ""
	for _, name := range slices.Sorted(maps.Keys(c.Teams)) {
		t := c.Teams[name]
		ws, fb := t.Workspace, t.Fallback
		if ws == "" {
			ws = "slack"
		}
		if fb == "" {
			fb = "none"
		}
		teams[name] = map[string]any{"workspace": ws, "channel": t.Channel, "sla": t.SLA.String(), "fallback": fb}
		if t.Phrase != "" {
			triggers = append(triggers, map[string]any{"name": "to-" + name, "kind": "request", "phrases": []string{t.Phrase},
				"action": "handoff", "team": name})
		}
		if defaultTeam == "" {
			defaultTeam = name
		}
	}
	doc["teams"] = teams
	doc["handoff"] = map[string]any{"enabled": true, "default_team": defaultTeam, "triggers": triggers,
		"ai": map[string]any{"misses_before_offer": 0}}
	var agents []map[string]any
	for _, a := range c.Agents {
		m := map[string]any{"name": a.Name, "teams": a.Teams}
		if a.SlackID != "" {
			m["slack"] = a.SlackID
		}
		if a.DiscordID != "" {
			m["discord"] = a.DiscordID
		}
		agents = append(agents, m)
	}
	doc["agents"] = agents
	if c.PostgresDSN != "" {
		doc["store"] = map[string]any{"driver": "postgres", "dsn_env": "DATABASE_URL"}
		// Replicas share the console admin's token: a cluster refuses to
		// start without one from the environment.
		doc["console"] = map[string]any{"enabled": c.Console, "admin_token_env": "RIG_CONSOLE_ADMIN_TOKEN"}
	}
	if c.SlackAPIURL != "" {
		mode := c.SlackMode
		if mode == "" {
			mode = "socket"
		}
		slack := map[string]any{"enabled": true, "mode": mode, "api_url": c.SlackAPIURL}
		if c.SlackPostsPerSecond > 0 {
			slack["posts_per_second"] = c.SlackPostsPerSecond
		}
		if c.SlackPostBurst > 0 {
			slack["post_burst"] = c.SlackPostBurst
		}
		doc["slack"] = slack
	}
	ch := doc["channels"].(map[string]any)
	if c.TelegramAPIURL != "" {
		ch["telegram"] = map[string]any{"enabled": true, "mode": "polling", "api_url": c.TelegramAPIURL}
	}
	if c.WhatsAppAPIURL != "" {
		ch["whatsapp"] = map[string]any{"enabled": true, "api_url": c.WhatsAppAPIURL, "phone_number_id": c.WhatsAppPhoneID}
	}
	if c.DiscordAPIURL != "" {
		doc["discord"] = map[string]any{"enabled": true, "api_url": c.DiscordAPIURL}
		if c.DiscordUsers {
			ch["discord"] = map[string]any{"enabled": true, "support_channels": c.DiscordSupportChannels}
		}
	}
	if c.APICallbackURL != "" {
		doc["integrations"] = map[string]any{"bench": map[string]any{
			"api_keys_env": []string{"BENCH_API_KEY"}, "callback_url": c.APICallbackURL,
			"callback_secret_env": "BENCH_API_CALLBACK_SECRET", "triggers": true,
			"rate_limit": 1e6, "burst": 1000000, "max_message_bytes": 8000}}
	}
	return doc
}

// consoleAdminToken is the console admin's token the replicas of a rig on
// PostgreSQL share.
const consoleAdminToken = "rig-replicas-share-this-admin-token"

// env is the secrets the config names, as the bridge reads them.
func (c Config) env() []string {
	var env []string
	add := func(k, v string) {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	add("SLACK_BOT_TOKEN", c.SlackBotToken)
	add("SLACK_APP_TOKEN", c.SlackAppToken)
	add("SLACK_SIGNING_SECRET", c.SlackSigningSecret)
	add("TELEGRAM_BOT_TOKEN", c.TelegramToken)
	add("WHATSAPP_TOKEN", c.WhatsAppToken)
	add("WHATSAPP_APP_SECRET", c.WhatsAppAppSecret)
	add("WHATSAPP_VERIFY_TOKEN", c.WhatsAppVerifyToken)
	add("DISCORD_BOT_TOKEN", c.DiscordToken)
	add("DATABASE_URL", c.PostgresDSN)
	if c.PostgresDSN != "" {
		add("RIG_CONSOLE_ADMIN_TOKEN", consoleAdminToken)
	}
	if c.APICallbackURL != "" {
		add("BENCH_API_KEY", APIKey)
		add("BENCH_API_CALLBACK_SECRET", APICallbackSecret)
	}
	return env
}

// WriteConfig writes the bridge's config file as <dir>/etc/bridge.yaml,
// with the store in <dir>/data, and returns its path. The two live apart
// because the bridge watches the config's folder for changes: next to the
// database it would wake on every write of SQLite and its WAL.
func (c Config) WriteConfig(dir string) (string, error) {
	data, err := yaml.Marshal(c.yamlDoc(filepath.Join(dir, "data")))
	if err != nil {
		return "", fmt.Errorf("render bridge config: %w", err)
	}
	etc := filepath.Join(dir, "etc")
	if err := os.MkdirAll(etc, 0o750); err != nil {
		return "", fmt.Errorf("write bridge config: %w", err)
	}
	path := filepath.Join(etc, "bridge.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write bridge config: %w", err)
	}
	return path, nil
}
