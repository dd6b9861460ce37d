package discord

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

// HandoffsCommand is the application command that lists open handoffs.
const HandoffsCommand = "handoffs"

// commands are the application commands the bridge registers.
func commands() []*discordgo.ApplicationCommand {
	return []*discordgo.ApplicationCommand{{
		Name:        HandoffsCommand,
		Type:        discordgo.ChatApplicationCommand,
		Description: "List the pending and active handoffs of your teams",
	}, replyCommand(), handoffCommand()}
}

// registerCommands installs /handoffs by bulk overwrite: in each guild
// that holds a Discord team's channel (guild commands show at once), or
// globally when no team channel is known. An overwrite is idempotent, so
// it runs on every start.
func (a *Adapter) registerCommands(ctx context.Context) error {
	if a.cfg.Settings == nil {
		return nil
	}
	app := a.appID()
	if app == "" {
		return errors.New("register commands: the application id is not known")
	}
	s := a.cfg.Settings()
	var guilds []string
	for _, t := range s.Teams {
		if t.Workspace != bridge.WorkspaceDiscord || t.Channel == "" {
			continue
		}
		g, err := a.guildOf(ctx, t.Channel)
		if err != nil {
			return fmt.Errorf("register commands: find the guild of team %s: %w", t.ID, err)
		}
		if g != "" && !slices.Contains(guilds, g) {
			guilds = append(guilds, g)
		}
	}
	if len(guilds) == 0 {
		guilds = []string{""} // global
	}
	for _, g := range guilds {
		if _, err := a.s.ApplicationCommandBulkOverwrite(app, g, commands(), discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("register commands in guild %q: %w", g, classify("bulk overwrite commands", err))
		}
		a.log.Info("registered application commands", "guild", g, "commands", "/"+HandoffsCommand+", /"+ReplyCommand+", /"+HandoffCommand)
	}
	return nil
}

