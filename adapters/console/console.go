package console

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/handoffbridge/handoff/bridge"
)

// Prefix is where the console is served.
const Prefix = "/console"

// Login is an agent who may log into the console. The engine knows them as
// the agent whose console identity is Name.
type Login struct {
	Name        string // the login and the engine's console user id
	DisplayName string // shown to users and other agents; empty means Name
	Admin       bool
	Teams       []bridge.TeamID
	// Token, when set, logs the agent in on its own.
	Token string
	// PasswordHash, when set, is a bcrypt hash of the agent's password.
	PasswordHash string
}

func (l Login) displayName() string {
	if l.DisplayName != "" {
		return l.DisplayName
	}
	return l.Name
}

// readableTeams are the teams whose handoffs the agent sees, one at a
// time; for an admin the single "" means every team.
func (l Login) readableTeams() []bridge.TeamID {
	if l.Admin {
		return []bridge.TeamID{""}
	}
	return slices.Compact(slices.Sorted(slices.Values(l.Teams)))
}

// mayRead reports whether the agent sees a team's handoffs: admins see all.
func (l Login) mayRead(t bridge.TeamID) bool {
	if l.Admin {
		return true
	}
	for _, x := range l.Teams {
		if x == t {
			return true
		}
	}
	return false
}

// Options configure a Console.
type Options struct {
	// Engine takes the agents' actions and is read for lists and history.
	Engine Engine
	Logins []Login
	// SessionKey signs session cookies and CSRF tokens; at least 32 bytes,
	// the same on every replica (the bridge keeps one in its store). Empty
	// means a random key: sessions end with the process.
	SessionKey []byte
	// Fanout tells the other replicas sharing the store what their agents'
	// tabs must hear; bridge.LocalFanout when nil.
	Fanout bridge.Fanout
	// SessionTTL is how long a login lasts. Default 12h.
	SessionTTL time.Duration
	// SecureCookie sets the cookie's Secure flag: on when the bridge is
	// reached over HTTPS.
	SecureCookie bool
	Logger       *slog.Logger
	// Now is the clock for sessions and waiting times; default time.Now.
	Now func() time.Time
	// NotePrefix is the configured note prefix, shown in the composer's hint.
	NotePrefix string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client; the login limits are keyed on that client's address.
	TrustedProxies []netip.Prefix
	// Files, when set, lets agents send files and serves the files of the
	// handoffs they may read (the *files.Service).
	Files Files
}

// Engine is what the console needs of the core; *bridge.Engine implements
// it. The console writes only through Handle, and its own lines of the
// bridge through its AdapterState.
type Engine interface {
	bridge.EventHandler
	Handoff(ctx context.Context, id bridge.HandoffID) (*bridge.Handoff, error)
	Handoffs(ctx context.Context, states []bridge.State, team bridge.TeamID, limit int) ([]bridge.Handoff, error)
	ClosedHandoffs(ctx context.Context, team bridge.TeamID, limit int) ([]bridge.Handoff, error)
	Conversations(ctx context.Context, ids []bridge.ConversationID) (map[bridge.ConversationID]*bridge.Conversation, error)
	HandoffRecord(ctx context.Context, id bridge.HandoffID, messages int) (*bridge.HandoffRecord, error)
	AdapterState(namespace string) *bridge.AdapterState
	AllowedActions(h *bridge.Handoff, ref bridge.AgentRef) []bridge.Action
	Settings() bridge.Settings
	FilledCannedReplies(ctx context.Context, h bridge.HandoffID, agent bridge.AgentRef) ([]bridge.CannedReply, error)
	AgentStatus(ctx context.Context, ref bridge.AgentRef) (bridge.AgentStatus, error)
}

// Console is the web agent console: an agent workspace and its HTTP routes.
type Console struct {
	engine  Engine
	state   *bridge.AdapterState // the console's thread lines
	log     *slog.Logger
	now     func() time.Time
	secure  bool
	ttl     time.Duration
	notes   string
	proxies []netip.Prefix
	files   Files

	mu     sync.RWMutex
	logins map[string]Login

	sessions *sessions
	hub      *hub
	fanout   bridge.Fanout
	limiter  *loginLimiter
	// teams remembers the team of the handoffs live events are about.
	teams *lru.Cache[string, bridge.TeamID]
}

var (
	_ bridge.AgentWorkspace = (*Console)(nil)
	_ bridge.NoteMarker     = (*Console)(nil)
	_ bridge.ThreadTyping   = (*Console)(nil)
	_ bridge.RouteMounter   = (*Console)(nil)
	_ bridge.HealthChecker  = (*Console)(nil)
)

