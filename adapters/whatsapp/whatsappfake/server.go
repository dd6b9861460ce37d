package whatsappfake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/internal/waitfor"
)

// Options shape a fake. Zero values take the defaults shown.
type Options struct {
	Token         string // default "test-access-token"
	AppSecret     string // default "test_app_secret"
	PhoneNumberID string // default "106540352242922"
	Version       string // default "v21.0"
	// RetryAfter is the Retry-After header of 429 answers (default 1s).
	RetryAfter time.Duration
}

// Sent is one message the business sent.
type Sent struct {
	ID       string // wamid
	To       string
	Type     string // text, interactive, template, image, document
	Text     string // text body, interactive body, or template name
	Buttons  []Button
	Link     string // media link
	Template string
	At       time.Time // when the fake accepted it
}

// Button is an interactive reply button.
type Button struct{ ID, Title string }

// Server is a fake WhatsApp Cloud API.
type Server struct {
	opts Options
	srv  *httptest.Server

	mu          sync.Mutex
	seq         int
	sent        []Sent
	read        []string
	lastInbound map[string]time.Time
	throttle    int
	throttleBy  map[string]int // message type → 429s still to answer
	outage      bool
	received    map[string]bool // wamids of user messages, for read receipts and typing
	typing      []string
	media       map[string]mediaFile
	stats       Stats
	changes     waitfor.Changes
}

// Stats counts the answers given.
type Stats struct{ Requests, TooMany, OutsideWindow, Invalid, Unavailable, MediaDownloads int }

// New starts a fake; Close stops it.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = "test-access-token"
	}
	if opts.AppSecret == "" {
		opts.AppSecret = "test_app_secret"
	}
	if opts.PhoneNumberID == "" {
		opts.PhoneNumberID = "106540352242922"
	}
	if opts.Version == "" {
		opts.Version = "v21.0"
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = time.Second
	}
	s := &Server{opts: opts, lastInbound: map[string]time.Time{}, received: map[string]bool{}, media: map[string]mediaFile{}, throttleBy: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{version}/{phone}/messages", s.serveMessages)
	mux.HandleFunc("GET /{version}/{id}", s.serveNode)
	mux.HandleFunc("GET /download/{id}", s.serveDownload)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, http.StatusBadRequest, graphError{Message: "Unsupported " + strings.ToLower(r.Method) + " request.", Type: "GraphMethodException", Code: 100})
	})
	s.srv = httptest.NewServer(s.gate(mux))
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// URL is the Graph API base URL (without version).
func (s *Server) URL() string { return s.srv.URL }

// Options returns the fake's settings (token, secret, ids).
func (s *Server) Options() Options { return s.opts }

// Stats returns the counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Throttle makes the next n sends answer 429 (code 130429).
func (s *Server) Throttle(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle += n
}

// ThrottleType makes the next n sends of one message type (text, image,
// document, …) answer 429: a storm that hits the middle of a message
// made of several parts.
func (s *Server) ThrottleType(kind string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttleBy[kind] += n
}

// Outage makes every Graph API request answer 503 (code 2, "Service
// temporarily unavailable") while on.
func (s *Server) Outage(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outage = on
}

// gate counts requests, answers 503 during an outage and checks the
// access token, as the Graph API does before anything else.
func (s *Server) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.stats.Requests++
		outage := s.outage
		if outage {
			s.stats.Unavailable++
		}
		s.mu.Unlock()
		if outage {
			s.fail(w, http.StatusServiceUnavailable, graphError{Message: "Service temporarily unavailable", Code: 2})
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+s.opts.Token {
			s.fail(w, http.StatusUnauthorized, graphError{Message: "Invalid OAuth access token - Cannot parse access token", Code: 190})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// serveNode answers GET /{version}/{id}: the phone number's details, or a
// media object's download URL.
func (s *Server) serveNode(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if r.PathValue("version") != s.opts.Version {
		s.fail(w, http.StatusBadRequest, graphError{Message: "Unknown API version", Code: 2635})
		return
	}
	if id == s.opts.PhoneNumberID {
		s.ok(w, map[string]any{"id": id, "display_phone_number": "15550783881", "verified_name": "Example Support", "quality_rating": "GREEN"})
		return
	}
	s.mu.Lock()
	f, ok := s.media[id]
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusBadRequest, graphError{Message: fmt.Sprintf("Unsupported get request. Object with ID '%s' does not exist", id), Type: "GraphMethodException", Code: 100})
		return
	}
	s.ok(w, map[string]any{"messaging_product": "whatsapp", "url": s.srv.URL + "/download/" + id + "?ext=1",
		"mime_type": f.mimeType, "sha256": f.sha256, "file_size": len(f.content), "id": id})
}

