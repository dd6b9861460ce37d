package main

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/teams/teamsfake"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
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

// TestWidgetUserWithTeamsAgent: the bridge as it runs, configured for
// Teams: a widget user (over the real WebSocket) asks for a human, the
// card appears in the team's Teams channel, Ana joins with its button,
// replies reach the user and the user's reach the card's reply chain,
// and Resolve closes it. An unsigned request to /teams/messages is
// refused.
func TestWidgetUserWithTeamsAgent(t *testing.T) {
	f := teamsfake.New(teamsfake.Options{})
	defer f.Close()
	channel := f.NewChannel()
	ana := f.NewUser("Ana")
	t.Setenv("TEAMS_APP_PASSWORD", f.AppPassword())
	cfg := infoConfig + teamsConfig(f, channel) + fmt.Sprintf(`agents: [{name: ana, teams: [sales], msteams: %q}]
handoff: {default_team: sales, triggers: [{name: human, kind: request, action: handoff, team: sales, phrases: [talk to a human]}]}
`, ana.AADObjectID)
	addr, _, _ := startBridge(t, writeConfig(t, cfg))
	f.SetBot("http://" + addr + "/teams/messages")
	ctx := t.Context()
	widget, err := webfake.Dial(ctx, "ws://"+addr+"/ws", webfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer widget.Close()
	if _, err := widget.Say(ctx, "talk to a human"); err != nil {
		t.Fatal(err)
	}
	waitWidget(t, widget, "the request waiting", hasQueuePlace(1))
	var root string
	if err := f.WaitFor(ctx, "the card in the channel", func() bool {
		if ts := f.Threads(channel); len(ts) == 1 {
			root = ts[0].ID
			return true
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}
	if status, err := f.Click(ctx, channel, root, ana, "Join"); err != nil || status != http.StatusOK {
		t.Fatalf("join: %d %v", status, err)
	}
	waitWidget(t, widget, "Ana joined", hasMessage("", "Ana has joined"))
	if _, status, err := f.Say(ctx, channel, root, ana, "<p>Hello from <b>Teams</b></p>"); err != nil || status != http.StatusOK {
		t.Fatalf("reply: %d %v", status, err)
	}
	waitWidget(t, widget, "Ana's reply", hasMessage("agent", "Hello from **Teams**"))
	if _, err := widget.Say(ctx, "thanks, that helps"); err != nil {
		t.Fatal(err)
	}
	if err := f.WaitFor(ctx, "the user's message in the thread", func() bool {
		for _, m := range f.Messages(channel + ";messageid=" + root) {
			if strings.Contains(m.Text, "thanks, that helps") {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}
	if status, err := f.Click(ctx, channel, root, ana, "Resolve"); err != nil || status != http.StatusOK {
		t.Fatalf("resolve: %d %v", status, err)
	}
	waitWidget(t, widget, "the resolved notice", hasMessage("", "closed this conversation"))

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
