package telegram

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/handoffbridge/handoff/bridge"
)

// chatID parses a conversation's chat id.
func chatID(to bridge.ChatAddress) (int64, error) {
	id, err := strconv.ParseInt(to.ChatID, 10, 64)
	if err != nil {
		return 0, bridge.Permanent(fmt.Errorf("telegram chat id %q: %w", to.ChatID, err))
	}
	return id, nil
}

// render is a message's text as Telegram HTML parts: an agent's answer is
// headed by the agent's name, so the user knows a person is writing.
func render(m bridge.OutgoingMessage) []string {
	body := MarkdownToHTML(m.Text)
	if m.Role == bridge.RoleAgent && m.Author != "" {
		body = "<b>" + escapeHTML(m.Author) + "</b>\n" + body
	}
	return SplitHTML(body, MaxMessageLength)
}

// platformIDs joins the ids of the text parts and of the files a message
// became: "12,13|14" is two text parts and one file.
func platformIDs(text, files []string) string {
	return strings.Join(text, ",") + "|" + strings.Join(files, ",")
}

func parseIDs(platformID string) (text, files []int) {
	t, f, _ := strings.Cut(platformID, "|")
	conv := func(s string) []int {
		var out []int
		for _, p := range strings.Split(s, ",") {
			if id, err := strconv.Atoi(p); err == nil {
				out = append(out, id)
			}
		}
		return out
	}
	return conv(t), conv(f)
}

// Send delivers a message: its text in as many parts as needed, then each
// attachment as a photo or a document. Parts sent before a failure are
// remembered, so the retry continues where it stopped.
func (a *Adapter) Send(ctx context.Context, to bridge.ChatAddress, m bridge.OutgoingMessage) (string, error) {
	chat, err := chatID(to)
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	done := a.progress[m.MessageID]
	a.mu.Unlock()
	steps := make([]tgbotapi.Chattable, 0, 2)
	for _, part := range render(m) {
		msg := tgbotapi.NewMessage(chat, part)
		msg.ParseMode = tgbotapi.ModeHTML
		steps = append(steps, msg)
	}
	nText := len(steps)
	for _, att := range m.Attachments {
		if strings.HasPrefix(att.ContentType, "image/") {
			steps = append(steps, tgbotapi.NewPhoto(chat, tgbotapi.FileURL(att.URL)))
		} else {
			doc := tgbotapi.NewDocument(chat, tgbotapi.FileURL(att.URL))
			if att.Name != "" {
				doc.Caption = att.Name
			}
			steps = append(steps, doc)
		}
	}
	api := a.api(ctx)
	for i := len(done); i < len(steps); i++ {
		sent, err := api.Send(steps[i])
		if err != nil {
			a.mu.Lock()
			if len(done) > 0 {
				a.progress[m.MessageID] = done
			}
			a.mu.Unlock()
			return "", classify(fmt.Sprintf("send part %d of message %d to telegram chat %d", i+1, m.MessageID, chat), err)
		}
		done = append(done, strconv.Itoa(sent.MessageID))
	}
	a.mu.Lock()
	delete(a.progress, m.MessageID)
	a.mu.Unlock()
	return platformIDs(done[:min(nText, len(done))], done[min(nText, len(done)):]), nil
}

// SendOffer shows the offer with an inline keyboard, one button per choice.
func (a *Adapter) SendOffer(ctx context.Context, to bridge.ChatAddress, o bridge.OutgoingOffer) (string, error) {
	chat, err := chatID(to)
	if err != nil {
		return "", err
	}
	row := make([]tgbotapi.InlineKeyboardButton, 0, len(o.Choices))
	for _, c := range o.Choices {
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(c.Label, string(c.ID)))
	}
	msg := tgbotapi.NewMessage(chat, MarkdownToHTML(o.Text))
	msg.ParseMode = tgbotapi.ModeHTML
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(row)
	sent, err := a.api(ctx).Send(msg)
	if err != nil {
		return "", classify(fmt.Sprintf("send offer to telegram chat %d", chat), err)
	}
	return platformIDs([]string{strconv.Itoa(sent.MessageID)}, nil), nil
}

// SendTyping shows "typing…" in the chat (Telegram shows it for about five
// seconds or until the next message).
func (a *Adapter) SendTyping(ctx context.Context, to bridge.ChatAddress, _ string) error {
	chat, err := chatID(to)
	if err != nil {
		return err
	}
	if _, err := a.api(ctx).Request(tgbotapi.NewChatAction(chat, tgbotapi.ChatTyping)); err != nil {
		return classify(fmt.Sprintf("send typing to telegram chat %d", chat), err)
	}
	return nil
}

// EditMessage rewrites a delivered message's text parts. A longer text gets
// extra parts sent after; a shorter one has its leftover parts deleted.
func (a *Adapter) EditMessage(ctx context.Context, to bridge.ChatAddress, platformID string, m bridge.OutgoingMessage) error {
	chat, err := chatID(to)
	if err != nil {
		return err
	}
	ids, _ := parseIDs(platformID)
	api := a.api(ctx)
	parts := render(m)
	for i, part := range parts {
		if i >= len(ids) {
			msg := tgbotapi.NewMessage(chat, part)
			msg.ParseMode = tgbotapi.ModeHTML
			if _, err := api.Send(msg); err != nil {
				return classify(fmt.Sprintf("send part %d of edited message to telegram chat %d", i+1, chat), err)
			}
			continue
		}
		edit := tgbotapi.NewEditMessageText(chat, ids[i], part)
		edit.ParseMode = tgbotapi.ModeHTML
		if _, err := api.Send(edit); err != nil && !isAPIError(err, "message is not modified") {
			return classify(fmt.Sprintf("edit message %d in telegram chat %d", ids[i], chat), err)
		}
	}
	for _, id := range ids[min(len(parts), len(ids)):] {
		if err := a.deleteOne(ctx, chat, id); err != nil {
			return err
		}
	}
	return nil
}

// DeleteMessage removes every part and file a message became.
func (a *Adapter) DeleteMessage(ctx context.Context, to bridge.ChatAddress, platformID string) error {
	chat, err := chatID(to)
	if err != nil {
		return err
	}
	text, files := parseIDs(platformID)
	for _, id := range append(text, files...) {
		if err := a.deleteOne(ctx, chat, id); err != nil {
			return err
		}
	}
	return nil
}

func (a *Adapter) deleteOne(ctx context.Context, chat int64, id int) error {
	_, err := a.api(ctx).Request(tgbotapi.NewDeleteMessage(chat, id))
	if err != nil && !isAPIError(err, "message to delete not found") {
		return classify(fmt.Sprintf("delete message %d in telegram chat %d", id, chat), err)
	}
	return nil
}

var _ bridge.ReplyMerger = (*Adapter)(nil)

// MaxMergedText lets an agent's replies waiting for one chat (one message a
// second per chat) go out together, within one message: a quarter of the
// limit is left for the agent's name and HTML escapes.
func (a *Adapter) MaxMergedText() int { return MaxMessageLength * 3 / 4 }
