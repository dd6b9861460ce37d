package discordfake

// Created returns copies of the messages created after the first n, in
// every channel, in the order they were created (ephemeral and later
// deleted ones included), and the count to ask from next time. A load tool
// reads what is new with it at each Changed, without copying whole
// channels again.
func (s *Server) Created(n int) ([]Message, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n = min(max(n, 0), len(s.created))
	out := make([]Message, 0, len(s.created)-n)
	for _, m := range s.created[n:] {
		out = append(out, *m)
	}
	return out, len(s.created)
}

// Changed returns a channel closed at the fake's next change: a message
// created, edited or deleted, a thread started, an interaction answered.
func (s *Server) Changed() <-chan struct{} { return s.changes.Next() }