// CloseWindow makes the user's last message 25 hours old: free-form
// messages to them now fail with 131047.
func (s *Server) CloseWindow(waID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastInbound[waID] = time.Now().Add(-25 * time.Hour)
}

type graphError struct {
	Message   string `json:"message"`
	Type      string `json:"type"`
	Code      int    `json:"code"`
	ErrorData any    `json:"error_data,omitempty"`
	TraceID   string `json:"fbtrace_id"`
}

func (s *Server) fail(w http.ResponseWriter, status int, e graphError) {
	e.TraceID = "AbCdEfGhIjKlMnOp"
	if e.Type == "" {
		e.Type = "OAuthException"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": e})
}

func (s *Server) invalid(w http.ResponseWriter, details string) {
	s.mu.Lock()
	s.stats.Invalid++
	s.mu.Unlock()
	s.fail(w, http.StatusBadRequest, graphError{Message: "(#131009) Parameter value is not valid", Code: 131009,
		ErrorData: map[string]any{"messaging_product": "whatsapp", "details": details}})
}

type sendRequest struct {
	MessagingProduct string `json:"messaging_product"`
	To               string `json:"to"`
	Type             string `json:"type"`
	Status           string `json:"status"`
	MessageID        string `json:"message_id"`
	TypingIndicator  *struct {
		Type string `json:"type"`
	} `json:"typing_indicator"`
	Text *struct {
		Body string `json:"body"`
	} `json:"text"`
	Interactive *struct {
		Type string `json:"type"`
		Body struct {
			Text string `json:"text"`
		} `json:"body"`
		Action struct {
			Buttons []struct {
				Type  string `json:"type"`
				Reply struct {
					ID    string `json:"id"`
					Title string `json:"title"`
				} `json:"reply"`
			} `json:"buttons"`
		} `json:"action"`
	} `json:"interactive"`
	Template *struct {
		Name     string `json:"name"`
		Language struct {
			Code string `json:"code"`
		} `json:"language"`
	} `json:"template"`
	Image    *struct{ Link string } `json:"image"`
	Document *struct{ Link string } `json:"document"`
}

func (s *Server) serveMessages(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("version") != s.opts.Version || r.PathValue("phone") != s.opts.PhoneNumberID {
		s.fail(w, http.StatusBadRequest, graphError{Message: "Unsupported post request.", Type: "GraphMethodException", Code: 100})
		return
	}
	var req sendRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil || req.MessagingProduct != "whatsapp" {
		s.invalid(w, "the body must be JSON with messaging_product whatsapp")
		return
	}
	if req.Status == "read" {
		s.mu.Lock()
		known := s.received[req.MessageID]
		if known {
			s.read = append(s.read, req.MessageID)
			if req.TypingIndicator != nil {
				s.typing = append(s.typing, req.MessageID)
			}
			s.notifyLocked()
		}
		s.mu.Unlock()
		switch {
		case !known:
			s.invalid(w, "message_id "+req.MessageID+" is not a message received by this number")
		case req.TypingIndicator != nil && req.TypingIndicator.Type != "text":
			s.invalid(w, "typing_indicator.type must be text")
		default:
			s.ok(w, map[string]any{"success": true})
		}
		return
	}
	s.mu.Lock()
	if s.throttle > 0 || s.throttleBy[req.Type] > 0 {
		if s.throttleBy[req.Type] > 0 {
			s.throttleBy[req.Type]--
		} else {
			s.throttle--
		}
		s.stats.TooMany++
		s.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(int(s.opts.RetryAfter.Round(time.Second)/time.Second)))
		s.fail(w, http.StatusTooManyRequests, graphError{Message: "(#130429) Rate limit hit", Code: 130429})
		return
	}
	last, seen := s.lastInbound[req.To]
	s.mu.Unlock()
	m := Sent{To: req.To, Type: req.Type}
	switch req.Type {
	case "text":
		if req.Text == nil || req.Text.Body == "" || utf8.RuneCountInString(req.Text.Body) > 4096 {
			s.invalid(w, "text.body must be 1 to 4096 characters")
			return
		}
		m.Text = req.Text.Body
	case "interactive":
		in := req.Interactive
		if in == nil || in.Type != "button" || in.Body.Text == "" || utf8.RuneCountInString(in.Body.Text) > 1024 {
			s.invalid(w, "interactive button messages need a body of 1 to 1024 characters")
			return
		}
		n := len(in.Action.Buttons)
		if n < 1 || n > 3 {
			s.invalid(w, fmt.Sprintf("buttons: between 1 and 3 expected, got %d", n))
			return
		}
		ids := map[string]bool{}
		for _, b := range in.Action.Buttons {
			t := b.Reply.Title
			if b.Type != "reply" || t == "" || utf8.RuneCountInString(t) > 20 || b.Reply.ID == "" || len(b.Reply.ID) > 256 || ids[b.Reply.ID] {
				s.invalid(w, fmt.Sprintf("button %q: titles 1 to 20 characters, ids unique and 1 to 256 characters", t))
				return
			}
			ids[b.Reply.ID] = true
			m.Buttons = append(m.Buttons, Button{ID: b.Reply.ID, Title: t})
		}
		m.Text = in.Body.Text
	case "template":
		if req.Template == nil || req.Template.Name == "" || req.Template.Language.Code == "" {
			s.invalid(w, "template needs a name and a language code")
			return
		}
		m.Template, m.Text = req.Template.Name, req.Template.Name
	case "image", "document":
		link := ""
		if req.Image != nil {
			link = req.Image.Link
		}
		if req.Document != nil {
			link = req.Document.Link
		}
		if !strings.HasPrefix(link, "https://") && !strings.HasPrefix(link, "http://") {
			s.invalid(w, "media needs a link")
			return
		}
		m.Link = link
	default:
		s.invalid(w, "unsupported message type "+req.Type)
		return
	}
	// Free-form messages need the user to have written in the last 24 h.
	if req.Type != "template" && (!seen || time.Since(last) > 24*time.Hour) {
		s.mu.Lock()
		s.stats.OutsideWindow++
		s.mu.Unlock()
		s.fail(w, http.StatusBadRequest, graphError{Message: "(#131047) Re-engagement message", Code: 131047,
			ErrorData: map[string]any{"messaging_product": "whatsapp", "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."}})
		return
	}
	s.mu.Lock()
	s.seq++
	m.ID, m.At = fmt.Sprintf("wamid.OUT%06d", s.seq), time.Now()
	s.sent = append(s.sent, m)
	s.notifyLocked()
	s.mu.Unlock()
	s.ok(w, map[string]any{"messaging_product": "whatsapp",
		"contacts": []map[string]any{{"input": req.To, "wa_id": req.To}}, "messages": []map[string]any{{"id": m.ID}}})
}

func (s *Server) ok(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) notifyLocked() { s.changes.Notify() }

// Sent returns the messages sent to waID.
func (s *Server) Sent(waID string) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Sent
	for _, m := range s.sent {
		if m.To == waID {
			out = append(out, m)
		}
	}
	return out
}

// Typing returns the ids of the messages a typing indicator was shown on.
func (s *Server) Typing() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.typing...)
}

// Read returns the ids of messages marked as read.
func (s *Server) Read() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.read...)
}

// WaitFor blocks until cond holds after a change (a send, a read), or ctx
// ends; without a deadline it gives up after waitfor.DefaultBound as a
// guard.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	return s.changes.Until(ctx, "a change of the WhatsApp fake", cond)
}
