package telegram

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// handleUpdate hands one update to the engine. It returns an error only
// when the update should be tried again (the engine could not store it);
// updates the bridge does not serve are skipped.
func (a *Adapter) handleUpdate(ctx context.Context, u tgbotapi.Update) error {
	switch {
	case u.Message != nil:
		return a.handleMessage(ctx, u.Message)
	case u.EditedMessage != nil:
		return a.handleEdit(ctx, u.EditedMessage)
	case u.CallbackQuery != nil:
		return a.handleCallback(ctx, u.CallbackQuery)
	}
	return nil
}

// allowedUpdates are the updates the bot asks Telegram for. Telegram
// tells bots of edits but not of deletions in their chats.
var allowedUpdates = []string{"message", "edited_message", "callback_query"}

// served reports whether the bot answers in this chat.
func (a *Adapter) served(chat *tgbotapi.Chat) bool {
	if chat == nil {
		return false
	}
	switch chat.Type {
	case "private":
		return true
	case "group", "supergroup":
		return a.opts.Groups
	}
	return false // channels
}

func (a *Adapter) handleMessage(ctx context.Context, m *tgbotapi.Message) error {
	if m.From == nil || m.From.IsBot || !a.served(m.Chat) {
		return nil
	}
	text, entities := m.Text, m.Entities
	if text == "" {
		text, entities = m.Caption, m.CaptionEntities
	}
	if m.Chat.Type != "private" {
		var addressed bool
		text, addressed = a.addressed(m, text, entities)
		if !addressed {
			return nil // group chatter not meant for the bot
		}
	}
	atts := a.attachments(m)
	text = bridge.JoinLines(describe(m), text)
	if strings.TrimSpace(text) == "" && len(atts) == 0 {
		if service(m) {
			return nil // a member joined, a message was pinned: nothing the user said
		}
		// A kind of message newer than the bridge: agents still learn the
		// user sent something.
		text = bridge.UnsupportedLine("")
	}
	ev := bridge.UserMessage{
		Address:     address(m.Chat.ID),
		User:        user(m.From),
		Context:     userContext(m.From, m.Chat),
		PlatformID:  strconv.Itoa(m.MessageID),
		Text:        text,
		Attachments: atts,
	}
	if _, err := a.opts.Handler.Handle(ctx, ev); err != nil {
		return fmt.Errorf("handle telegram message %d in chat %d: %w", m.MessageID, m.Chat.ID, err)
	}
	return nil
}

// handleEdit relays a user's edit of a message: its new text or caption
// (a live location's move reads as its new place).
func (a *Adapter) handleEdit(ctx context.Context, m *tgbotapi.Message) error {
	if m.From == nil || m.From.IsBot || !a.served(m.Chat) {
		return nil
	}
	text, entities := m.Text, m.Entities
	if text == "" {
		text, entities = m.Caption, m.CaptionEntities
	}
	if m.Chat.Type != "private" {
		var addressed bool
		if text, addressed = a.addressed(m, text, entities); !addressed {
			return nil
		}
	}
	ev := bridge.UserEdit{Address: address(m.Chat.ID), PlatformID: strconv.Itoa(m.MessageID), Text: bridge.JoinLines(describe(m), text)}
	if _, err := a.opts.Handler.Handle(ctx, ev); err != nil {
		return fmt.Errorf("handle telegram edit of message %d in chat %d: %w", m.MessageID, m.Chat.ID, err)
	}
	return nil
}

// addressed reports whether a group message is for the bot (it mentions the
// bot, is a command to it, or replies to it) and returns its text without
// the mention.
func (a *Adapter) addressed(m *tgbotapi.Message, text string, entities []tgbotapi.MessageEntity) (string, bool) {
	me := a.me()
	if m.ReplyToMessage != nil && m.ReplyToMessage.From != nil && m.ReplyToMessage.From.ID == me.ID {
		return text, true
	}
	mention := "@" + strings.ToLower(me.UserName)
	for _, e := range entities {
		switch e.Type {
		case "text_mention":
			if e.User != nil && e.User.ID == me.ID {
				return text, true
			}
		case "mention", "bot_command":
			if strings.Contains(strings.ToLower(text), mention) {
				return strings.TrimSpace(removeFold(text, mention)), true
			}
		}
	}
	return text, false
}

// removeFold removes every case-insensitive occurrence of sub (ASCII) from s.
func removeFold(s, sub string) string {
	lower := strings.ToLower(s)
	var b strings.Builder
	for {
		i := strings.Index(lower, sub)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s, lower = s[i+len(sub):], lower[i+len(sub):]
	}
}

func (a *Adapter) handleCallback(ctx context.Context, q *tgbotapi.CallbackQuery) error {
	choice := bridge.ChoiceID(q.Data)
	switch choice {
	case bridge.ChoiceAccept, bridge.ChoiceDecline, bridge.ChoiceCancel:
	default:
		a.answerCallback(ctx, q.ID, "This button is no longer active.")
		return nil
	}
	if q.Message == nil || !a.served(q.Message.Chat) || q.From == nil {
		a.answerCallback(ctx, q.ID, "This button is no longer active.")
		return nil
	}
	ev := bridge.UserChoice{Address: address(q.Message.Chat.ID), User: user(q.From), PlatformID: q.ID, Choice: choice}
	if _, err := a.opts.Handler.Handle(ctx, ev); err != nil {
		return fmt.Errorf("handle telegram button %s in chat %d: %w", choice, q.Message.Chat.ID, err)
	}
	a.answerCallback(ctx, q.ID, "")
	return nil
}

// answerCallback stops the button's spinner. It is best effort: after a
// restart the query may be too old to answer, and that changes nothing.
func (a *Adapter) answerCallback(ctx context.Context, id, text string) {
	if _, err := a.api(ctx).Request(tgbotapi.NewCallback(id, text)); err != nil {
		a.log.Warn("answer callback query", "err", err)
	}
}

func address(chat int64) bridge.ChatAddress {
	return bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: strconv.FormatInt(chat, 10)}
}

func user(u *tgbotapi.User) bridge.User {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		name = u.UserName
	}
	return bridge.User{ID: strconv.FormatInt(u.ID, 10), DisplayName: name}
}

func userContext(u *tgbotapi.User, c *tgbotapi.Chat) bridge.UserContext {
	uc := bridge.UserContext{Language: u.LanguageCode, ChatType: c.Type, ChatTitle: c.Title}
	if u.UserName != "" {
		uc.Username = "@" + u.UserName
	}
	return uc
}
