package discord

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/bridge"
)

// HandoffCommand is the agent's command: /handoff available, away or
// offline sets their status.
const HandoffCommand = "handoff"

// handoffCommand is /handoff with a subcommand per status.
func handoffCommand() *discordgo.ApplicationCommand {
	cmd := &discordgo.ApplicationCommand{
		Name: HandoffCommand, Type: discordgo.ChatApplicationCommand,
		Description: "Set your status for new handoff requests",
	}
	for _, st := range bridge.AgentStatuses {
		cmd.Options = append(cmd.Options, &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionSubCommand, Name: string(st),
			Description: "Set your status to " + string(st),
		})
	}
	return cmd
}

// handoffCommandText runs /handoff and returns the private answer.
func (a *Adapter) handoffCommandText(ctx context.Context, in *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) string {
	u, roles, name := clicker(in)
	if u == nil || len(data.Options) == 0 {
		return "Say `/handoff available`, `/handoff away` or `/handoff offline`."
	}
	st, ok := bridge.ParseAgentStatus(data.Options[0].Name)
	if !ok {
		return "Say `/handoff available`, `/handoff away` or `/handoff offline`."
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	agent := bridge.AgentRef{Workspace: bridge.WorkspaceDiscord, UserID: u.ID, DisplayName: name, Roles: roles}
	if _, err := a.handler.Handle(ctx, bridge.AgentStatusChange{Agent: agent, Status: st}); err != nil {
		if bridge.IsRefusal(err) {
			return neutralize(bridge.RefusalText(err))
		}
		a.log.Error("discord /handoff: set status", "user", u.ID, "err", err)
		return "Could not set your status right now; please try again."
	}
	return bridge.StatusConfirmation(st)
}
