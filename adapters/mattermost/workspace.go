package mattermost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/handoffbridge/handoff/bridge"
)

// Core is what the workspace reads and keeps through the core; the
// *bridge.Engine implements it.
type Core interface {
	// Handoffs lists handoffs, for /handoffs and the channels to catch up.
	Handoffs(ctx context.Context, states []bridge.State, team bridge.TeamID, limit int) ([]bridge.Handoff, error)
	// AdapterState keeps the channels' read positions across restarts.
	AdapterState(namespace string) *bridge.AdapterState
}

// State is the workspace's own durable key-value space.
type State interface {
	Get(ctx context.Context, key string) (string, error)
	Put(ctx context.Context, key, value string) error
}

// Options configure a Workspace.
type Options struct {
	// URL is the Mattermost server's address (its Site URL), e.g.
	// https://chat.example.com.
	URL string
	// Token is the bot account's personal access token.
	Token string
	// PublicURL is how Mattermost reaches the bridge (http.public_url):
	// buttons post their clicks to PublicURL + ActionsPath.
	PublicURL string
	// ActionKey signs the buttons' context; see LoadActionKey.
	ActionKey []byte
	// SlashToken is the /handoffs slash command's token; empty leaves
	// CommandPath unmounted.
	SlashToken string
	// Handler takes inbound events: the engine.
	Handler bridge.EventHandler
	// Core lists handoffs and keeps the read positions: the engine.
	Core Core
	// Settings returns the agents and teams in force, for /handoffs.
	Settings func() bridge.Settings
	// NoteEmoji marks internal notes; default "lock".
	NoteEmoji string
	// PingEvery is how often the WebSocket is pinged; a ping unanswered
	// within PingEvery ends the connection, which is then opened again.
	// Default 30s.
	PingEvery time.Duration
	// Reconnect spaces the attempts to reach the server; default
	// bridge.ConnectBackoff.
	Reconnect bridge.Backoff
	// OnHealth, if set, is told every change of the connection's health
	// (for metrics and tests); it must not block.
	OnHealth   func(bridge.Health)
	Logger     *slog.Logger
	HTTPClient *http.Client
}

// Workspace is the Mattermost agent workspace.
type Workspace struct {
	opts  Options
	api   *client
	log   *slog.Logger
	state State

	botID     atomic.Value // string, from /users/me, once known
	health    atomic.Value // bridge.Health
	wasUp     atomic.Bool
	connected atomic.Pointer[socket] // the open WebSocket, nil while down

	names     *nameCache
	clicks    *pendingClicks
	posted    *lru.Cache[string, struct{}] // chunks of batches already posted, for the outbox's retries
	cursors   sync.Map                     // channel id → int64: create_at of the last post seen
	teamNames sync.Map                     // channel id → its team's name, for permalinks
}

var (
	_ bridge.AgentWorkspace = (*Workspace)(nil)
	_ bridge.PostEditor     = (*Workspace)(nil)
	_ bridge.NoteMarker     = (*Workspace)(nil)
	_ bridge.ThreadTyping   = (*Workspace)(nil)
	_ bridge.Runner         = (*Workspace)(nil)
	_ bridge.RouteMounter   = (*Workspace)(nil)
	_ bridge.HealthChecker  = (*Workspace)(nil)
)

// New makes the workspace. Nothing is contacted before Run.
func New(opts Options) (*Workspace, error) {
	switch {
	case opts.Token == "":
		return nil, errors.New("mattermost: the bot's access token is required")
	case opts.Handler == nil || opts.Core == nil:
		return nil, errors.New("mattermost: an event handler and the core are required")
	case len(opts.ActionKey) < 16:
		return nil, errors.New("mattermost: an action key of at least 16 bytes is required")
	}
	if err := checkURL(opts.URL); err != nil {
		return nil, fmt.Errorf("mattermost: server url: %w", err)
	}
	if err := checkURL(opts.PublicURL); err != nil {
		return nil, fmt.Errorf("mattermost: the bridge's public url (for the buttons): %w", err)
	}
	opts.URL = strings.TrimRight(opts.URL, "/")
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	if opts.NoteEmoji == "" {
		opts.NoteEmoji = "lock"
	}
	if opts.PingEvery <= 0 {
		opts.PingEvery = 30 * time.Second
	}
	if opts.Reconnect == (bridge.Backoff{}) {
		opts.Reconnect = bridge.ConnectBackoff
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Settings == nil {
		opts.Settings = func() bridge.Settings { return bridge.Settings{} }
	}
	w := &Workspace{opts: opts, api: &client{base: opts.URL, token: opts.Token, http: opts.HTTPClient},
		log: opts.Logger.With("adapter", "mattermost"), state: opts.Core.AdapterState("mattermost"),
		names: newNameCache(10 * time.Minute), clicks: newPendingClicks()}
	w.posted, _ = lru.New[string, struct{}](10000)
	w.botID.Store("")
	w.health.Store(bridge.Health{State: bridge.HealthDown, Detail: "not connected yet"})
	return w, nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an absolute http(s) URL, got %q", s)
	}
	return nil
}

// Kind is bridge.WorkspaceMattermost.
func (w *Workspace) Kind() bridge.WorkspaceKind { return bridge.WorkspaceMattermost }

// Health reports the WebSocket connection for /readyz.
func (w *Workspace) Health(context.Context) bridge.Health { return w.health.Load().(bridge.Health) }

func (w *Workspace) setHealth(s bridge.HealthState, detail string) {
	h := bridge.Health{State: s, Detail: detail}
	if old := w.health.Swap(h); old != h && w.opts.OnHealth != nil {
		w.opts.OnHealth(h)
	}
}

// notUp reports a connection that is not up: degraded once it has been
// up, down (with why) while it never was.
func (w *Workspace) notUp(why string) {
	if w.wasUp.Load() {
		w.setHealth(bridge.HealthDegraded, why)
		return
	}
	w.setHealth(bridge.HealthDown, "not connected yet: "+why)
}

func (w *Workspace) bot() string { return w.botID.Load().(string) }

// Run learns the bot's identity, then keeps the WebSocket open until ctx
// ends, reading back what was missed after each reconnect.
func (w *Workspace) Run(ctx context.Context) error {
	if err := w.identify(ctx); err != nil || ctx.Err() != nil {
		return err
	}
	return w.keepSocket(ctx)
}

// identify reads the bot's user (GET /users/me), retrying until the
// server answers: the bot's own posts must never be relayed. A refused
// token ends it.
func (w *Workspace) identify(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		me, err := w.api.me(ctx)
		if err == nil {
			w.botID.Store(me.ID)
			w.log.Info("mattermost connected", "bot_user", me.Username, "bot_id", me.ID)
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		if status(err) == http.StatusUnauthorized {
			msg := "GET /users/me: the access token was refused: " + err.Error()
			w.setHealth(bridge.HealthDown, msg)
			return errors.New("mattermost: " + msg)
		}
		w.notUp("GET /users/me: " + err.Error())
		w.log.Warn("cannot reach Mattermost; retrying", "err", err, "attempt", attempt+1)
		if !w.opts.Reconnect.Wait(ctx, attempt) {
			return nil
		}
	}
}
