package teams

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/handoffbridge/handoff/bridge"
)

// HandoffLister lists handoffs for the handoffs command; *bridge.Engine
// implements it.
type HandoffLister interface {
	Handoffs(ctx context.Context, states []bridge.State, team bridge.TeamID, limit int) ([]bridge.Handoff, error)
}

// commandWords are what an agent writes to the bot in their personal chat
// to list the open handoffs of their teams (the manifest's command list
// offers the first).
var commandWords = []string{"handoffs", "/handoffs", "list"}

// maxListed bounds the handoffs listed per team.
const maxListed = 20

// isCommand reports a handoffs command in a personal chat with the bot.
func (w *Workspace) isCommand(a Activity) bool {
	return a.Type == typeMessage && a.Conversation.ConversationType == "personal" && len(a.Value) == 0 &&
		slices.Contains(commandWords, strings.ToLower(messageText(a, w.botName(a))))
}

// answerCommand answers the handoffs command in the chat it came from:
// the pending, active and fallback handoffs of the agent's teams (every
// team for an admin).
func (w *Workspace) answerCommand(ctx context.Context, a Activity) error {
	text := w.listHandoffs(ctx, w.agentRef(a.From))
	if _, err := w.api.send(ctx, a.Conversation.ID, Activity{Type: typeMessage, TextFormat: "markdown", Text: text}); err != nil {
		return fmt.Errorf("answer handoffs command: %w", err)
	}
	return nil
}

func (w *Workspace) listHandoffs(ctx context.Context, ref bridge.AgentRef) string {
	s := w.opts.Settings()
	agent := s.AgentByIdentity(ref.Workspace, ref.UserID)
	if agent == nil {
		return "You are not an agent of any team here."
	}
	var teams []bridge.TeamID
	for id := range s.Teams {
		if agent.Admin || agent.InTeam(id) {
			teams = append(teams, id)
		}
	}
	sort.Slice(teams, func(i, j int) bool { return teams[i] < teams[j] })
	if w.opts.Handoffs == nil || len(teams) == 0 {
		return "No teams to list."
	}
	var lines []string
	for _, team := range teams {
		hs, err := w.opts.Handoffs.Handoffs(ctx, []bridge.State{bridge.StatePending, bridge.StateFallback, bridge.StateActive}, team, maxListed)
		if err != nil {
			return "Could not list the handoffs right now; try again in a moment."
		}
		for _, h := range hs {
			lines = append(lines, "- "+handoffLine(h))
		}
	}
	if len(lines) == 0 {
		return "No open handoffs in your teams."
	}
	return "**Open handoffs**\n\n" + strings.Join(lines, "\n")
}

func handoffLine(h bridge.Handoff) string {
	line := fmt.Sprintf("#%d · team %s · %s · %s", h.ID, escapeText(string(h.Team)), h.Priority, h.State)
	if h.State == bridge.StateActive && h.OwnerName != "" {
		line += " with " + escapeText(h.OwnerName)
	} else {
		line += " since " + h.CreatedAt.UTC().Format("15:04 UTC")
	}
	if h.Reason != "" {
		line += ": " + escapeText(clip(h.Reason, 120))
	}
	return line
}
