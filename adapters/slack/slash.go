package slack

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// HandoffsCommand is the slash command that lists open handoffs.
const HandoffsCommand = "/handoffs"

// slashResponse is the ephemeral answer to a slash command.
type slashResponse struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

func ephemeral(text string) slashResponse {
	return slashResponse{ResponseType: "ephemeral", Text: text}
}

// slashCommand answers /handoffs: the pending and active handoffs of the
// teams of the agent who asks, oldest first by priority, with links.
func (w *Workspace) slashCommand(ctx context.Context, cmd slackgo.SlashCommand) slashResponse {
	if cmd.Command == HandoffCommand {
		return w.handoffCommand(ctx, cmd)
	}
	if cmd.Command != HandoffsCommand {
		return ephemeral("Unknown command " + EscapeText(cmd.Command) + ".")
	}
	s := w.opts.Settings()
	agent := s.AgentByIdentity(bridge.WorkspaceSlack, cmd.UserID)
	if agent == nil {
		return ephemeral("You are not a configured agent of the handoff bridge, so there is nothing to list.")
	}
	if w.opts.Handoffs == nil {
		return ephemeral("The handoff list is not available.")
	}
	teams := agent.Teams
	if agent.Admin {
		teams = teams[:0:0]
		for id := range s.Teams {
			teams = append(teams, id)
		}
		slices.Sort(teams)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	lines, err := w.openHandoffLines(ctx, teams)
	if err != nil {
		w.log.Error("slack /handoffs: list handoffs", "err", err)
		return ephemeral("Could not list handoffs right now; please try again.")
	}
	if len(lines) == 0 {
		return ephemeral("No pending or active handoffs for your teams (" + EscapeText(joinTeams(teams)) + ").")
	}
	return ephemeral(fmt.Sprintf("*Open handoffs for %s*\n%s", EscapeText(joinTeams(teams)), strings.Join(lines, "\n")))
}

// openHandoffLines lists the open handoffs of teams, a line each.
func (w *Workspace) openHandoffLines(ctx context.Context, teams []bridge.TeamID) ([]string, error) {
	var lines []string
	for _, team := range teams {
		hs, err := w.opts.Handoffs.Handoffs(ctx, []bridge.State{bridge.StatePending, bridge.StateActive, bridge.StateFallback}, team, 25)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			lines = append(lines, w.handoffLine(h))
		}
	}
	return lines, nil
}

func joinTeams(ts []bridge.TeamID) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func (w *Workspace) handoffLine(h bridge.Handoff) string {
	line := fmt.Sprintf("• #%d *%s* · %s · %s", h.ID, h.State, EscapeText(string(h.Team)), h.Priority)
	if h.State == bridge.StateActive && h.OwnerName != "" {
		line += " · with " + EscapeText(h.OwnerName)
	}
	if h.Reason != "" {
		line += " · " + EscapeText(clip(h.Reason, 80))
	}
	switch {
	case h.Thread.Workspace == bridge.WorkspaceSlack && h.Thread.ThreadID != "":
		line += " · " + w.threadLink(h.Thread)
	case h.Thread.ThreadID == "":
		line += " · thread not opened yet"
	default:
		line += " · in " + string(h.Thread.Workspace)
	}
	return line
}

// threadLink links to a thread: its permalink on the workspace's domain
// (from auth.test), else a channel-and-time reference.
func (w *Workspace) threadLink(t bridge.ThreadRef) string {
	base, _ := w.teamURL.Load().(string)
	if base == "" {
		return fmt.Sprintf("<#%s> at %s", t.Channel, t.ThreadID)
	}
	return fmt.Sprintf("<%sarchives/%s/p%s|open thread>", base, t.Channel, strings.ReplaceAll(t.ThreadID, ".", ""))
}
