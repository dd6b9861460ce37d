package discord

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

// UserChannel is the user side: direct messages to the bot, and messages
// in support channels. A DM's chat id is its channel id; in a support
// channel each user has a conversation of their own, "channel/user", and
// the bot's answers mention them.
type UserChannel struct{ a *Adapter }

var (
	_ bridge.UserChannel     = (*UserChannel)(nil)
	_ bridge.Offerer         = (*UserChannel)(nil)
	_ bridge.TypingIndicator = (*UserChannel)(nil)
	_ bridge.MessageEditor   = (*UserChannel)(nil)
)

// UserChannel returns the user channel to register with the engine.
func (a *Adapter) UserChannel() *UserChannel { return &UserChannel{a: a} }

// Kind is discord.
func (u *UserChannel) Kind() bridge.ChannelKind { return bridge.ChannelDiscord }

// userAddress is where a Discord user talks to the bot.
func (a *Adapter) userAddress(channelID, guildID string, u *discordgo.User) (bridge.ChatAddress, bridge.User) {
	addr := bridge.ChatAddress{Channel: bridge.ChannelDiscord, ChatID: channelID}
	if guildID != "" {
		addr.ChatID = channelID + "/" + u.ID
	}
	return addr, bridge.User{ID: u.ID, DisplayName: u.DisplayName()}
}

// target splits a chat id into the channel to post in and the user to
// mention (support channels only).
func target(to bridge.ChatAddress) (channelID, userID string) {
	channelID, userID, _ = strings.Cut(to.ChatID, "/")
	return channelID, userID
}

// userText renders an outgoing message: agents' answers carry their name
// (users see who answers, not "Bot"), in a support channel the user is
// mentioned, and nothing else can ping.
func userText(m bridge.OutgoingMessage, userID string) (string, *discordgo.MessageAllowedMentions) {
	text := neutralize(m.Text) + attachmentLines(m.Attachments)
	if m.Role == bridge.RoleAgent && m.Author != "" {
		text = "**" + escapeMarkdown(m.Author) + "**: " + text
	}
	if m.Role == bridge.RoleSystem {
		text = "_" + strings.TrimSpace(text) + "_"
	}
	if userID == "" {
		return text, noMentions()
	}
	return "<@" + userID + "> " + text, onlyMentions([]string{userID}, nil)
}

// Send delivers a message; a long one goes in several parts, and the id of
// the first is returned (edits change that part).
func (u *UserChannel) Send(ctx context.Context, to bridge.ChatAddress, m bridge.OutgoingMessage) (string, error) {
	channelID, userID := target(to)
	text, mentions := userText(m, userID)
	first := ""
	for i, part := range split(text, maxContent) {
		// The nonce covers the text too: a retry of merged replies may
		// carry more of them than the attempt whose answer was lost, and
		// must then post (at worst twice) rather than be taken for it.
		msg, err := u.a.post(ctx, channelID, &discordgo.MessageSend{Content: part, AllowedMentions: mentions},
			fmt.Sprintf("user:%s:%d:%d\x00%s", to.ChatID, m.MessageID, i, part))
		if err != nil {
			return "", fmt.Errorf("send to %s: %w", to, err)
		}
		if first == "" {
			first = msg.ID
		}
	}
	return first, nil
}

// SendOffer shows the offer with buttons.
func (u *UserChannel) SendOffer(ctx context.Context, to bridge.ChatAddress, o bridge.OutgoingOffer) (string, error) {
	channelID, userID := target(to)
	text, mentions := userText(bridge.OutgoingMessage{Text: o.Text}, userID)
	var row []discordgo.MessageComponent
	for i, c := range o.Choices {
		style := discordgo.SecondaryButton
		if i == 0 {
			style = discordgo.PrimaryButton
		}
		row = append(row, discordgo.Button{Label: truncate(c.Label, maxButtonLabel), Style: style, CustomID: choiceID(c.ID)})
	}
	send := &discordgo.MessageSend{Content: truncate(text, maxContent), AllowedMentions: mentions}
	for len(row) > 0 {
		n := min(len(row), 5)
		send.Components = append(send.Components, discordgo.ActionsRow{Components: row[:n]})
		row = row[n:]
	}
	msg, err := u.a.post(ctx, channelID, send, fmt.Sprintf("offer:%s:%d", to.ChatID, o.MessageID))
	if err != nil {
		return "", fmt.Errorf("send offer to %s: %w", to, err)
	}
	return msg.ID, nil
}

// SendTyping shows "typing…" in the user's chat for a few seconds.
func (u *UserChannel) SendTyping(ctx context.Context, to bridge.ChatAddress, _ string) error {
	channelID, _ := target(to)
	if err := u.a.s.ChannelTyping(channelID, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("typing in %s: %w", to, classify("typing", err))
	}
	return nil
}

// EditMessage changes a delivered message.
func (u *UserChannel) EditMessage(ctx context.Context, to bridge.ChatAddress, platformID string, m bridge.OutgoingMessage) error {
	channelID, userID := target(to)
	text, mentions := userText(m, userID)
	text = truncate(text, maxContent)
	_, err := u.a.s.ChannelMessageEditComplex(&discordgo.MessageEdit{ID: platformID, Channel: channelID, Content: &text, AllowedMentions: mentions}, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("edit message in %s: %w", to, classify("edit message", err))
	}
	return nil
}

// DeleteMessage removes a delivered message; one already gone is fine.
func (u *UserChannel) DeleteMessage(ctx context.Context, to bridge.ChatAddress, platformID string) error {
	channelID, _ := target(to)
	err := u.a.s.ChannelMessageDelete(channelID, platformID, discordgo.WithContext(ctx))
	if err != nil && !isCode(err, discordgo.ErrCodeUnknownMessage) {
		return fmt.Errorf("delete message in %s: %w", to, classify("delete message", err))
	}
	return nil
}

var _ bridge.ReplyMerger = (*UserChannel)(nil)

// MaxMergedText lets an agent's replies waiting for one user (Discord's
// per-channel limit) go out together, within one message of 2,000
// characters: a quarter is left for the agent's name and escapes.
func (u *UserChannel) MaxMergedText() int { return maxContent * 3 / 4 }