// registerCommandsRetrying registers the commands, trying again a few
// times on failure (a 429 or a network error at start).
func (a *Adapter) registerCommandsRetrying(ctx context.Context) {
	wait := time.Second
	for attempt := 1; ; attempt++ {
		err := a.registerCommands(ctx)
		if err == nil {
			return
		}
		var perm *bridge.PermanentError
		if attempt == 5 || errors.As(err, &perm) {
			a.log.Error("the /handoffs command could not be registered", "err", err)
			return
		}
		var ra *bridge.RetryAfterError
		if errors.As(err, &ra) && ra.After > wait {
			wait = ra.After
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// guildOf finds the guild a channel belongs to, remembering it.
func (a *Adapter) guildOf(ctx context.Context, channelID string) (string, error) {
	if g, ok := a.guilds.Load(channelID); ok {
		return g.(string), nil
	}
	ch, err := a.s.Channel(channelID, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify("read channel", err)
	}
	a.guilds.Store(channelID, ch.GuildID)
	return ch.GuildID, nil
}

// onCommand answers an application command run over the gateway: a
// deferred ephemeral answer at once (Discord gives 3 seconds), the list
// after.
func (a *Adapter) onCommand(in *discordgo.Interaction) {
	go func() {
		ctx, cancel := context.WithTimeout(a.run.ctx(), 30*time.Second)
		defer cancel()
		err := a.s.InteractionRespond(in, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		}, discordgo.WithContext(ctx))
		if err != nil {
			a.log.Warn("acknowledge command", "interaction", in.ID, "err", err)
			return
		}
		a.answerCommand(ctx, in)
	}()
}

// answerCommand fills in the deferred answer to a command.
func (a *Adapter) answerCommand(ctx context.Context, in *discordgo.Interaction) {
	text := a.commandText(ctx, in)
	_, err := a.s.InteractionResponseEdit(in, &discordgo.WebhookEdit{Content: &text, AllowedMentions: noMentions()}, discordgo.WithContext(ctx))
	if err != nil {
		a.log.Warn("answer command", "interaction", in.ID, "err", err)
	}
}

// commandText is the answer to a command.
func (a *Adapter) commandText(ctx context.Context, in *discordgo.Interaction) string {
	data, ok := in.Data.(discordgo.ApplicationCommandInteractionData)
	if ok && data.Name == ReplyCommand {
		return a.cannedReplyText(ctx, in, data)
	}
	if ok && data.Name == HandoffCommand {
		return a.handoffCommandText(ctx, in, data)
	}
	if !ok || data.Name != HandoffsCommand {
		return "This command is not handled by the bridge."
	}
	u, roles, _ := clicker(in)
	if u == nil || a.cfg.Settings == nil {
		return "The handoff list is not available."
	}
	return a.handoffList(ctx, a.cfg.Settings(), u.ID, roles, in.GuildID)
}

// agentTeams are the teams whose handoffs a Discord user may see: the
// teams of the agent they are, and those whose roles they hold; every
// team for an admin.
func agentTeams(s bridge.Settings, userID string, roles []string) []bridge.TeamID {
	agent := s.AgentByIdentity(bridge.WorkspaceDiscord, userID)
	var teams []bridge.TeamID
	for id, t := range s.Teams {
		switch {
		case agent != nil && (agent.Admin || agent.InTeam(id)):
		case slices.ContainsFunc(t.Roles, func(r string) bool { return slices.Contains(roles, r) }):
		default:
			continue
		}
		teams = append(teams, id)
	}
	slices.Sort(teams)
	return teams
}

// maxListed bounds the handoffs listed per team.
const maxListed = 25

// handoffList lists the pending, fallback and active handoffs of the
// user's teams, highest priority and oldest first per team, each with a
// link to its thread.
func (a *Adapter) handoffList(ctx context.Context, s bridge.Settings, userID string, roles []string, guildID string) string {
	teams := agentTeams(s, userID, roles)
	if len(teams) == 0 {
		return "You are not an agent of any team of the handoff bridge, so there is nothing to list."
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	open, err := a.openHandoffs(ctx, teams)
	names := make([]string, len(teams))
	for i, t := range teams {
		names[i] = string(t)
	}
	teamList := neutralize(strings.Join(names, ", "))
	if err != nil {
		a.log.Error("discord /handoffs: list handoffs", "err", err)
		return "Could not list handoffs right now; please try again."
	}
	if len(open) == 0 {
		return "No pending or active handoffs for " + teamList + "."
	}
	head := fmt.Sprintf("**Open handoffs for %s** (%d)", teamList, len(open))
	lines := make([]string, 0, len(open))
	for _, h := range open {
		lines = append(lines, a.handoffLine(ctx, h, guildID))
	}
	return fitLines(head, lines, maxContent)
}

// openHandoffs lists the pending, fallback and active handoffs of teams,
// at most maxListed of each.
func (a *Adapter) openHandoffs(ctx context.Context, teams []bridge.TeamID) ([]bridge.Handoff, error) {
	var open []bridge.Handoff
	for _, team := range teams {
		hs, err := a.core.Handoffs(ctx, []bridge.State{bridge.StatePending, bridge.StateFallback, bridge.StateActive}, team, maxListed)
		if err != nil {
			return nil, err
		}
		open = append(open, hs...)
	}
	return open, nil
}

// handoffLine is one handoff in the list.
func (a *Adapter) handoffLine(ctx context.Context, h bridge.Handoff, guildID string) string {
	line := fmt.Sprintf("• #%d **%s** · %s · %s", h.ID, h.State, neutralize(string(h.Team)), h.Priority)
	if h.State == bridge.StateActive && h.OwnerName != "" {
		line += " · with " + neutralize(h.OwnerName)
	}
	if !h.CreatedAt.IsZero() {
		line += fmt.Sprintf(" · since <t:%d:R>", h.CreatedAt.Unix())
	}
	if h.Reason != "" {
		line += " · " + neutralize(truncate(strings.Join(strings.Fields(h.Reason), " "), 80))
	}
	switch {
	case h.Thread.IsZero():
		line += " · thread not opened yet"
	case h.Thread.Workspace != bridge.WorkspaceDiscord:
		line += " · in " + string(h.Thread.Workspace)
	default:
		g := guildID
		if found, err := a.guildOf(ctx, h.Thread.Channel); err == nil && found != "" {
			g = found
		}
		line += fmt.Sprintf(" · [open thread](https://discord.com/channels/%s/%s)", g, h.Thread.ThreadID)
	}
	return line
}

// fitLines joins a heading and lines within limit characters; the lines
// that do not fit are counted at the end instead.
func fitLines(head string, lines []string, limit int) string {
	out, n := head, utf8.RuneCountInString(head)
	for i, l := range lines {
		size := 1 + utf8.RuneCountInString(l)
		more := fmt.Sprintf("\n… and %d more", len(lines)-i)
		last := i == len(lines)-1
		if n+size > limit || !last && n+size+utf8.RuneCountInString(more) > limit {
			return out + more
		}
		out, n = out+"\n"+l, n+size
	}
	return out
}
