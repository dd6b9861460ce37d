package config

import (
	"os"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the loader: it must never panic, and
// either fail or return a configuration that validates and builds settings.
// Seeds: testdata/fuzz/FuzzLoad (including the default and example files).
func FuzzLoad(f *testing.F) {
	f.Add(defaultYAML)
	if data, err := os.ReadFile("../config.example.yaml"); err == nil {
		f.Add(data)
	}
	env := envOf("SLACK_BOT_TOKEN=b", "SLACK_APP_TOKEN=a", "DISCORD_BOT_TOKEN=d", "AGENT_ANA_TOKEN=t",
		"OPENAI_API_KEY=o", "BOT_WEBHOOK_SECRET=w", "BRIDGE_SESSION_SECRET=s", "SMTP_PASSWORD=p",
		"CRM_HOOK_SECRET=c", "BRIDGE_TEAMS_SUPPORT_SLA=5m", "BRIDGE_HTTP_LISTEN=:9000")
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, env)
		if err != nil {
			if c != nil {
				t.Fatal("config returned with an error")
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("loaded config fails Validate: %v", err)
		}
		if _, err := c.Settings(); err != nil {
			t.Fatalf("loaded config fails Settings: %v", err)
		}
	})
}
