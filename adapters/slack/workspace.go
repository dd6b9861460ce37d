package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	slackgo "github.com/slack-go/slack"
	"golang.org/x/time/rate"

	"github.com/handoffbridge/handoff/bridge"
)

// Connection modes.
const (
	ModeSocket = "socket"
	ModeHTTP   = "http"
)

// HandoffReader is what the workspace reads of the core; *bridge.Engine
// implements it.
type HandoffReader interface {
	Handoffs(ctx context.Context, states []bridge.State, team bridge.TeamID, limit int) ([]bridge.Handoff, error)
	HandoffThread(ctx context.Context, id bridge.HandoffID) (bridge.ThreadRef, error)
}

// Options configure a Workspace.
type Options struct {
	BotToken      string // xoxb-…, required
	AppToken      string // xapp-…, required in Socket Mode
	SigningSecret string // required in HTTP mode
	Mode          string // ModeSocket (default) or ModeHTTP
	// APIURL is the Web API base (with a trailing slash); default Slack's.
	APIURL string
	// Handler takes inbound events: the engine.
	Handler bridge.EventHandler
	// Handoffs finds the channel of a handoff's thread for pacing after a
	// restart, and lists handoffs for /handoffs: the engine. Optional.
	Handoffs HandoffReader
	// Settings returns the agents and teams in force, for /handoffs.
	Settings func() bridge.Settings
	// PerChannel and Burst pace posts per channel; default 1 per second with
	// a burst of 3, as Slack allows chat.postMessage.
	PerChannel rate.Limit
	Burst      int
	// NoteReaction marks internal notes; default "lock".
	NoteReaction string
	// PublicURL is how users reach the bridge (http.public_url): files
	// agents share become links to PublicURL/slack/file/…, which the bridge
	// serves from Slack with the bot token. Empty leaves them as Slack's own
	// links, which need a Slack login.
	PublicURL string
	// MaxUploadBytes bounds a user's file uploaded into a thread; a bigger
	// one is linked instead. Default DefaultMaxUploadBytes.
	MaxUploadBytes int64
	// Blobs, when set, holds the widget's files to upload into threads and
	// keeps copies of agents' files for the widget to serve.
	Blobs Blobs
	// StaleAfter is how long a Socket Mode connection may deliver nothing,
	// not even Slack's pings, before it is reported degraded and reopened.
	// Default DefaultStaleAfter.
	StaleAfter time.Duration
	// OnHealth, if set, is told every change of the connection's health
	// (for metrics and tests); it must not block.
	OnHealth func(bridge.Health)
	// Now is the clock for the signature window; default time.Now.
	Now        func() time.Time
	Logger     *slog.Logger
	HTTPClient *http.Client
}

// Workspace is the Slack agent workspace.
type Workspace struct {
	opts Options
	api  *slackgo.Client
	log  *slog.Logger

	pace     *bridge.KeyedLimit
	channels sync.Map // HandoffID → Slack channel id of its thread

	permalinks *lru.Cache[bridge.ThreadRef, string] // chat.getPermalink's answers

	botUserID atomic.Value // string, from auth.test
	teamURL   atomic.Value // string, the workspace's URL from auth.test
	names     *nameCache
	events    *seenSet     // Events API event_ids already handled
	posted    *seenSet     // chunks of a batch already posted, for retries
	health    atomic.Value // bridge.Health
	wasUp     atomic.Bool  // the connection has been up since the start
	fileKey   []byte       // signs the links to agents' files
	born      time.Time    // lastHeard counts from here, on the monotonic clock
	lastHeard atomic.Int64 // time since born of the last bytes from the Socket Mode link
}

var (
	_ bridge.AgentWorkspace = (*Workspace)(nil)
	_ bridge.NoteMarker     = (*Workspace)(nil)
	_ bridge.RateLimited    = (*Workspace)(nil)
	_ bridge.Runner         = (*Workspace)(nil)
	_ bridge.RouteMounter   = (*Workspace)(nil)
	_ bridge.HealthChecker  = (*Workspace)(nil)
)

