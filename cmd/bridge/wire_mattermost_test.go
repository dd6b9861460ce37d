package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
	"github.com/handoffbridge/handoff/config"
)

// `bridge check` with Mattermost: the token and the team's channel are
// tested against the server; a channel the bot is not in, and a refused
// token, are problems that say what to do, and the token is never printed.
func TestCheckMattermost(t *testing.T) {
	f := mattermostfake.New(mattermostfake.Options{})
	defer f.Close()
	f.AddChannel("inchannel00000000000000000", "support-live", f.BotUserID())
	f.AddChannel("outchannel0000000000000000", "sales-live")
	t.Setenv("MATTERMOST_TOKEN", f.Token())
	load := func(channel string) *config.Config {
		conf := strings.Replace(minimalConfig, `http: {`, `http: {public_url: "https://bridge.example", `, 1)
		cfg, err := config.Load(writeConfig(t, conf+
			"mattermost: {enabled: true, url: '"+f.URL()+"'}\n"+
			"teams: {support: {workspace: mattermost, channel: "+channel+"}}\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	var out bytes.Buffer
	cfg := load("inchannel00000000000000000")
	s, _ := cfg.Settings()
	if problems := checkMattermost(t.Context(), cfg, s, &out); len(problems) != 0 {
		t.Fatalf("problems %q\n%s", problems, out.String())
	}
	if !strings.Contains(out.String(), "~support-live, the bot is a member") {
		t.Errorf("check said:\n%s", out.String())
	}
	cfg = load("outchannel0000000000000000")
	s, _ = cfg.Settings()
	if problems := checkMattermost(t.Context(), cfg, s, &out); len(problems) != 1 || !strings.Contains(problems[0], "/invite @handoff-bridge") {
		t.Errorf("problems %q, want the bot to be invited", problems)
	}
	t.Setenv("MATTERMOST_TOKEN", "stolen")
	cfg = load("inchannel00000000000000000")
	if problems := checkMattermost(t.Context(), cfg, s, &out); len(problems) != 1 || !strings.Contains(problems[0], "refused") {
		t.Errorf("problems %q, want the token refused", problems)
	}
	if strings.Contains(out.String(), f.Token()) {
		t.Errorf("check printed the token:\n%s", out.String())
	}
}
