package web

import "sync"

// socketCap counts the open sockets of each client address, so that one
// address cannot hold thousands of them. An address's entry lives while it
// has a socket open.
type socketCap struct {
	max  int
	mu   sync.Mutex
	open map[string]int
}

func newSocketCap(max int) *socketCap { return &socketCap{max: max, open: map[string]int{}} }

// claim takes a socket slot of ip; false when it has max open already.
func (s *socketCap) claim(ip string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[ip] >= s.max {
		return false
	}
	s.open[ip]++
	return true
}

// release gives back a slot claim took.
func (s *socketCap) release(ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[ip]--; s.open[ip] <= 0 {
		delete(s.open, ip)
	}
}
