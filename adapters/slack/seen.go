package slack

import "sync"

// seenSet remembers up to n keys, forgetting the oldest first: enough to
// recognise Slack's retries, which come within minutes.
type seenSet struct {
	mu    sync.Mutex
	n     int
	keys  map[string]struct{}
	order []string
}

func newSeenSet(n int) *seenSet { return &seenSet{n: n, keys: make(map[string]struct{}, n)} }

func (s *seenSet) has(k string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.keys[k]
	return ok
}

func (s *seenSet) add(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[k]; ok {
		return
	}
	s.keys[k] = struct{}{}
	s.order = append(s.order, k)
	if len(s.order) > s.n {
		delete(s.keys, s.order[0])
		s.order = s.order[1:]
	}
}
