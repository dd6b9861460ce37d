package discord_test

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
)

func TestAlertPingsOnlyWhoIsConfigured(t *testing.T) {
	e := newEnv(t)
	n := e.adapter.Notifier("", "<@&"+e.salesRole+"> @here", func(bridge.TeamID) string { return e.desk })
	x := bridge.Notification{ID: "n1", Event: bridge.EventRequested, Handoff: 7, Team: "sales", Priority: bridge.PriorityHigh,
		Channel: bridge.ChannelWeb, UserName: "Mallory <@" + e.bob.ID + ">", Reason: "asked @everyone"}
	for range 2 { // a retry after a lost answer posts nothing new
		if err := n.Notify(e.ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	var alerts []discordfake.Message
	for _, m := range e.fake.Messages(e.desk) {
		if strings.Contains(m.Content, "Handoff requested") {
			alerts = append(alerts, m)
		}
	}
	if len(alerts) != 1 {
		t.Fatalf("%d alerts, want 1", len(alerts))
	}
	got := strings.Join(alerts[0].Pings, ",")
	if got != "everyone,role:"+e.salesRole {
		t.Fatalf("alert pings %q, want @here and the role only (not the user named in the user's name)", got)
	}
}

func TestCheck(t *testing.T) {
	f := discordfake.New(discordfake.Options{})
	t.Cleanup(f.Close)
	desk, hidden := f.NewTextChannel("sales-desk"), f.NewTextChannel("secret")
	f.DenyAccess(hidden)
	cfg := discord.Options{Token: f.Token(), HTTPClient: f.Client()}
	tests := []struct {
		name    string
		cfg     discord.Options
		flags   int
		problem string
	}{
		{"all good", cfg, 1 << 19, ""},
		{"bad token", discord.Options{Token: "nope", HTTPClient: f.Client()}, 1 << 19, "token was refused"},
		{"content intent off", cfg, 0, "Message Content intent is off"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.SetAppFlags(tc.flags)
			r := discord.Check(t.Context(), tc.cfg, "", map[string]string{"team sales": desk})
			if tc.problem == "" {
				if len(r.Problems) > 0 || !strings.Contains(strings.Join(r.Lines, "\n"), "#sales-desk") || !strings.Contains(strings.Join(r.Lines, "\n"), "permissions=") {
					t.Fatalf("check: %+v", r)
				}
				return
			}
			if !strings.Contains(strings.Join(r.Problems, "\n"), tc.problem) {
				t.Fatalf("problems %q, want %q", r.Problems, tc.problem)
			}
		})
	}
	f.SetAppFlags(1 << 19)
	r := discord.Check(t.Context(), cfg, "", map[string]string{"support channel": hidden})
	if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "not reachable") {
		t.Fatalf("hidden channel: %+v", r.Problems)
	}
}