// New makes a console. Register it with the engine (RegisterWorkspace) and
// mount its routes.
func New(opts Options) (*Console, error) {
	if opts.Engine == nil {
		return nil, errors.New("console: new: an engine is required")
	}
	key := opts.SessionKey
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("console: new: session key: %w", err)
		}
	}
	if len(key) < 32 {
		return nil, errors.New("console: new: the session key must be at least 32 bytes")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Fanout == nil {
		opts.Fanout = bridge.LocalFanout{}
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	c := &Console{
		engine: opts.Engine, state: opts.Engine.AdapterState("console"), log: opts.Logger, now: opts.Now,
		secure: opts.SecureCookie, ttl: opts.SessionTTL, notes: opts.NotePrefix, proxies: opts.TrustedProxies, files: opts.Files,
		hub: newHub(), limiter: newLoginLimiter(), teams: newTeamCache(), fanout: opts.Fanout,
	}
	c.sessions = newSessions(key, c.state)
	c.SetLogins(opts.Logins)
	// For the process's life: the fan-out lives as long.
	opts.Fanout.Subscribe(fanoutTopic, fanoutSubscriber{c})
	return c, nil
}

// SetLogins replaces who may log in (on config reload). Sessions of agents
// no longer listed end at their next request.
func (c *Console) SetLogins(ls []Login) {
	m := make(map[string]Login, len(ls))
	for _, l := range ls {
		m[l.Name] = l
	}
	c.mu.Lock()
	c.logins = m
	c.mu.Unlock()
}

func (c *Console) login(name string) (Login, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	l, ok := c.logins[name]
	return l, ok
}

func (c *Console) allLogins() []Login {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]Login, 0, len(c.logins))
	for _, l := range c.logins {
		out = append(out, l)
	}
	return out
}

// Kind is bridge.WorkspaceConsole.
func (c *Console) Kind() bridge.WorkspaceKind { return bridge.WorkspaceConsole }

// Health is up: the console is served by the bridge itself. The detail
// says how many agents are connected.
func (c *Console) Health(context.Context) bridge.Health {
	return bridge.Health{State: bridge.HealthUp, Detail: fmt.Sprintf("%d agent connections", c.hub.count())}
}

// agentRef is how the engine knows a logged-in agent.
func (l Login) agentRef() bridge.AgentRef {
	return bridge.AgentRef{Workspace: bridge.WorkspaceConsole, UserID: l.Name, DisplayName: l.displayName()}
}

// Mount serves the console under /console.
func (c *Console) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET "+Prefix, c.servePage)
	mux.HandleFunc("GET "+Prefix+"/{$}", c.servePage)
	mux.Handle("GET "+Prefix+"/assets/", http.StripPrefix(Prefix, assetHandler()))
	mux.HandleFunc("POST "+Prefix+"/api/login", c.handleLogin)
	mux.HandleFunc("POST "+Prefix+"/api/logout", c.authed(c.handleLogout))
	mux.HandleFunc("GET "+Prefix+"/api/me", c.authed(c.handleMe))
	mux.HandleFunc("GET "+Prefix+"/api/handoffs", c.authed(c.handleList))
	mux.HandleFunc("GET "+Prefix+"/api/handoffs/{id}", c.authed(c.handleDetail))
	mux.HandleFunc("POST "+Prefix+"/api/handoffs/{id}/actions", c.authed(c.handleAction))
	mux.HandleFunc("POST "+Prefix+"/api/handoffs/{id}/messages", c.authed(c.handleReply))
	mux.HandleFunc("GET "+Prefix+"/api/handoffs/{id}/canned", c.authed(c.handleCanned))
	mux.HandleFunc("PATCH "+Prefix+"/api/handoffs/{id}/messages/{msg}", c.authed(c.handleEdit))
	mux.HandleFunc("DELETE "+Prefix+"/api/handoffs/{id}/messages/{msg}", c.authed(c.handleDelete))
	mux.HandleFunc("POST "+Prefix+"/api/handoffs/{id}/files", c.authed(c.handleUpload))
	mux.HandleFunc("GET "+Prefix+"/api/handoffs/{id}/files/{blob}", c.authed(c.handleFile))
	mux.HandleFunc("POST "+Prefix+"/api/preview", c.authed(c.handlePreview))
	mux.HandleFunc("POST "+Prefix+"/api/status", c.authed(c.handleStatus))
	mux.HandleFunc("GET "+Prefix+"/api/live", c.authed(c.handleLive))
}
