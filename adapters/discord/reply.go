package discord

import (
	"context"
	"errors"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/bridge"
)

// ReplyCommand is the application command that sends one of the team's
// canned replies in the handoff thread it is run in.
const ReplyCommand = "reply"

// maxChoices is Discord's limit of autocomplete choices.
const maxChoices = 25

func replyCommand() *discordgo.ApplicationCommand {
	return &discordgo.ApplicationCommand{
		Name:        ReplyCommand,
		Type:        discordgo.ChatApplicationCommand,
		Description: "Send one of your team's canned replies in this handoff thread",
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "name", Description: "The canned reply",
			Required: true, Autocomplete: true,
		}},
	}
}

// cannedReplyText sends the canned reply /reply names, as the agent who
// ran it, in the thread it was run in, and says how it went.
func (a *Adapter) cannedReplyText(ctx context.Context, in *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) string {
	u, roles, name := clicker(in)
	opt := data.GetOption("name")
	if u == nil || opt == nil {
		return "Name the canned reply to send."
	}
	reply := strings.TrimSpace(opt.StringValue())
	_, err := a.handler.Handle(ctx, bridge.AgentCannedReply{
		Agent:    bridge.AgentRef{Workspace: bridge.WorkspaceDiscord, UserID: u.ID, DisplayName: name, Roles: roles},
		ThreadID: in.ChannelID, PlatformID: in.ID, Name: reply,
	})
	switch {
	case err == nil:
		return "Sent “" + neutralize(reply) + "”."
	case errors.Is(err, bridge.ErrNotHandoffThread):
		return "Run /reply in a handoff's thread."
	case bridge.IsRefusal(err):
		msg := err.Error()
		return strings.ToUpper(msg[:1]) + msg[1:] + "."
	}
	a.log.Error("discord /reply", "thread", in.ChannelID, "err", err)
	return "Could not send the reply right now; please try again."
}

// replyChoices are the canned replies of the user's teams whose name
// starts with what they typed so far.
func (a *Adapter) replyChoices(in *discordgo.Interaction) []*discordgo.ApplicationCommandOptionChoice {
	u, roles, _ := clicker(in)
	data, ok := in.Data.(discordgo.ApplicationCommandInteractionData)
	if u == nil || !ok || a.cfg.Settings == nil {
		return nil
	}
	typed := ""
	if opt := data.GetOption("name"); opt != nil {
		typed = strings.ToLower(strings.TrimSpace(opt.StringValue()))
	}
	s := a.cfg.Settings()
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, id := range agentTeams(s, u.ID, roles) {
		for _, r := range s.Team(id).CannedReplies {
			if strings.HasPrefix(strings.ToLower(r.Name), typed) && len(choices) < maxChoices {
				label := truncate(r.Name+" · "+string(id)+": "+r.Text, 100)
				choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: label, Value: r.Name})
			}
		}
	}
	return choices
}

// autocompleteResponse answers an autocomplete interaction.
func (a *Adapter) autocompleteResponse(in *discordgo.Interaction) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: a.replyChoices(in)},
	}
}
