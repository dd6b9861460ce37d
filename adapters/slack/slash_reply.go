package slack

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// cannedReplyCommand sends a canned reply in the handoff the agent owns:
// the one named by #id, or their only active one. Slack tells a command
// nothing of the thread it was typed in, hence the number.
func (w *Workspace) cannedReplyCommand(ctx context.Context, cmd slackgo.SlashCommand, args []string) slashResponse {
	s := w.opts.Settings()
	agent := s.AgentByIdentity(bridge.WorkspaceSlack, cmd.UserID)
	if agent == nil {
		return ephemeral("You are not a configured agent of the handoff bridge.")
	}
	if len(args) == 0 {
		return ephemeral(cannedList(s, agent.Teams))
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var id bridge.HandoffID
	if len(args) > 1 {
		n, err := strconv.ParseInt(strings.TrimPrefix(args[1], "#"), 10, 64)
		if err != nil || n <= 0 {
			return ephemeral("Give the handoff as its number, e.g. `/handoff reply " + EscapeText(args[0]) + " #12`.")
		}
		id = bridge.HandoffID(n)
	} else {
		var answer string
		if id, answer = w.onlyActiveHandoff(ctx, agent, "`/handoff reply "+EscapeText(args[0])+" %s`"); id == 0 {
			return ephemeral(answer)
		}
	}
	_, err := w.opts.Handler.Handle(ctx, bridge.AgentCannedReply{Agent: w.agentRef(ctx, cmd.UserID), Handoff: id,
		Name: args[0], PlatformID: cmd.TriggerID})
	switch {
	case err == nil:
		return ephemeral(fmt.Sprintf("Sent %q in handoff #%d.", args[0], id))
	case errors.Is(err, bridge.ErrNotHandoffThread):
		return ephemeral(fmt.Sprintf("There is no handoff #%d.", id))
	case bridge.IsRefusal(err):
		return ephemeral(EscapeText(capitalizeFirst(err.Error())) + ".")
	}
	w.log.Error("slack /handoff reply", "handoff", id, "err", err)
	return ephemeral("Could not send the reply right now; please try again.")
}

// onlyActiveHandoff is the one active handoff the agent owns, or 0 and why
// the agent must name one; example is the command with a %s where the
// handoff's number goes.
func (w *Workspace) onlyActiveHandoff(ctx context.Context, agent *bridge.Agent, example string) (bridge.HandoffID, string) {
	if w.opts.Handoffs == nil {
		return 0, "Name the handoff, e.g. " + fmt.Sprintf(example, "#12") + "."
	}
	var mine []string
	var id bridge.HandoffID
	for _, team := range agent.Teams {
		hs, err := w.opts.Handoffs.Handoffs(ctx, []bridge.State{bridge.StateActive}, team, 500)
		if err != nil {
			w.log.Error("slack /handoff: list handoffs", "err", err)
			return 0, "Could not find your handoffs right now; please try again."
		}
		for _, h := range hs {
			if h.Owner == agent.ID {
				id = h.ID
				mine = append(mine, "#"+h.ID.String())
			}
		}
	}
	switch len(mine) {
	case 0:
		return 0, "You have no active handoff: join one first."
	case 1:
		return id, ""
	}
	return 0, "You have several active handoffs (" + strings.Join(mine, ", ") + "): add the number, e.g. " + fmt.Sprintf(example, mine[0]) + "."
}

// cannedList lists the canned replies of teams.
func cannedList(s bridge.Settings, teams []bridge.TeamID) string {
	var lines []string
	for _, id := range teams {
		if t := s.Team(id); t != nil {
			for _, r := range t.CannedReplies {
				lines = append(lines, fmt.Sprintf("• `%s` (%s): %s", EscapeText(r.Name), EscapeText(string(id)), EscapeText(clip(r.Text, 80))))
			}
		}
	}
	if len(lines) == 0 {
		return "Your teams have no canned replies (teams.<team>.canned_replies in the bridge's config)."
	}
	return "*Canned replies* (`/handoff reply <name> [#handoff]`)\n" + strings.Join(lines, "\n")
}

func capitalizeFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
