package slack

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/handoffbridge/handoff/bridge"
)

// HandoffCommand is the agent's slash command: /handoff available, away or
// offline sets their status, "transfer" hands a handoff on and "reply"
// sends a canned reply.
const HandoffCommand = "/handoff"

const handoffUsage = "Usage: `/handoff available`, `/handoff away`, `/handoff offline`, " +
	"`/handoff transfer @person`, `/handoff transfer team` or `/handoff reply <name>` (add `#12` to name the handoff when you have several); " +
	"`/handoff reply` lists your teams' canned replies."

// handoffCommand answers /handoff, privately.
func (w *Workspace) handoffCommand(ctx context.Context, cmd slackgo.SlashCommand) slashResponse {
	verb, rest, _ := strings.Cut(strings.TrimSpace(cmd.Text), " ")
	switch strings.ToLower(verb) {
	case "transfer":
		return w.transferCommand(ctx, cmd, rest)
	case "reply":
		return w.cannedReplyCommand(ctx, cmd, strings.Fields(rest))
	}
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

// slackMention is a user as an escaped slash command's text holds them:
// <@U123|ben>.
var slackMention = regexp.MustCompile(`^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$`)

// transferCommand answers /handoff transfer [#id] @person|team: the
// caller's active handoff (the one named, or their only one) goes to the
// person or team.
func (w *Workspace) transferCommand(ctx context.Context, cmd slackgo.SlashCommand, args string) slashResponse {
	fields := strings.Fields(args)
	var id bridge.HandoffID
	if len(fields) > 0 && strings.HasPrefix(fields[0], "#") {
		n, err := strconv.ParseInt(fields[0][1:], 10, 64)
		if err != nil || n <= 0 {
			return ephemeral(handoffUsage)
		}
		id, fields = bridge.HandoffID(n), fields[1:]
	}
	if len(fields) != 1 {
		return ephemeral(handoffUsage)
	}
	to := bridge.TransferTarget{Name: fields[0]}
	if m := slackMention.FindStringSubmatch(fields[0]); m != nil {
		to = bridge.TransferTarget{UserID: m[1]}
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if id == 0 {
		s := w.opts.Settings()
		a := s.AgentByIdentity(bridge.WorkspaceSlack, cmd.UserID)
		if a == nil {
			return ephemeral("You are not a configured agent of the handoff bridge, so you have nothing to transfer.")
		}
		found, answer := w.onlyActiveHandoff(ctx, a, "`/handoff transfer %s @person`")
		if found == 0 {
			return ephemeral(answer)
		}
		id = found
	}
	agent := bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: cmd.UserID, DisplayName: w.displayName(ctx, cmd.UserID)}
	_, err := w.opts.Handler.Handle(ctx, bridge.AgentTransfer{Agent: agent, Handoff: id, To: to, EventID: "slash:" + cmd.TriggerID})
	switch {
	case err == nil:
		return ephemeral(fmt.Sprintf("Transferred #%d.", id))
	case bridge.IsRefusal(err) || errors.Is(err, bridge.ErrNotHandoffThread):
		if errors.Is(err, bridge.ErrNotHandoffThread) {
			return ephemeral(fmt.Sprintf("There is no handoff #%d.", id))
		}
		return ephemeral(EscapeText(bridge.RefusalText(err)))
	}
	w.log.Error("slack /handoff transfer", "user", cmd.UserID, "handoff", id, "err", err)
	return ephemeral("Could not transfer it right now; please try again.")
}
