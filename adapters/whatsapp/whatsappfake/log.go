package whatsappfake

// SentAfter returns the messages sent to any user after the first n (in
// sending order) and the count to pass next time: how a load tool reads
// what hundreds of numbers received without scanning every message again.
func (s *Server) SentAfter(n int) ([]Sent, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n = min(max(n, 0), len(s.sent))
	return append([]Sent(nil), s.sent[n:]...), len(s.sent)
}

// Changed returns a channel closed at the next send or read receipt.
func (s *Server) Changed() <-chan struct{} { return s.changes.Next() }
