package web

import (
	"context"
	"fmt"
	"strconv"

	"github.com/handoffbridge/handoff/bridge"
)

var (
	_ bridge.UserChannel       = (*Widget)(nil)
	_ bridge.Offerer           = (*Widget)(nil)
	_ bridge.TypingIndicator   = (*Widget)(nil)
	_ bridge.MessageEditor     = (*Widget)(nil)
	_ bridge.LeadFormPresenter = (*Widget)(nil)
	_ bridge.RouteMounter      = (*Widget)(nil)
	_ bridge.HealthChecker     = (*Widget)(nil)
	_ bridge.Runner            = (*Widget)(nil)
)

// Kind is bridge.ChannelWeb.
func (w *Widget) Kind() bridge.ChannelKind { return bridge.ChannelWeb }

// Send pushes a message to the session's open tabs, here and on the other
// replicas (see deliver). It never waits for a tab: the message is already
// in the store, and a widget that is offline now gets it when it
// reconnects. The platform id is the message id.
func (w *Widget) Send(ctx context.Context, to bridge.ChatAddress, m bridge.OutgoingMessage) (string, error) {
	f := outFrame{Type: outMessage, ID: m.MessageID, Role: m.Role, Author: m.Author, Text: m.Text,
		Notice: m.Notice, Position: m.QueuePosition, Files: w.userFiles(to.ChatID, m.Attachments), At: w.clock.Now().UnixMilli()}
	if m.Role != bridge.RoleUser {
		f.HTML = renderMarkdown(m.Text)
	}
	if m.Notice == bridge.NoticeJoined {
		f.Agent = m.Agent
	}
	for _, c := range m.Choices {
		if c.ID == bridge.ChoiceCancel {
			f.Cancel = &c // the waiting notice's cancel button, labelled by the config
		}
	}
	if err := w.deliver(ctx, to.ChatID, f); err != nil {
		return "", err
	}
	return m.MessageID.String(), nil
}

// SendOffer pushes an offer with its buttons.
func (w *Widget) SendOffer(ctx context.Context, to bridge.ChatAddress, o bridge.OutgoingOffer) (string, error) {
	err := w.deliver(ctx, to.ChatID, outFrame{Type: outMessage, ID: o.MessageID, Role: bridge.RoleSystem, Author: w.botName(),
		Text: o.Text, HTML: renderMarkdown(o.Text), Choices: o.Choices, At: w.clock.Now().UnixMilli()})
	if err != nil {
		return "", err
	}
	return o.MessageID.String(), nil
}

// SendTyping shows "<agent> is typing" in the session's open tabs.
func (w *Widget) SendTyping(ctx context.Context, to bridge.ChatAddress, author string) error {
	return w.deliver(ctx, to.ChatID, outFrame{Type: outTyping, Author: author})
}

// EditMessage replaces a delivered message's text.
func (w *Widget) EditMessage(ctx context.Context, to bridge.ChatAddress, platformID string, m bridge.OutgoingMessage) error {
	id, err := messageID(platformID)
	if err != nil {
		return err
	}
	return w.deliver(ctx, to.ChatID, outFrame{Type: outEdit, ID: id, Role: m.Role, Author: m.Author, Text: m.Text, HTML: renderMarkdown(m.Text)})
}

// DeleteMessage removes a delivered message.
func (w *Widget) DeleteMessage(ctx context.Context, to bridge.ChatAddress, platformID string) error {
	id, err := messageID(platformID)
	if err != nil {
		return err
	}
	return w.deliver(ctx, to.ChatID, outFrame{Type: outDelete, ID: id})
}

// ShowLeadForm pushes the lead form, with the engine's complaint about the
// last submission if there was one.
func (w *Widget) ShowLeadForm(ctx context.Context, to bridge.ChatAddress, s bridge.LeadFormStep) (string, error) {
	text := s.Prompt
	if s.Problem != "" {
		text = s.Problem + " " + s.Prompt
	}
	err := w.deliver(ctx, to.ChatID, outFrame{Type: outMessage, ID: s.MessageID, Role: bridge.RoleSystem, Author: w.botName(),
		Text: text, HTML: renderMarkdown(text), Form: &leadForm{Field: s.Field, Problem: s.Problem}, At: w.clock.Now().UnixMilli()})
	if err != nil {
		return "", err
	}
	return s.MessageID.String(), nil
}

func messageID(platformID string) (bridge.MessageID, error) {
	n, err := strconv.ParseInt(platformID, 10, 64)
	if err != nil || n <= 0 {
		return 0, bridge.Permanent(fmt.Errorf("widget message id %q is not a message id", platformID))
	}
	return bridge.MessageID(n), nil
}
