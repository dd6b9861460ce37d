package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretsResolvedAndRedacted(t *testing.T) {
	const (
		botToken = "xoxb-very-secret-bot-token"
		appToken = "xapp-very-secret-app-token"
		hookKey  = "very-secret-hook-key"
		agentKey = "very-secret-agent-token"
		hash     = "$2b$12$verysecrethashverysecrethashverysecrethashvery"
	)
	c := mustLoad(t, `
teams: {support: {workspace: slack, channel: C1, notify: [crm]}}
slack: {enabled: true, bot_token_env: MY_BOT_TOKEN}
agents: [{name: ana, console_token_env: ANA_TOKEN, console_password_hash: "`+hash+`"}]
notifiers: {crm: {kind: webhook, url: "https://crm.example.com/hook", secret_env: CRM_SECRET}}
`, envOf("MY_BOT_TOKEN="+botToken, "SLACK_APP_TOKEN="+appToken, "CRM_SECRET="+hookKey, "ANA_TOKEN="+agentKey))

	if c.Slack.BotToken.Reveal() != botToken || c.Slack.AppToken.Reveal() != appToken {
		t.Errorf("slack tokens = %q %q", c.Slack.BotToken.Reveal(), c.Slack.AppToken.Reveal())
	}
	if c.Notifiers["crm"].Secret.Reveal() != hookKey || c.Agents[0].ConsoleToken.Reveal() != agentKey {
		t.Error("notifier or agent secret not resolved")
	}

	var logText, logJSON bytes.Buffer
	slog.New(slog.NewTextHandler(&logText, nil)).Info("loaded", "config", c, "token", c.Slack.BotToken)
	slog.New(slog.NewJSONHandler(&logJSON, nil)).Info("loaded", "config", c, "token", c.Slack.BotToken)
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v":        fmt.Sprintf("%v", c),
		"%+v":       fmt.Sprintf("%+v", *c),
		"%#v":       fmt.Sprintf("%#v", *c),
		"%s":        fmt.Sprintf("%s", c.Slack.BotToken),
		"slog text": logText.String(),
		"slog json": logJSON.String(),
		"json":      string(js),
	}
	for name, out := range outputs {
		for _, secret := range []string{botToken, appToken, hookKey, agentKey, hash} {
			if strings.Contains(out, secret) {
				t.Errorf("%s shows a secret: %s", name, out)
			}
		}
		if !strings.Contains(out, redacted) {
			t.Errorf("%s has no %s: %s", name, redacted, out)
		}
	}
}

func TestSecretsNotRequiredWhenDisabled(t *testing.T) {
	c := mustLoad(t, "teams: {support: {}}\nslack: {enabled: false}\nchannels: {telegram: {enabled: false}}\n", NoEnv)
	if !c.Slack.BotToken.IsZero() {
		t.Error("token resolved from nowhere")
	}
}
