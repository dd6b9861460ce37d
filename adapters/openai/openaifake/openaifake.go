// Package openaifake is an OpenAI-compatible chat completions server for
// tests: it answers the bridge's questions (requests offering tools) with
// one text and its requests for a summary (requests without tools) with
// another, over real HTTP on loopback.
package openaifake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
)

// Server is the fake endpoint; its base URL for openai.Options is BaseURL.
type Server struct {
	srv       *httptest.Server
	answer    string
	summary   string
	summaries atomic.Int64
}

// New starts a server that answers questions with answer and summary
// requests with summary. Close it when done.
func New(answer, summary string) *Server {
	s := &Server{answer: answer, summary: summary}
	s.srv = httptest.NewServer(http.HandlerFunc(s.complete))
	return s
}

// BaseURL is the API root to configure, ending in /v1.
func (s *Server) BaseURL() string { return s.srv.URL + "/v1" }

// Summaries counts the summary requests served.
func (s *Server) Summaries() int64 { return s.summaries.Load() }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

func (s *Server) complete(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	var req struct {
		Tools []json.RawMessage `json:"tools"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad json: "+err.Error(), http.StatusBadRequest)
		return
	}
	text := s.answer
	if len(req.Tools) == 0 {
		s.summaries.Add(1)
		text = s.summary
	}
	resp := completion{Choices: []choice{{Message: message{Role: "assistant", Content: text}, FinishReason: "stop"}}}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

type completion struct {
	Choices []choice `json:"choices"`
}

type choice struct {
	Message      message `json:"message"`
	FinishReason string  `json:"finish_reason"`
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}
