package discord

import (
	"context"
	"errors"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/bridge"
)

// HandoffCommand is the agent's command: /handoff available, away or
// offline sets their status; /handoff transfer, in a handoff's thread,
// hands it to another agent or team.
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
	cmd.Options = append(cmd.Options, &discordgo.ApplicationCommandOption{
		Type: discordgo.ApplicationCommandOptionSubCommand, Name: "transfer",
		Description: "Hand the handoff of this thread to another agent or team",
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionUser, Name: "agent", Description: "The agent to hand it to"},
			{Type: discordgo.ApplicationCommandOptionString, Name: "team", Description: "The team to hand it to"},
		},
	})
	return cmd
}

const handoffUsage = "Say `/handoff available`, `/handoff away`, `/handoff offline`, or, in a handoff's thread, " +
	"`/handoff transfer agent:@person` or `/handoff transfer team:billing`."

// transferText runs /handoff transfer in a handoff's thread.
func (a *Adapter) transferText(ctx context.Context, in *discordgo.Interaction, agent bridge.AgentRef, opt *discordgo.ApplicationCommandInteractionDataOption) string {
	var to bridge.TransferTarget
	for _, o := range opt.Options {
		switch o.Name {
		case "agent":
			if id, ok := o.Value.(string); ok {
				to.UserID = id
			}
		case "team":
			if name, ok := o.Value.(string); ok {
				to.Name = name
			}
		}
	}
	if (to.UserID == "") == (to.Name == "") {
		return "Name one agent or one team: " + handoffUsage
	}
	_, err := a.handler.Handle(ctx, bridge.AgentTransfer{Agent: agent, ThreadID: in.ChannelID, To: to, EventID: "interaction:" + in.ID})
	switch {
	case err == nil:
		return "Transferred."
	case errors.Is(err, bridge.ErrNotHandoffThread):
		return "Run `/handoff transfer` in the thread of the handoff to transfer."
	case bridge.IsRefusal(err):
		return neutralize(bridge.RefusalText(err))
	}
	a.log.Error("discord /handoff transfer", "user", agent.UserID, "thread", in.ChannelID, "err", err)
	return "Could not transfer it right now; please try again."
}

// handoffCommandText runs /handoff and returns the private answer.
func (a *Adapter) handoffCommandText(ctx context.Context, in *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) string {
	u, roles, name := clicker(in)
	if u == nil || len(data.Options) == 0 {
		return handoffUsage
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	agent := bridge.AgentRef{Workspace: bridge.WorkspaceDiscord, UserID: u.ID, DisplayName: name, Roles: roles}
	if data.Options[0].Name == "transfer" {
		return a.transferText(ctx, in, agent, data.Options[0])
	}
	st, ok := bridge.ParseAgentStatus(data.Options[0].Name)
	if !ok {
		return handoffUsage
	}
	if _, err := a.handler.Handle(ctx, bridge.AgentStatusChange{Agent: agent, Status: st}); err != nil {
		if bridge.IsRefusal(err) {
			return neutralize(bridge.RefusalText(err))
		}
		a.log.Error("discord /handoff: set status", "user", u.ID, "err", err)
		return "Could not set your status right now; please try again."
	}
	return bridge.StatusConfirmation(st)
}
