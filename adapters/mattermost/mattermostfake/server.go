package mattermostfake

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/internal/waitfor"
)

// Options configure the fake. Zero values take the defaults noted.
type Options struct {
	Token       string // the bot's access token; default "mm-fake-bot-token"
	BotUserID   string // default a fresh id
	BotUsername string // default "handoff-bridge"
	TeamID      string // default a fresh id
	TeamName    string // default "support-team"
	// NoEphemeral makes POST /posts/ephemeral answer 403, as for a bot
	// without the create_post_ephemeral permission.
	NoEphemeral bool
}

// Server is a running fake Mattermost.
type Server struct {
	opts Options
	srv  *httptest.Server

	mu       sync.Mutex
	users    map[string]User
	channels map[string]*channel
	posts    map[string]*Post
	order    []string // post ids in creation order
	lastAt   int64
	ephem    []Ephemeral
	reacts   []Reaction
	typing   []Typing
	commands map[string]string // trigger → request URL
	calls    map[string]int    // route pattern → requests taken
	throttle int               // REST requests still to answer 429
	limited  int               // 429s given
	refuse   bool              // WebSocket upgrades answered 503
	changes  waitfor.Changes

	hub hub
}

type channel struct {
	Channel
	members map[string]bool
}

// New starts a fake Mattermost on a loopback port. Close it when done.
func New(opts Options) *Server {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&opts.Token, "mm-fake-bot-token")
	def(&opts.BotUserID, NewID())
	def(&opts.BotUsername, "handoff-bridge")
	def(&opts.TeamID, NewID())
	def(&opts.TeamName, "support-team")
	s := &Server{opts: opts, users: map[string]User{}, channels: map[string]*channel{}, posts: map[string]*Post{},
		commands: map[string]string{}, calls: map[string]int{}}
	s.users[opts.BotUserID] = User{ID: opts.BotUserID, Username: opts.BotUsername, FirstName: "Handoff", LastName: "Bridge", IsBot: true}
	s.hub.init()
	s.srv = httptest.NewServer(s.routes())
	return s
}

// Close drops the WebSockets and stops the server.
func (s *Server) Close() {
	s.hub.dropAll()
	s.srv.Close()
}

// URL is the server's address: the bridge's mattermost.url.
func (s *Server) URL() string { return s.srv.URL }

// Token is the bot's access token.
func (s *Server) Token() string { return s.opts.Token }

// BotUserID is the bot account's user id.
func (s *Server) BotUserID() string { return s.opts.BotUserID }

// TeamName is the team's name, as slash commands' team_domain says it.
func (s *Server) TeamName() string { return s.opts.TeamName }

// AddUser adds a person (or replaces one with the same id).
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// AddChannel adds a public channel of the team with these members; name
// the bot among them (BotUserID) for it to see and post there.
func (s *Server) AddChannel(id, name string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &channel{Channel: Channel{ID: id, TeamID: s.opts.TeamID, Type: "O", Name: name, DisplayName: name}, members: map[string]bool{}}
	for _, m := range members {
		c.members[m] = true
	}
	s.channels[id] = c
}

// SetCommand registers a custom slash command (trigger without the slash)
// and its request URL, as an admin does in Integrations.
func (s *Server) SetCommand(trigger, requestURL string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[trigger] = requestURL
}

// WaitFor waits until cond holds, checking it after every change the fake
// records; cond may call the Server's methods.
func (s *Server) WaitFor(ctx context.Context, what string, cond func() bool) error {
	return s.changes.Until(ctx, what, cond)
}

// changed tells waiters something was recorded; call with s.mu held or not.
func (s *Server) changed() { s.changes.Notify() }

// now is a millisecond clock that never gives the same value twice, so
// that create_at orders posts as Mattermost's does within a channel.
func (s *Server) now() int64 {
	t := time.Now().UnixMilli()
	if t <= s.lastAt {
		t = s.lastAt + 1
	}
	s.lastAt = t
	return t
}

// idEncoding is Mattermost's: base32 with its own alphabet, 26 characters.
var idEncoding = base32.NewEncoding("ybndrfg8ejkmcpqxot1uwisza345h769").WithPadding(base32.NoPadding)

// NewID makes an id as Mattermost does.
func NewID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return idEncoding.EncodeToString(b)
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/users/me", s.rest(s.getMe))
	mux.HandleFunc("GET /api/v4/users/{id}", s.rest(s.getUser))
	mux.HandleFunc("GET /api/v4/teams/{id}", s.rest(s.getTeam))
	mux.HandleFunc("GET /api/v4/channels/{id}", s.rest(s.getChannel))
	mux.HandleFunc("GET /api/v4/channels/{id}/members/{user}", s.rest(s.getMember))
	mux.HandleFunc("GET /api/v4/channels/{id}/posts", s.rest(s.getPostsSince))
	mux.HandleFunc("POST /api/v4/posts", s.rest(s.createPost))
	mux.HandleFunc("PUT /api/v4/posts/{id}/patch", s.rest(s.patchPost))
	mux.HandleFunc("POST /api/v4/posts/ephemeral", s.rest(s.createEphemeral))
	mux.HandleFunc("POST /api/v4/reactions", s.rest(s.addReaction))
	mux.HandleFunc("GET /api/v4/websocket", s.serveSocket)
	return mux
}
