package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/bridge"
)

// userContent is what the thread gets of a user's message: its text, with
// a line for stickers, a poll or a forward, and its files (a voice message
// is one: voice-message.ogg). A message with none of these, of a kind a
// person writes, becomes a visible "[unsupported message]" line; ok is
// false for Discord's notes of events (a member joined, a pin).
func userContent(m *discordgo.Message) (text string, atts []bridge.Attachment, ok bool) {
	var lines []string
	for _, s := range m.StickerItems {
		if s != nil {
			lines = append(lines, bridge.StickerLine(s.Name))
		}
	}
	if p := m.Poll; p != nil {
		line := "📊 Poll: " + p.Question.Text
		for _, a := range p.Answers {
			if a.Media != nil {
				line += "\n- " + a.Media.Text
			}
		}
		lines = append(lines, line)
	}
	lines = append(lines, m.Content)
	atts = fromDiscordAttachments(m.Attachments)
	for _, snap := range m.MessageSnapshots {
		if snap.Message == nil {
			continue
		}
		fwd, more, _ := userContent(snap.Message)
		lines = append(lines, "↪ Forwarded: "+fwd)
		atts = append(atts, more...)
	}
	text = bridge.JoinLines(lines...)
	if strings.TrimSpace(text) != "" || len(atts) > 0 {
		return text, atts, true
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return "", nil, false
	}
	return bridge.UnsupportedLine(""), nil, true
}
