package teamsfake

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/internal/waitfor"
)

// Options configure a Server.
type Options struct {
	AppID       string        // the bot's app id; default a fixed GUID
	AppPassword string        // its client secret; default "fake-secret"
	TenantID    string        // default a fixed GUID
	TokenLife   time.Duration // lifetime of the tokens it issues; default 1h
}

// Server is the fake.
type Server struct {
	opts    Options
	srv     *httptest.Server
	key     *rsa.PrivateKey
	kid     string
	changes waitfor.Changes

	mu           sync.Mutex
	tokens       map[string]bool // issued and not revoked
	tokenFetches int
	keyFetches   int
	channels     map[string]bool
	convs        map[string][]*Message // conversation id → its messages, in order
	calls        []Call
	throttle     int
	retryAfter   int
	next         int64
	botURL       string
}

// User is a Teams user.
type User struct {
	ID          string // 29:…
	Name        string
	AADObjectID string
}

// Call is one Connector request the bot made.
type Call struct {
	Method       string
	Path         string
	Conversation string
	ActivityID   string
	Body         json.RawMessage
	Status       int
}

// New starts a fake.
func New(opts Options) *Server {
	if opts.AppID == "" {
		opts.AppID = "9f3c2a51-7d4e-4b8a-a1f0-3c5e8d7b6a42"
	}
	if opts.AppPassword == "" {
		opts.AppPassword = "fake-secret"
	}
	if opts.TenantID == "" {
		opts.TenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	}
	if opts.TokenLife == 0 {
		opts.TokenLife = time.Hour
	}
	s := &Server{opts: opts, key: NewKey(), kid: "fake-key-1", tokens: map[string]bool{},
		channels: map[string]bool{}, convs: map[string][]*Message{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.token)
	mux.HandleFunc("GET /v1/.well-known/openidconfiguration", s.openID)
	mux.HandleFunc("GET /v1/.well-known/keys", s.keys)
	mux.HandleFunc("POST /v3/conversations", s.connector(s.createConversation))
	mux.HandleFunc("POST /v3/conversations/{conv}/activities", s.connector(s.sendActivity))
	mux.HandleFunc("PUT /v3/conversations/{conv}/activities/{id}", s.connector(s.updateActivity))
	mux.HandleFunc("DELETE /v3/conversations/{conv}/activities/{id}", s.connector(s.deleteActivity))
	mux.HandleFunc("GET /v3/conversations/{conv}/members", s.connector(s.members))
	s.srv = httptest.NewServer(mux)
	return s
}

// NewKey makes an RSA signing key (for the fake, or for a forger).
func NewKey() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// URL is the fake's base URL.
func (s *Server) URL() string { return s.srv.URL }

// ServiceURL is the Connector's base, as activities name it.
func (s *Server) ServiceURL() string { return s.srv.URL + "/" }

// TokenURL is the token endpoint, with {tenant} for the tenant.
func (s *Server) TokenURL() string { return s.srv.URL + "/{tenant}/oauth2/v2.0/token" }

// OpenIDURL is the OpenID metadata document.
func (s *Server) OpenIDURL() string { return s.srv.URL + "/v1/.well-known/openidconfiguration" }

// Issuer is what the fake's tokens say issued them.
func (s *Server) Issuer() string { return "https://api.botframework.com" }

// AppID, AppPassword and TenantID are the bot's credentials.
func (s *Server) AppID() string       { return s.opts.AppID }
func (s *Server) AppPassword() string { return s.opts.AppPassword }
func (s *Server) TenantID() string    { return s.opts.TenantID }

// SetBot names the bot's messaging endpoint (…/teams/messages).
func (s *Server) SetBot(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.botURL = url
}

// WaitFor blocks until cond holds, checked after every change.
func (s *Server) WaitFor(ctx context.Context, what string, cond func() bool) error {
	if err := s.changes.Until(ctx, what, cond); err != nil {
		return fmt.Errorf("teamsfake: %w", err)
	}
	return nil
}

// newID is a message id, as Teams makes them (epoch milliseconds).
func (s *Server) newID() string {
	s.next++
	return strconv.FormatInt(1700000000000+s.next, 10)
}

// NewChannel adds a channel and returns its id.
func (s *Server) NewChannel() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := "19:" + s.newID() + "@thread.tacv2"
	s.channels[id] = true
	return id
}

// NewUser makes a user of the tenant.
func (s *Server) NewUser(name string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.newID()
	return User{ID: "29:1" + n, Name: name, AADObjectID: fmt.Sprintf("00000000-0000-4000-8000-%012s", n[len(n)-12:])}
}

// Throttle answers the next n Connector calls 429 with Retry-After.
func (s *Server) Throttle(n, retryAfterSeconds int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle, s.retryAfter = n, retryAfterSeconds
}

// RevokeTokens makes every token issued so far invalid, as when they
// expire: the Connector answers 401 to them.
func (s *Server) RevokeTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// TokenFetches is how many tokens the bot got.
func (s *Server) TokenFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenFetches
}

// Calls are the Connector calls made so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// BotURL is the bot's messaging endpoint SetBot named.
func (s *Server) BotURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.botURL
}

// RotateKey replaces the signing key (with a new key id), as the Bot
// Framework does from time to time.
func (s *Server) RotateKey() {
	k := NewKey()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	s.key, s.kid = k, "fake-key-"+strconv.FormatInt(s.next, 10)
}

// KeyFetches is how many times the bot read the key set.
func (s *Server) KeyFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keyFetches
}
