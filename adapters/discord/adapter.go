package discord

import (
	"context"
	"errors"
	"fmt"
	lru "github.com/hashicorp/golang-lru/v2"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/bridge"
)

// Adapter is the bot: one discordgo session shared by the workspace, the
// user channel and the notifiers.
type Adapter struct {
	cfg     Options
	s       *discordgo.Session
	handler bridge.EventHandler
	core    Core
	state   State // read positions and the DM index
	log     *slog.Logger

	botID        atomic.Value // string: the bot's user id, known once connected
	readyApp     atomic.Value // string: the application id READY named
	guilds       sync.Map     // channel id → guild id, for command registration and thread links
	connected    atomic.Bool
	connectErr   atomic.Pointer[string]        // why the first connection failed, until one succeeds
	events       atomic.Uint64                 // dispatches received: signs of life for the watchdog
	stale        atomic.Pointer[time.Duration] // set while the gateway is silent and being reconnected
	reconnecting atomic.Bool
	bg           sync.WaitGroup // the watchdog and its reconnects
	roles        sync.Map       // user id → []string: guild roles last seen, for typing events that carry none
	cursors      sync.Map       // channel id → last message id handled
	dms          dmIndex        // DM channels to read back after a reconnect
	// authors remembers who wrote recent messages of support channels:
	// Discord's MESSAGE_DELETE says which message, not whose.
	authors *lru.Cache[string, string]

	catchUpSlots chan struct{} // bounds channels read back at once

	lanes     *lanes
	pending   *pendingInteractions
	downloads *http.Client // agents' files from the CDN (see keepFiles)

	// life is for work that does not need the gateway (HTTP interactions,
	// thread archives): any replica does it, in or out of a Run. run is the
	// current Run's, for work started by gateway events; Run may end and
	// start again (a lease lost and won back), each with a run of its own.
	life     context.Context
	run      runContext
	archives sync.Map // thread id → *time.Timer of its delayed archive
	closed   sync.Map // thread id → true once renamed as closed
}

var (
	_ bridge.Runner        = (*Adapter)(nil)
	_ bridge.RouteMounter  = (*Adapter)(nil)
	_ bridge.HealthChecker = (*Adapter)(nil)
)

// Core is what the adapter reads and keeps through the core; the
// *bridge.Engine implements it.
type Core interface {
	// Handoffs lists handoffs, for /handoffs and the threads to catch up.
	Handoffs(ctx context.Context, states []bridge.State, team bridge.TeamID, limit int) ([]bridge.Handoff, error)
	// HandoffByThread tells whether a thread is a handoff's, before an
	// agent's files there are copied into the bridge (see keepFiles).
	HandoffByThread(ctx context.Context, w bridge.WorkspaceKind, threadID string) (*bridge.Handoff, error)
	// AdapterState keeps the channels' read positions for the catch-up
	// after a reconnect, and the index of DM channels.
	AdapterState(namespace string) *bridge.AdapterState
}

// State is the adapter's own durable key-value space.
type State interface {
	Get(ctx context.Context, key string) (string, error)
	Put(ctx context.Context, key, value string) error
}

// New checks the options and makes the adapter. Nothing is contacted
// before Run.
func New(cfg Options) (*Adapter, error) {
	cfg.defaults()
	if cfg.Token == "" {
		return nil, errors.New("discord: new adapter: a bot token is required")
	}
	if cfg.Handler == nil || cfg.Core == nil {
		return nil, errors.New("discord: new adapter: an event handler and a core are required")
	}
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("discord: new session: %w", err)
	}
	if cfg.HTTPClient != nil {
		s.Client = cfg.HTTPClient
	}
	// A 429 must reach the outbox as a RetryAfterError (it retries the
	// entry, in order); discordgo would otherwise sleep inside the call.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 1
	s.ShouldReconnectOnError = true
	// Handlers run in the gateway's read loop, in order; they only queue.
	s.SyncEvents = true
	s.LogLevel = discordgo.LogError
	s.Identify.Intents = Intents
	authors, _ := lru.New[string, string](maxAuthorsKept)
	a := &Adapter{authors: authors, cfg: cfg, s: s, handler: cfg.Handler, core: cfg.Core, state: cfg.Core.AdapterState("discord"), log: cfg.Logger.With("adapter", "discord"),
		lanes: newLanes(), pending: newPendingInteractions(), life: context.Background(),
		catchUpSlots: make(chan struct{}, catchUpParallel), downloads: downloadClient(cfg.HTTPClient)}
	a.botID.Store("")
	a.readyApp.Store("")
	a.addHandlers()
	return a, nil
}

