package slackfake

import (
	"net/http"
	"strconv"
)

// faults are the failures tests ask for and the calls made, per Web API
// method; guarded by their own mutex so that they never wait on the record.
type faults struct {
	next  map[string][]int // method → HTTP statuses to answer, in order
	calls map[string]int   // method → calls taken (failed ones included)
}

// FailNext makes the next calls of a Web API method (e.g.
// "chat.getPermalink") answer these HTTP statuses, one per call, as Slack
// does when it is in trouble: a 429 carries Retry-After and the
// "ratelimited" error, a 5xx Slack's "internal_error".
func (s *Server) FailNext(method string, statuses ...int) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults.next[method] = append(s.faults.next[method], statuses...)
}

// Calls counts the calls of a Web API method the fake has taken.
func (s *Server) Calls(method string) int {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return s.faults.calls[method]
}

// takeCall counts a call and, when a failure is due for its method, answers
// it and reports true.
func (s *Server) takeCall(w http.ResponseWriter, method string) bool {
	s.faultMu.Lock()
	s.faults.calls[method]++
	q := s.faults.next[method]
	status := 0
	if len(q) > 0 {
		status, s.faults.next[method] = q[0], q[1:]
	}
	s.faultMu.Unlock()
	if status == 0 {
		return false
	}
	code := "internal_error"
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "1")
		code = "ratelimited"
		s.rec.mu.Lock()
		s.rec.ratelimits++ // a 429 given on demand counts like one from the limiter
		s.rec.touch()
		s.rec.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"ok":false,"error":` + strconv.Quote(code) + `}`))
	return true
}
