package telegramfake

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/internal/connlog"
	"github.com/handoffbridge/handoff/internal/waitfor"
	"golang.org/x/time/rate"
)

// Options shape a fake server. Zero values take Telegram's numbers.
type Options struct {
	Token string // default "123456:TEST-TOKEN"
	// BotID and BotUsername are what getMe answers.
	BotID       int64  // default 987654321
	BotUsername string // default "example_support_bot"
	// PerChat and PerChatBurst limit messages to one chat (default 1/s,
	// burst 3); Global and GlobalBurst all messages (default 30/s, 30).
	PerChat      rate.Limit
	PerChatBurst int
	Global       rate.Limit
	GlobalBurst  int
}

// Server is a fake Telegram Bot API.
type Server struct {
	opts Options
	srv  *httptest.Server

	mu        sync.Mutex
	updates   []json.RawMessage // pending, oldest first, with their ids
	updateIDs []int
	nextID    int
	arrived   chan struct{} // closed and replaced when an update is added
	webhook   webhookState
	// updatesHang, while not nil, holds getUpdates calls; updatesFail
	// answers them 502.
	updatesHang chan struct{}
	updatesFail bool
	// polling is the getUpdates call being served, which a newer one
	// terminates with 409 as Telegram does; pollers has a span per call.
	polling   *poll
	pollers   connlog.Log
	chats     map[int64]*chatState
	nextMsgID map[int64]int
	files     map[string]file
	callbacks map[string]string // answered callback id → text
	global    *rate.Limiter
	throttle  map[int64]int // chat → number of 429s to answer before serving
	stats     Stats
	changes   waitfor.Changes
	sequence  int

	allFail bool // every call answers 502 (FailAll)
}

// Stats counts what the server answered.
type Stats struct {
	Requests    int
	TooMany     int // 429 answers
	Forbidden   int // 403 answers
	BadRequests int // 400 answers
	UpdateCalls int // getUpdates calls
	// Conflicts are getUpdates calls answered 409 because a newer call
	// came while they were served: two pollers of one bot.
	Conflicts int
}

type webhookState struct {
	URL         string
	SecretToken string
	lastError   string // of the last failed delivery, as getWebhookInfo says
	lastErrorAt time.Time
}

type chatState struct {
	sent    []Sent
	actions []string
	limiter *rate.Limiter
	blocked bool
}

type file struct {
	path    string
	content []byte
}

// New starts a fake server; Close stops it.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = "123456:TEST-TOKEN"
	}
	if opts.BotID == 0 {
		opts.BotID = 987654321
	}
	if opts.BotUsername == "" {
		opts.BotUsername = "example_support_bot"
	}
	if opts.PerChat == 0 {
		opts.PerChat, opts.PerChatBurst = 1, max(opts.PerChatBurst, 3)
	}
	if opts.Global == 0 {
		opts.Global, opts.GlobalBurst = 30, max(opts.GlobalBurst, 30)
	}
	s := &Server{
		opts:      opts,
		nextID:    100000001,
		arrived:   make(chan struct{}),
		chats:     map[int64]*chatState{},
		nextMsgID: map[int64]int{},
		files:     map[string]file{},
		callbacks: map[string]string{},
		throttle:  map[int64]int{},
		global:    rate.NewLimiter(opts.Global, max(opts.GlobalBurst, 1)),
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// Endpoint is the API endpoint format for tgbotapi.NewBotAPIWithAPIEndpoint.
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.opts.Token }

// BotID is the bot's user id.
func (s *Server) BotID() int64 { return s.opts.BotID }

// BotUsername is the bot's username, without "@".
func (s *Server) BotUsername() string { return s.opts.BotUsername }

// Stats returns the counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Webhook returns the URL and secret token set with setWebhook.
func (s *Server) Webhook() (url, secretToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.URL, s.webhook.SecretToken
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.stats.Requests++
	failing := s.allFail
	if failing {
		s.notifyLocked() // a test may wait for the bridge to try
	}
	s.mu.Unlock()
	if failing {
		s.fail(w, http.StatusBadGateway, "Bad Gateway", nil)
		return
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.serveFile(w, r, rest)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		s.fail(w, http.StatusNotFound, "Not Found", nil)
		return
	}
	if token != s.opts.Token {
		s.fail(w, http.StatusUnauthorized, "Unauthorized", nil)
		return
	}
	if err := r.ParseMultipartForm(10 << 20); err != nil && err != http.ErrNotMultipart {
		s.fail(w, http.StatusBadRequest, "Bad Request: "+err.Error(), nil)
		return
	}
	h := s.methods()[method]
	if h == nil {
		s.fail(w, http.StatusNotFound, "Not Found: method not found", nil)
		return
	}
	h(w, r)
}