// Session exposes the discordgo session, for commands and checks.
func (a *Adapter) Session() *discordgo.Session { return a.s }

func (a *Adapter) bot() string { return a.botID.Load().(string) }

// appID is the application's id: configured, else named by READY, else
// the bot's (which it equals for applications made since 2020).
func (a *Adapter) appID() string {
	if a.cfg.ApplicationID != "" {
		return a.cfg.ApplicationID
	}
	if id := a.readyApp.Load().(string); id != "" {
		return id
	}
	return a.bot()
}

// Run connects to the gateway and stays connected until ctx ends;
// discordgo resumes or re-identifies after a drop by itself. Run may be
// called again once it returned (bridge.Singleton does, when this replica
// wins the gateway's lease back): it connects again.
func (a *Adapter) Run(ctx context.Context) error {
	ctx, stop := a.run.start(ctx)
	defer stop()
	a.s.ShouldReconnectOnError = true
	for attempt := 0; ; attempt++ {
		err := a.connect(ctx)
		if err == nil {
			a.connectErr.Store(nil)
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		msg := err.Error()
		if restStatus(err) == http.StatusUnauthorized {
			msg = "the bot token was refused: " + msg
			a.connectErr.Store(&msg)
			return errors.New(msg) // retrying would not help
		}
		a.connectErr.Store(&msg)
		a.log.Warn("cannot connect to Discord; retrying", "err", err, "attempt", attempt+1)
		if !bridge.ConnectBackoff.Wait(ctx, attempt) {
			return nil
		}
	}
	a.bg.Add(1)
	go func() {
		defer a.bg.Done()
		a.watchdog(ctx)
	}()
	a.registerCommandsRetrying(ctx)
	<-ctx.Done()
	a.bg.Wait()
	a.s.ShouldReconnectOnError = false
	if err := a.s.Close(); err != nil {
		a.log.Warn("close gateway", "err", err)
	}
	stop()
	a.lanes.wait()
	return nil
}

func (a *Adapter) connect(ctx context.Context) error {
	me, err := a.s.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("read the bot user: %w", err)
	}
	a.botID.Store(me.ID)
	if err := a.s.Open(); err != nil {
		return fmt.Errorf("open gateway: %w", err)
	}
	return nil
}

// Health reports the gateway connection: down while disconnected (with
// the error, while the first connection keeps failing), degraded while a connection that delivered nothing for StaleAfter is
// being reconnected.
func (a *Adapter) Health(context.Context) bridge.Health {
	if silent := a.stale.Load(); silent != nil {
		return bridge.Health{State: bridge.HealthDegraded, Detail: "the gateway delivered nothing for " + silent.Round(time.Second).String() + "; reconnecting"}
	}
	if !a.connected.Load() {
		if why := a.connectErr.Load(); why != nil {
			return bridge.Health{State: bridge.HealthDown, Detail: "not connected yet: " + *why}
		}
		return bridge.Health{State: bridge.HealthDown, Detail: "gateway disconnected"}
	}
	return bridge.Health{State: bridge.HealthUp}
}

func (a *Adapter) isSupportChannel(id string) bool {
	return a.cfg.Users && slices.Contains(a.cfg.SupportChannels, id)
}

// lanes run queued work in order per key (a channel), each key on its own
// goroutine while it has work: a slow thread never holds up another, and
// the gateway's read loop never waits on the store.
type lanes struct {
	mu sync.Mutex
	q  map[string][]func()
	wg sync.WaitGroup
}

func newLanes() *lanes { return &lanes{q: map[string][]func(){}} }

func (l *lanes) push(key string, fn func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if q, busy := l.q[key]; busy {
		l.q[key] = append(q, fn)
		return
	}
	l.q[key] = []func(){}
	l.wg.Add(1)
	go l.drain(key, fn)
}

func (l *lanes) drain(key string, fn func()) {
	defer l.wg.Done()
	for {
		fn()
		l.mu.Lock()
		q := l.q[key]
		if len(q) == 0 {
			delete(l.q, key)
			l.mu.Unlock()
			return
		}
		fn, l.q[key] = q[0], q[1:]
		l.mu.Unlock()
	}
}

func (l *lanes) wait() { l.wg.Wait() }
