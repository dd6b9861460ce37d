package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// TestCheckDiscordAtAPIURL: with discord.api_url pointing at a fake,
// `bridge check` talks to the fake (and reports what the fake's
// application says), not to discord.com.
func TestCheckDiscordAtAPIURL(t *testing.T) {
	f := discordfake.New(discordfake.Options{})
	defer f.Close()
	t.Setenv("DISCORD_BOT_TOKEN", f.Token())
	cfg, err := config.Load(writeConfig(t, minimalConfig+oneTeam+"discord: {enabled: true, api_url: '"+f.URL()+"'}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if problems := checkDiscord(t.Context(), cfg, bridge.Settings{}, &out); len(problems) != 0 {
		t.Fatalf("problems %q\n%s", problems, out.String())
	}
	f.SetAppFlags(0) // the message content intent switched off
	if problems := checkDiscord(t.Context(), cfg, bridge.Settings{}, &out); len(problems) != 1 || !strings.Contains(problems[0], "Message Content") {
		t.Fatalf("problems %q, want the intent that is off", problems)
	}
	if strings.Contains(out.String(), f.Token()) {
		t.Errorf("check printed the token:\n%s", out.String())
	}
}
