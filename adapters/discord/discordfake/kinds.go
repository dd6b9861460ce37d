package discordfake

import (
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// SayWith posts a user's message carrying more than text, as the Discord
// client makes them: like's StickerItems, Poll, MessageSnapshots (a
// forward), Flags and Type (0 when unset: a default message) are kept, its
// Attachments uploaded as in Say, then MESSAGE_CREATE is dispatched.
func (s *Server) SayWith(channelID string, author discordgo.User, content string, like discordgo.Message) (*discordgo.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channels[channelID]
	if ch == nil {
		return nil, fmt.Errorf("discordfake: say: no channel %s", channelID)
	}
	s.uploadLocked(channelID, like.Attachments)
	m := s.newMessageLocked(ch, &author, &outgoing{Content: &content, Attachments: like.Attachments, user: &like})
	cp := m.Message
	return &cp, nil
}
