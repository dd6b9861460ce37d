package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/config"
)

// TestCheckTelegram: `bridge check` reports a webhook that is not set,
// and with apply sets it with the configured secret token.
func TestCheckTelegram(t *testing.T) {
	f := telegramfake.New(telegramfake.Options{})
	defer f.Close()
	t.Setenv("TELEGRAM_BOT_TOKEN", f.Token())
	t.Setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret-token")
	yaml := strings.Replace(minimalConfig, `http: {`, `http: {public_url: "https://chat.example.com", `, 1) + oneTeam +
		"channels: {telegram: {enabled: true, mode: webhook, api_url: '" + f.URL() + "'}}\n"
	cfg, err := config.Load(writeConfig(t, yaml), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if problems := checkTelegram(t.Context(), cfg, false, &out); len(problems) != 1 || !strings.Contains(problems[0], "--apply") {
		t.Fatalf("problems %q, want the unset webhook", problems)
	}
	if problems := checkTelegram(t.Context(), cfg, true, &out); len(problems) != 0 {
		t.Fatalf("problems after apply: %q", problems)
	}
	if url, secret := f.Webhook(); url != "https://chat.example.com/telegram/webhook" || secret != "s3cret-token" {
		t.Errorf("webhook %q with secret %q", url, secret)
	}
	if strings.Contains(out.String(), f.Token()) || strings.Contains(out.String(), "s3cret-token") {
		t.Errorf("check printed a secret:\n%s", out.String())
	}
}