// New makes the workspace. It does not connect: Run does.
func New(opts Options) (*Workspace, error) {
	if opts.BotToken == "" {
		return nil, errors.New("slack: a bot token is required")
	}
	if opts.Handler == nil {
		return nil, errors.New("slack: an event handler is required")
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = defaultHTTPClient()
	}
	switch opts.Mode {
	case "":
		opts.Mode = ModeSocket
		fallthrough
	case ModeSocket:
		if opts.AppToken == "" {
			return nil, errors.New("slack: Socket Mode needs an app-level token")
		}
	case ModeHTTP:
		if opts.SigningSecret == "" {
			return nil, errors.New("slack: HTTP mode needs the signing secret")
		}
	default:
		return nil, fmt.Errorf("slack: unknown mode %q (want socket or http)", opts.Mode)
	}
	if opts.PerChannel == 0 {
		opts.PerChannel = 1
	}
	if opts.Burst == 0 {
		opts.Burst = 3
	}
	if opts.NoteReaction == "" {
		opts.NoteReaction = "lock"
	}
	if opts.MaxUploadBytes <= 0 {
		opts.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if opts.StaleAfter <= 0 {
		opts.StaleAfter = DefaultStaleAfter
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Settings == nil {
		opts.Settings = func() bridge.Settings { return bridge.Settings{} }
	}
	w := &Workspace{opts: opts, log: opts.Logger.With("adapter", "slack"), names: newNameCache(10 * time.Minute),
		events: newSeenSet(10000), posted: newSeenSet(10000), permalinks: newPermalinkCache()}
	w.api = newClient(opts)
	w.fileKey = fileLinkKey(opts.BotToken)
	w.pace = &bridge.KeyedLimit{Key: w.channelOf, PerKey: opts.PerChannel, Burst: opts.Burst}
	w.botUserID.Store("")
	w.health.Store(bridge.Health{State: bridge.HealthDown, Detail: "not connected yet"})
	w.born = time.Now()
	return w, nil
}

func newClient(opts Options) *slackgo.Client {
	return slackgo.New(opts.BotToken, clientOptions(opts)...)
}

// Kind is bridge.WorkspaceSlack.
func (w *Workspace) Kind() bridge.WorkspaceKind { return bridge.WorkspaceSlack }

// Health reports the connection for /readyz.
func (w *Workspace) Health(context.Context) bridge.Health { return w.health.Load().(bridge.Health) }

func (w *Workspace) setHealth(s bridge.HealthState, detail string) {
	h := bridge.Health{State: s, Detail: detail}
	if old := w.health.Swap(h); old != h && w.opts.OnHealth != nil {
		w.opts.OnHealth(h)
	}
}

// Run connects: in Socket Mode it keeps the WebSocket up until ctx ends; in
// HTTP mode requests arrive through Mount, and Run only learns the bot's
// identity.
func (w *Workspace) Run(ctx context.Context) error {
	if err := w.identify(ctx); err != nil {
		return err
	}
	if w.opts.Mode == ModeHTTP {
		w.wasUp.Store(true)
		w.setHealth(bridge.HealthUp, "")
		<-ctx.Done()
		return nil
	}
	return w.runSocket(ctx)
}

// identify learns the bot's user id (auth.test), retrying with backoff
// until Slack answers: its own posts must never be relayed. Until then
// Health says down with the last error; a refused token ends it.
func (w *Workspace) identify(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		res, err := w.api.AuthTestContext(ctx)
		if err == nil {
			w.botUserID.Store(res.UserID)
			w.teamURL.Store(res.URL)
			w.log.Info("slack connected", "team", res.Team, "bot_user", res.UserID)
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		if tokenRefused(err) {
			w.setHealth(bridge.HealthDown, "auth.test: the bot token was refused: "+err.Error())
			return fmt.Errorf("auth.test: the bot token was refused: %w", err)
		}
		w.setHealth(bridge.HealthDown, "not connected yet: auth.test: "+err.Error())
		w.log.Warn("cannot reach Slack; retrying", "err", err, "attempt", attempt+1)
		if !bridge.ConnectBackoff.Wait(ctx, attempt) {
			return nil
		}
	}
}

// tokenRefused reports Slack refusing a token, as opposed to not answering.
func tokenRefused(err error) bool {
	switch slackCode(err) {
	case "invalid_auth", "not_authed", "token_revoked", "account_inactive":
		return true
	}
	return false
}

func (w *Workspace) isBot(userID, botID string) bool {
	return botID != "" || (userID != "" && userID == w.botUserID.Load().(string))
}