func (s *Server) methods() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"getMe":               s.getMe,
		"getUpdates":          s.getUpdates,
		"setWebhook":          s.setWebhook,
		"deleteWebhook":       s.deleteWebhook,
		"getWebhookInfo":      s.getWebhookInfo,
		"sendMessage":         s.sendMessage,
		"editMessageText":     s.editMessageText,
		"deleteMessage":       s.deleteMessage,
		"answerCallbackQuery": s.answerCallbackQuery,
		"sendChatAction":      s.sendChatAction,
		"sendPhoto":           s.sendMedia("photo"),
		"sendDocument":        s.sendMedia("document"),
		"getFile":             s.getFile,
	}
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request) {
	s.ok(w, map[string]any{
		"id": s.opts.BotID, "is_bot": true, "first_name": "Support Bot", "username": s.opts.BotUsername,
		"can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
	})
}

// ok answers a successful call.
func (s *Server) ok(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

// fail answers an error the way the Bot API does.
func (s *Server) fail(w http.ResponseWriter, code int, description string, params map[string]any) {
	s.mu.Lock()
	switch code {
	case http.StatusTooManyRequests:
		s.stats.TooMany++
	case http.StatusForbidden:
		s.stats.Forbidden++
	case http.StatusBadRequest:
		s.stats.BadRequests++
	}
	s.mu.Unlock()
	body := map[string]any{"ok": false, "error_code": code, "description": description}
	if params != nil {
		body["parameters"] = params
	}
	w.Header().Set("Content-Type", "application/json")
	if ra, ok := params["retry_after"]; ok {
		w.Header().Set("Retry-After", fmt.Sprint(ra))
	}
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(body)
}

// admit applies the blocked state and the rate limits to a message sent to
// chat; it answers the error itself and returns false when refused.
func (s *Server) admit(w http.ResponseWriter, chat int64) bool {
	s.mu.Lock()
	c := s.chat(chat)
	if c.blocked {
		s.mu.Unlock()
		s.fail(w, http.StatusForbidden, "Forbidden: bot was blocked by the user", nil)
		return false
	}
	if n := s.throttle[chat]; n > 0 {
		s.throttle[chat] = n - 1
		s.mu.Unlock()
		s.tooMany(w, time.Second)
		return false
	}
	now := time.Now()
	rc := c.limiter.ReserveN(now, 1)
	if d := rc.DelayFrom(now); d > 0 {
		rc.CancelAt(now)
		s.mu.Unlock()
		s.tooMany(w, d)
		return false
	}
	rg := s.global.ReserveN(now, 1)
	if d := rg.DelayFrom(now); d > 0 {
		rg.CancelAt(now)
		rc.CancelAt(now)
		s.mu.Unlock()
		s.tooMany(w, d)
		return false
	}
	s.mu.Unlock()
	return true
}

func (s *Server) tooMany(w http.ResponseWriter, d time.Duration) {
	secs := int(math.Ceil(d.Seconds()))
	s.fail(w, http.StatusTooManyRequests, fmt.Sprintf("Too Many Requests: retry after %d", secs), map[string]any{"retry_after": secs})
}

// chat returns the state of a chat; s.mu must be held.
func (s *Server) chat(id int64) *chatState {
	c := s.chats[id]
	if c == nil {
		c = &chatState{limiter: rate.NewLimiter(s.opts.PerChat, max(s.opts.PerChatBurst, 1))}
		s.chats[id] = c
	}
	return c
}

// FailAll makes every call, getMe included, answer 502 Bad Gateway while
// on: the Bot API out of reach behind a proxy. Each refused call wakes
// WaitChange.
func (s *Server) FailAll(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.allFail = on
}

// Block makes the chat's user block the bot: sends to it answer 403.
func (s *Server) Block(chat int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat(chat).blocked = true
}

// Throttle makes the next n sends to chat answer 429 with retry_after 1,
// whatever the rate: a flood-control storm on demand.
func (s *Server) Throttle(chat int64, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle[chat] += n
}
