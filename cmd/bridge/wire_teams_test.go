package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/teams/teamsfake"
	"github.com/handoffbridge/handoff/config"
)

// teamsConfig points msteams at a fake, with one team answering in its
// channel.
func teamsConfig(f *teamsfake.Server, channel string) string {
	return fmt.Sprintf(`teams: {sales: {workspace: msteams, channel: %q}}
msteams:
  enabled: true
  app_id: %q
  tenant_id: %q
  service_url: %q
  token_url: %q
  openid_url: %q
`, channel, f.AppID(), f.TenantID(), f.ServiceURL(), f.TokenURL(), f.OpenIDURL())
}

// TestCheckTeams: `bridge check` gets a token from the configured
// endpoint, reads the signing keys and reaches the team's channel; a wrong
// password and an unknown channel are problems naming their keys, and the
// password is never printed.
func TestCheckTeams(t *testing.T) {
	f := teamsfake.New(teamsfake.Options{})
	defer f.Close()
	channel := f.NewChannel()
	for _, tc := range []struct {
		name, password, channel, want string
	}{
		{"all good", f.AppPassword(), channel, ""},
		{"wrong password", "not-the-secret", channel, "msteams.app_password_env"},
		{"unknown channel", f.AppPassword(), "19:nowhere@thread.tacv2", "teams.sales.channel"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TEAMS_APP_PASSWORD", tc.password)
			cfg, err := config.Load(writeConfig(t, minimalConfig+teamsConfig(f, tc.channel)), nil)
			if err != nil {
				t.Fatal(err)
			}
			s, err := cfg.Settings()
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			problems := checkTeams(t.Context(), cfg, s, &out)
			switch {
			case tc.want == "" && len(problems) != 0:
				t.Fatalf("problems %q\n%s", problems, out.String())
			case tc.want != "" && (len(problems) != 1 || !strings.HasPrefix(problems[0], tc.want)):
				t.Fatalf("problems %q, want one about %s", problems, tc.want)
			}
			if strings.Contains(out.String()+strings.Join(problems, ""), tc.password) {
				t.Errorf("check printed the password")
			}
		})
	}
}

// TestTeamsMessagingEndpointServed: the running bridge serves
// /teams/messages, taking activities signed by the configured Bot
// Framework and refusing others.
func TestTeamsMessagingEndpointServed(t *testing.T) {
	f := teamsfake.New(teamsfake.Options{})
	defer f.Close()
	channel := f.NewChannel()
	t.Setenv("TEAMS_APP_PASSWORD", f.AppPassword())
	addr, logs, _ := startBridge(t, writeConfig(t, infoConfig+teamsConfig(f, channel)))
	f.SetBot("http://" + addr + "/teams/messages")
	ana := f.NewUser("Ana")
	if status, err := f.Typing(t.Context(), channel, "1700000000000", ana); err != nil || status != http.StatusOK {
		t.Fatalf("signed activity: %d %v\n%s", status, err, logs.String())
	}
	res, err := http.Post("http://"+addr+"/teams/messages", "application/json", strings.NewReader(`{"type":"message"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned activity: %d, want 401", res.StatusCode)
	}
}

// TestTeamsNotifierConfig: a notifier of kind msteams is accepted with a
// channel, refused with a mention (Teams mentions need user ids).
func TestTeamsNotifierConfig(t *testing.T) {
	f := teamsfake.New(teamsfake.Options{})
	defer f.Close()
	t.Setenv("TEAMS_APP_PASSWORD", f.AppPassword())
	base := minimalConfig + teamsConfig(f, f.NewChannel())
	for _, tc := range []struct{ name, notifier, want string }{
		{"channel", "{kind: msteams, channel: '19:x@thread.tacv2'}", ""},
		{"mention", "{kind: msteams, mention: '@here'}", "notifiers.n.mention"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Load(writeConfig(t, base+"notifiers: {n: "+tc.notifier+"}\n"), nil)
			if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("config error %v, want %q", err, tc.want)
			}
		})
	}
}
