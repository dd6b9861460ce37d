package slack

import (
	"context"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// HandoffCommand is the agent's slash command: /handoff available, away or
// offline sets their status.
const HandoffCommand = "/handoff"

const handoffUsage = "Usage: `/handoff available`, `/handoff away` or `/handoff offline`."

// handoffCommand answers /handoff, privately.
func (w *Workspace) handoffCommand(ctx context.Context, cmd slackgo.SlashCommand) slashResponse {
	verb, _, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	st, ok := bridge.ParseAgentStatus(verb)
	if !ok {
		return ephemeral(handoffUsage)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	agent := bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: cmd.UserID}
	if _, err := w.opts.Handler.Handle(ctx, bridge.AgentStatusChange{Agent: agent, Status: st}); err != nil {
		if bridge.IsRefusal(err) {
			return ephemeral(EscapeText(bridge.RefusalText(err)))
		}
		w.log.Error("slack /handoff: set status", "user", cmd.UserID, "err", err)
		return ephemeral("Could not set your status right now; please try again.")
	}
	return ephemeral(bridge.StatusConfirmation(st))
}
