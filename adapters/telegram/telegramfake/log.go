package telegramfake

import "slices"

// ChatSent is a message the bot sent, with the chat it went to.
type ChatSent struct {
	Chat int64
	Sent
}

// SentAfter returns the messages sent to any chat after the one with
// sequence number seq (0: all), in sending order: how a load tool reads
// what hundreds of chats received without copying each chat's history.
func (s *Server) SentAfter(seq int) []ChatSent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ChatSent
	for id, c := range s.chats {
		// A chat's messages are in sending order: skip to the first new one.
		i, _ := slices.BinarySearchFunc(c.sent, seq+1, func(m Sent, n int) int { return m.Sequence - n })
		for _, m := range c.sent[i:] {
			out = append(out, ChatSent{Chat: id, Sent: m})
		}
	}
	slices.SortFunc(out, func(a, b ChatSent) int { return a.Sequence - b.Sequence })
	return out
}

// Changed returns a channel closed at the next send, edit, answer or chat
// action.
func (s *Server) Changed() <-chan struct{} { return s.changes.Next() }
