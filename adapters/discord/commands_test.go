package discord_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
)

// command runs /handoffs over the gateway as u and returns the private
// answer, once the deferred answer has been filled in.
func (e *env) command(u discordgo.User) string {
	e.t.Helper()
	return e.runCommand(u, "handoffs")
}

// runCommand runs a command with options over the gateway as u and returns
// the private answer, once the deferred answer has been filled in.
func (e *env) runCommand(u discordgo.User, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) string {
	e.t.Helper()
	return e.runCommandIn(e.desk, u, name, opts...)
}

// runCommandIn is runCommand in a channel (or thread).
func (e *env) runCommandIn(channel string, u discordgo.User, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) string {
	e.t.Helper()
	in, err := e.fake.RunCommand(channel, name, u, opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	var got discordfake.Interaction
	e.waitFake("/"+name+" answered for "+u.Username, func() bool {
		got = e.fake.InteractionOf(in.Token)
		if len(got.Followups) == 0 {
			return false
		}
		m, _ := e.fake.MessageByID(got.Followups[0].ID)
		got.Followups[0] = &m
		return !m.Loading
	})
	if cb := got.Callbacks[0]; cb.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || !cb.Ephemeral || cb.After > 3*time.Second {
		e.t.Errorf("first answer to /%s: %+v, want a deferred private message within 3s", name, cb)
	}
	if !got.Followups[0].Ephemeral || len(got.Followups[0].Pings) > 0 {
		e.t.Errorf("the /%s answer is public or pings: %+v", name, got.Followups[0])
	}
	return got.Followups[0].Content
}

func TestHandoffsCommandListsTheAgentsTeams(t *testing.T) {
	e := newEnv(t)
	e.waitFake("/handoffs, /reply and /handoff registered", func() bool { return len(e.fake.Commands(e.fake.GuildID)) == 3 })
	if c := e.fake.Commands(e.fake.GuildID)[0]; c.Name != "handoffs" || c.Description == "" {
		t.Fatalf("registered command %+v", c)
	}
	if g := e.fake.Commands(""); len(g) != 0 {
		t.Fatalf("global commands %+v, want the guild's only", g)
	}

	// A second team, an admin, and a trigger for the second team, applied
	// as a config reload: the command follows it.
	support := e.fake.NewTextChannel("support-desk")
	ada := e.fake.NewUser("Ada")
	stranger := e.fake.NewUser("Sam")
	s := e.settings()
	s.Teams["support"] = &bridge.Team{ID: "support", Workspace: bridge.WorkspaceDiscord, Channel: support}
	s.Triggers = append(s.Triggers, bridge.Trigger{Name: "billing", Kind: bridge.TriggerTopic, Phrases: []string{"invoice"}, Action: bridge.ActionHandoff, Team: "support"})
	s.Agents = append(s.Agents, &bridge.Agent{ID: "ada", Name: "Ada", Admin: true, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceDiscord: ada.ID}})
	e.engine.Apply(s)

	pending := e.webSays("w1", "m1", "talk to a human").Handoff
	active := e.webSays("w2", "m1", "talk to a human").Handoff
	billing := e.webSays("w3", "m1", "my invoice is wrong").Handoff
	resolved := e.webSays("w4", "m1", "talk to a human").Handoff
	activeCard, resolvedCard := e.card(active), e.card(resolved)
	pendingCard := e.card(pending)
	e.click(e.desk, activeCard, fmt.Sprintf("hb:join:%d", active), e.ana)
	e.click(e.desk, resolvedCard, fmt.Sprintf("hb:join:%d", resolved), e.bob)
	e.waitButtons(resolvedCard, fmt.Sprintf("hb:resolve:%d", resolved), fmt.Sprintf("hb:reject:%d", resolved))
	e.click(e.desk, resolvedCard, fmt.Sprintf("hb:resolve:%d", resolved), e.bob)
	e.waitButtons(resolvedCard)
	e.waitButtons(activeCard, fmt.Sprintf("hb:resolve:%d", active), fmt.Sprintf("hb:reject:%d", active))
	billingCard := ""
	e.waitFake("the billing card", func() bool {
		for _, m := range e.fake.Messages(support) {
			if _, ok := e.fake.Channel(m.ID); ok {
				billingCard = m.ID
				return true
			}
		}
		return false
	})

	link := func(thread string) string {
		return "(https://discord.com/channels/" + e.fake.GuildID + "/" + thread + ")"
	}
	listed := func(h bridge.HandoffID) string { return fmt.Sprintf("#%d ", h) }
	for _, tc := range []struct {
		name      string
		who       discordgo.User
		want, not []string
	}{
		{"agent of the team", e.ana, []string{listed(pending), listed(active), "**active**", "with Ana", link(pendingCard), link(activeCard)}, []string{listed(billing), listed(resolved)}},
		{"member of the team's role", e.rita, []string{listed(pending), listed(active)}, []string{listed(billing), listed(resolved)}},
		{"agent of the other team", e.dave, []string{listed(billing), "**pending**", link(billingCard)}, []string{listed(pending), listed(active)}},
		{"admin", ada, []string{listed(pending), listed(active), listed(billing)}, []string{listed(resolved)}},
		{"not an agent", stranger, []string{"not an agent"}, []string{listed(pending)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := e.command(tc.who)
			t.Logf("/handoffs answers:\n%s", got)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("answer lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("answer has %q:\n%s", n, got)
				}
			}
		})
	}

	// Over the signed HTTP endpoint the list is the answer itself.
	mux := http.NewServeMux()
	e.adapter.Mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	in, status, err := e.fake.RunCommandOverHTTP(e.ctx, srv.URL+"/discord/interactions", e.desk, "handoffs", e.ana, false)
	if err != nil || status != http.StatusOK {
		t.Fatalf("command over HTTP: %d %v", status, err)
	}
	cb := e.fake.InteractionOf(in.Token).Callbacks
	if len(cb) != 1 || cb[0].Type != discordgo.InteractionResponseChannelMessageWithSource || !cb[0].Ephemeral ||
		!strings.Contains(cb[0].Content, link(activeCard)) || strings.Contains(cb[0].Content, listed(billing)) {
		t.Fatalf("answer over HTTP: %+v", cb)
	}
	if _, status, _ := e.fake.RunCommandOverHTTP(e.ctx, srv.URL+"/discord/interactions", e.desk, "handoffs", e.ana, true); status != http.StatusUnauthorized {
		t.Fatalf("forged command: status %d", status)
	}
}
