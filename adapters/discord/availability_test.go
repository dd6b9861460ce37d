package discord_test

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/bridge"
)

func subcommand(name string) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand}
}

// /handoff available|away|offline sets the agent's status, stored; a
// member of a team's role, who is no configured agent, is told so.
func TestHandoffStatusCommand(t *testing.T) {
	e := newEnv(t)
	e.waitFake("/handoffs, /reply and /handoff registered", func() bool { return len(e.fake.Commands(e.fake.GuildID)) == 3 })
	status := func(u discordgo.User) bridge.AgentStatus {
		t.Helper()
		st, err := e.engine.AgentStatus(e.ctx, bridge.AgentRef{Workspace: bridge.WorkspaceDiscord, UserID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if got := status(e.ana); got != bridge.StatusOffline {
		t.Fatalf("status before any command = %s, want offline", got)
	}
	for _, st := range []bridge.AgentStatus{bridge.StatusAvailable, bridge.StatusAway, bridge.StatusOffline, bridge.StatusAvailable} {
		got := e.runCommand(e.ana, "handoff", subcommand(string(st)))
		if got != bridge.StatusConfirmation(st) {
			t.Errorf("/handoff %s answered %q", st, got)
		}
		if now := status(e.ana); now != st {
			t.Errorf("status after /handoff %s = %s", st, now)
		}
	}
	if got := e.runCommand(e.rita, "handoff", subcommand("away")); !strings.Contains(got, "not a configured agent") {
		t.Errorf("a role member's /handoff away answered %q", got)
	}
	if got := status(e.bob); got != bridge.StatusOffline {
		t.Errorf("Bob's status = %s, want offline (never set)", got)
	}
	if _, err := e.fake.RunCommand(e.desk, "handoff", e.ana, subcommand("asleep")); err == nil {
		t.Error("the fake accepted a subcommand that is not registered")
	}
}
