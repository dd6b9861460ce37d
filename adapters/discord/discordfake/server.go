package discordfake

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// Options configure a fake.
type Options struct {
	// Token is the bot token the fake accepts (without "Bot "); default
	// "fake-token".
	Token string
	// Limits are the rate limits; zero value: DefaultLimits.
	Limits *Limits
	// HeartbeatInterval is sent in HELLO; default 41.25 s as Discord does.
	HeartbeatInterval time.Duration
	// InteractionDeadline is how long an interaction may wait for its first
	// answer; default 3 s as Discord.
	InteractionDeadline time.Duration
}

// Server is a running fake Discord.
type Server struct {
	srv      *httptest.Server
	token    string
	deadline time.Duration

	// Bot is the fake's bot user; GuildID its one guild; AppID its
	// application, whose interactions are signed with the key pair.
	Bot        discordgo.User
	GuildID    string
	AppID      string
	PublicKey  ed25519.PublicKey
	privateKey ed25519.PrivateKey
	// AppFlags are the application's flags; by default the message
	// content intent is on (GATEWAY_MESSAGE_CONTENT_LIMITED, 1<<19).
	AppFlags int

	ids snowflakes
	lim *limiter
	gw  *gateway

	mu           sync.Mutex
	changes      waitfor.Changes
	channels     map[string]*discordgo.Channel
	denied       map[string]bool
	messages     map[string][]*Message // per channel, oldest first
	created      []*Message            // every channel, in creation order (see Created)
	byID         map[string]*Message
	roles        map[string][]string // user id → guild role ids
	interactions map[string]*Interaction
	typing       []Typing
	reactions    []Reaction
	failNext     map[string][]int                          // route template → status codes to answer
	commands     map[string][]discordgo.ApplicationCommand // guild id ("" global) → registered commands
	commandPuts  int
	files        map[string]cdnFile // attachment id → bytes (see File)
	cdnKey       []byte             // signs attachment links
	cdnExpired   int64              // links issued up to this Unix second fail
}

// New starts a fake Discord; it stops with the test.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = "fake-token"
	}
	limits := DefaultLimits()
	if opts.Limits != nil {
		limits = *opts.Limits
	}
	if opts.HeartbeatInterval <= 0 {
		opts.HeartbeatInterval = 41250 * time.Millisecond
	}
	if opts.InteractionDeadline <= 0 {
		opts.InteractionDeadline = 3 * time.Second
	}
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		panic(err)
	}
	s := &Server{
		token: opts.Token, deadline: opts.InteractionDeadline,
		PublicKey: pub, privateKey: priv,
		lim:      newLimiter(limits),
		channels: map[string]*discordgo.Channel{}, denied: map[string]bool{},
		messages: map[string][]*Message{}, byID: map[string]*Message{},
		roles: map[string][]string{}, interactions: map[string]*Interaction{},
		failNext: map[string][]int{}, commands: map[string][]discordgo.ApplicationCommand{},
		files: map[string]cdnFile{}, cdnKey: newCDNKey(),
	}
	s.AppFlags = 1 << 19
	s.Bot = discordgo.User{ID: s.ids.next(), Username: "handoff-bot", Discriminator: "0", Bot: true}
	s.GuildID = s.ids.next()
	s.AppID = s.Bot.ID // Discord bots made since 2020 share the application's id
	s.gw = newGateway(s, opts.HeartbeatInterval)
	s.srv = httptest.NewServer(s.routes())
	return s
}

// Close stops the server and its gateway connections.
func (s *Server) Close() {
	s.gw.closeAll()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// URL is the fake's base URL (http://127.0.0.1:port).
func (s *Server) URL() string { return s.srv.URL }

// GatewayURL is the WebSocket URL the /gateway route answers.
func (s *Server) GatewayURL() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/" }

// Token is the bot token the fake accepts.
func (s *Server) Token() string { return s.token }

// Client is an http.Client that sends every request for discord.com (and
// its CDN hosts, cdn.discordapp.com and media.discordapp.net) to the fake. Give it to the discordgo session.
func (s *Server) Client() *http.Client {
	target, _ := url.Parse(s.srv.URL)
	return &http.Client{Timeout: 20 * time.Second, Transport: rewriteHost{target: target, next: s.srv.Client().Transport}}
}

type rewriteHost struct {
	target *url.URL
	next   http.RoundTripper
}

func (r rewriteHost) RoundTrip(req *http.Request) (*http.Response, error) {
	if h := req.URL.Host; strings.HasSuffix(h, "discord.com") || strings.HasSuffix(h, "discordapp.com") || strings.HasSuffix(h, "discordapp.net") {
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host = r.target.Scheme, r.target.Host
		req.Host = r.target.Host
	}
	return r.next.RoundTrip(req)
}

// touch wakes whoever waits on a change. Call with s.mu held.
func (s *Server) touch() { s.changes.Notify() }

// notify wakes waiters after a change made without s.mu held.
func (s *Server) notify() { s.changes.Notify() }

// WaitFor blocks until cond holds (checked on every change of the fake's
// state), or ctx ends; without a deadline on ctx it gives up after
// waitfor.DefaultBound. cond runs with the fake unlocked.
func (s *Server) WaitFor(ctx context.Context, what string, cond func() bool) error {
	if err := s.changes.Until(ctx, what, cond); err != nil {
		return fmt.Errorf("discordfake: %w", err)
	}
	return nil
}

// apiError answers with Discord's error shape.
func apiError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"message": msg, "code": code})
}

// formError answers 400 Invalid Form Body naming the field, as Discord does.
func formError(w http.ResponseWriter, field, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"message": "Invalid Form Body", "code": 50035,
		"errors": map[string]any{field: map[string]any{"_errors": []map[string]string{{"code": code, "message": msg}}}},
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
