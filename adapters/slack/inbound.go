package slack

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	slackgo "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/handoffbridge/handoff/bridge"
)

// parseEvent reads an Events API body (HTTP) or envelope payload (Socket
// Mode). The verification token is not checked: requests are
// authenticated by signature or by the Socket Mode connection.
func parseEvent(raw []byte) (slackevents.EventsAPIEvent, string, error) {
	ev, err := slackevents.ParseEvent(raw, slackevents.OptionNoVerifyToken())
	if err != nil {
		return ev, "", fmt.Errorf("parse slack event: %w", err)
	}
	id := ""
	if cb, ok := ev.Data.(*slackevents.EventsAPICallbackEvent); ok {
		id = cb.EventID
	}
	return ev, id, nil
}

// translate turns a Slack event into the bridge event it means, or nil for
// events the bridge ignores: the bot's own posts, top-level messages, and
// message kinds that are not a person's reply.
func (w *Workspace) translate(ctx context.Context, ev slackevents.EventsAPIEvent) bridge.Event {
	m, ok := ev.InnerEvent.Data.(*slackevents.MessageEvent)
	if !ok || m == nil {
		return nil
	}
	switch m.SubType {
	case "", "file_share", "thread_broadcast":
		if w.isBot(m.User, m.BotID) || m.User == "" || !isReply(m.ThreadTimeStamp, m.TimeStamp) {
			return nil
		}
		var files []slackgo.File
		if m.Message != nil {
			files = m.Message.Files
		}
		return bridge.AgentMessage{Agent: w.agentRef(ctx, m.User), ThreadID: m.ThreadTimeStamp, PlatformID: m.TimeStamp,
			Text: FromMrkdwn(m.Text, w.nameOf(ctx)), Attachments: w.attachments(ctx, files)}
	case "message_changed":
		n := m.Message
		if n == nil || w.isBot(n.User, n.BotID) || n.User == "" || !isReply(n.ThreadTimestamp, n.Timestamp) {
			return nil
		}
		if p := m.PreviousMessage; p != nil && p.Text == n.Text {
			return nil // an unfurl or a reaction, not an edit of the text
		}
		return bridge.AgentEdit{Agent: w.agentRef(ctx, n.User), ThreadID: n.ThreadTimestamp, PlatformID: n.Timestamp,
			Text: FromMrkdwn(n.Text, w.nameOf(ctx))}
	case "message_deleted":
		p := m.PreviousMessage
		if p == nil || w.isBot(p.User, p.BotID) || p.User == "" || !isReply(p.ThreadTimestamp, m.DeletedTimeStamp) {
			return nil
		}
		return bridge.AgentEdit{Agent: w.agentRef(ctx, p.User), ThreadID: p.ThreadTimestamp, PlatformID: m.DeletedTimeStamp, Deleted: true}
	}
	return nil
}

// isReply: a thread reply has a thread_ts other than its own ts.
func isReply(threadTS, ts string) bool { return threadTS != "" && threadTS != ts }

// attachments are the files of an agent's reply, linked for the user
// through the bridge (see fileLink) and, with a blob store, kept there for
// the channels that serve files themselves (see keepFile).
func (w *Workspace) attachments(ctx context.Context, files []slackgo.File) []bridge.Attachment {
	var out []bridge.Attachment
	for _, f := range files {
		out = append(out, bridge.Attachment{Name: f.Name, ContentType: f.Mimetype, Size: int64(f.Size), URL: w.fileLink(f),
			Blob: w.keepFile(ctx, f)})
	}
	return out
}

func (w *Workspace) nameOf(ctx context.Context) func(string) string {
	return func(id string) string { return w.displayName(ctx, id) }
}

// handleEvent handles one Events API event once: a retry of an event that
// was handled changes nothing. An error means the event was not taken and
// Slack should deliver it again.
func (w *Workspace) handleEvent(ctx context.Context, ev slackevents.EventsAPIEvent, eventID string) error {
	if eventID != "" && w.events.has(eventID) {
		return nil
	}
	if be := w.translate(ctx, ev); be != nil {
		_, err := w.opts.Handler.Handle(ctx, be)
		switch {
		case err == nil, errors.Is(err, bridge.ErrNotHandoffThread), bridge.IsRefusal(err):
		default:
			return fmt.Errorf("handle slack event %s: %w", eventID, err)
		}
	}
	if eventID != "" {
		w.events.add(eventID)
	}
	return nil
}

// handleInteraction performs a button press. It runs after the click was
// acknowledged; refusals reach the agent from the engine (TellAgent), and
// anything else that goes wrong is told here, so a click always gets a
// visible answer.
func (w *Workspace) handleInteraction(ctx context.Context, cb slackgo.InteractionCallback) {
	if cb.Type != slackgo.InteractionTypeBlockActions {
		return
	}
	for _, a := range cb.ActionCallback.BlockActions {
		act, ok := actionsByID[a.ActionID]
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(a.Value, 10, 64)
		if err != nil {
			w.log.Warn("slack button with a bad handoff id", "value", a.Value)
			continue
		}
		ev := bridge.AgentAction{Agent: w.agentRef(ctx, cb.User.ID), Handoff: bridge.HandoffID(id),
			ThreadID: cb.Container.MessageTs, Action: act, EventID: cb.TriggerID}
		_, err = w.opts.Handler.Handle(ctx, ev)
		if err == nil || bridge.IsRefusal(err) {
			continue
		}
		ref := bridge.ThreadRef{Channel: cb.Container.ChannelID, ThreadID: cb.Container.MessageTs}
		msg := "Something went wrong; please try again."
		if errors.Is(err, bridge.ErrNotHandoffThread) {
			msg = "The bridge does not know this handoff any more."
		}
		w.log.Error("slack button failed", "action", act, "handoff", id, "user", cb.User.ID, "err", err)
		if terr := w.TellAgent(ctx, ref, cb.User.ID, msg); terr != nil {
			w.log.Warn("could not tell the agent", "err", terr)
		}
	}
}
