package telegram

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/handoffbridge/handoff/bridge"
)

// Modes of receiving updates.
const (
	ModePolling = "polling"
	ModeWebhook = "webhook"
)

// OffsetKey names the next getUpdates offset in the adapter's state.
const OffsetKey = "offset"

// State keeps what the adapter must remember across restarts, the
// getUpdates offset: the engine's AdapterState("telegram").
type State interface {
	Get(ctx context.Context, key string) (string, error)
	Put(ctx context.Context, key, value string) error
}

// Options configure the adapter.
type Options struct {
	Token string
	// Endpoint is the Bot API endpoint format ("https://api.telegram.org/bot%s/%s",
	// the default); tests and self-hosted Bot API servers change it.
	Endpoint   string
	HTTPClient *http.Client // default: a client with no overall timeout (long polls)
	Handler    bridge.EventHandler
	State      State
	Logger     *slog.Logger

	// Mode is ModePolling (default) or ModeWebhook.
	Mode string
	// PublicURL is the bridge's public base URL: the webhook is set to
	// PublicURL/telegram/webhook, and files users send are linked for agents
	// as PublicURL/telegram/file/… (the Bot API's own file links carry the
	// bot token, which must not reach a thread).
	PublicURL     string
	WebhookSecret string
	// Groups lets the bot answer in groups, only when addressed (a mention
	// or a reply to the bot); otherwise only private chats are served.
	Groups bool
	// PollTimeout is the long-poll wait (default 25s).
	PollTimeout time.Duration
	// StallTimeout is how long getUpdates may go without a successful
	// answer (calls failing, or one hanging) before the poller is reported
	// degraded and restarted (default 3×PollTimeout; at least PollTimeout
	// plus a second).
	StallTimeout time.Duration
	// PerChat and Global pace deliveries (default 1/s per chat, 30/s overall).
	PerChat rate.Limit
	Global  rate.Limit
}

// Adapter is the Telegram user channel.
type Adapter struct {
	opts    Options
	bot     *tgbotapi.BotAPI
	self    atomic.Pointer[tgbotapi.User] // the bot, once getMe has answered
	http    *http.Client
	log     *slog.Logger
	linkKey []byte
	policy  *bridge.KeyedLimit
	health  health

	// progress remembers the parts of a message already sent when a later
	// part failed, so that the outbox's retry sends only the rest.
	mu       sync.Mutex
	progress map[bridge.MessageID][]string
}

var (
	_ bridge.UserChannel     = (*Adapter)(nil)
	_ bridge.Offerer         = (*Adapter)(nil)
	_ bridge.TypingIndicator = (*Adapter)(nil)
	_ bridge.MessageEditor   = (*Adapter)(nil)
	_ bridge.RateLimited     = (*Adapter)(nil)
	_ bridge.Runner          = (*Adapter)(nil)
	_ bridge.RouteMounter    = (*Adapter)(nil)
	_ bridge.HealthChecker   = (*Adapter)(nil)
)

// New checks the options and returns the adapter. It does not contact
// Telegram: Run does, and keeps trying while the Bot API is out of reach.
func New(opts Options) (*Adapter, error) {
	if opts.Token == "" {
		return nil, errors.New("telegram: a bot token is required")
	}
	if opts.Handler == nil || opts.State == nil {
		return nil, errors.New("telegram: an event handler and a state are required")
	}
	if opts.Endpoint == "" {
		opts.Endpoint = tgbotapi.APIEndpoint
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Mode == "" {
		opts.Mode = ModePolling
	}
	if opts.Mode != ModePolling && opts.Mode != ModeWebhook {
		return nil, fmt.Errorf("telegram: unknown mode %q, want %s or %s", opts.Mode, ModePolling, ModeWebhook)
	}
	if opts.Mode == ModeWebhook && (opts.PublicURL == "" || opts.WebhookSecret == "") {
		return nil, errors.New("telegram: webhook mode needs a public URL and a webhook secret")
	}
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = 25 * time.Second
	}
	if opts.StallTimeout <= 0 {
		opts.StallTimeout = 3 * opts.PollTimeout
	}
	opts.StallTimeout = max(opts.StallTimeout, opts.PollTimeout+time.Second)
	if opts.PerChat <= 0 {
		opts.PerChat = 1
	}
	if opts.Global <= 0 {
		opts.Global = 30
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	bot := &tgbotapi.BotAPI{Token: opts.Token, Buffer: 100}
	bot.SetAPIEndpoint(opts.Endpoint)
	mac := hmac.New(sha256.New, []byte(opts.Token))
	mac.Write([]byte("handoff telegram file links"))
	a := &Adapter{
		opts: opts, bot: bot, http: opts.HTTPClient, log: opts.Logger.With("adapter", "telegram"),
		linkKey:  mac.Sum(nil),
		progress: map[bridge.MessageID][]string{},
		policy: &bridge.KeyedLimit{
			Key:    func(p bridge.Parcel) string { return p.Stream }, // one stream per conversation, so per chat
			PerKey: opts.PerChat, Burst: 1, Global: opts.Global, GlobalN: max(int(opts.Global), 1),
		},
	}
	return a, nil
}

// Kind is telegram.
func (a *Adapter) Kind() bridge.ChannelKind { return bridge.ChannelTelegram }

// BotUsername is the bot's @username, without "@"; empty until Run has
// reached Telegram.
func (a *Adapter) BotUsername() string { return a.me().UserName }

// me is the bot as getMe described it; zero until then.
func (a *Adapter) me() tgbotapi.User {
	if u := a.self.Load(); u != nil {
		return *u
	}
	return tgbotapi.User{}
}

// RatePolicy paces deliveries like Telegram asks: about one message per
// second per chat and 30 per second overall.
func (a *Adapter) RatePolicy() bridge.RatePolicy { return a.policy }

// api is the client library bound to ctx: the library takes no contexts,
// so each call gets a copy whose HTTP client cancels with ctx.
func (a *Adapter) api(ctx context.Context) *tgbotapi.BotAPI {
	b := *a.bot
	b.Client = ctxClient{ctx, a.http, a.opts.Token}
	return &b
}

// ctxClient is a tgbotapi.HTTPClient whose requests end with ctx. Bot API
// URLs contain the bot token, and transport errors quote the URL: the token
// is cut out of them before any error can reach a log or a thread.
type ctxClient struct {
	ctx   context.Context
	c     *http.Client
	token string
}

func (c ctxClient) Do(r *http.Request) (*http.Response, error) {
	resp, err := c.c.Do(r.WithContext(c.ctx))
	var ue *url.Error
	if errors.As(err, &ue) && c.token != "" {
		ue.URL = strings.ReplaceAll(ue.URL, c.token, "<token>")
	}
	return resp, err
}

// classify turns a Bot API error into what the outbox understands: 429 is
// a RetryAfterError, 400 and 403 (bad request, blocked, kicked) can never
// succeed, anything else is retried.
func classify(op string, err error) error {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		switch {
		case te.Code == http.StatusTooManyRequests:
			return &bridge.RetryAfterError{After: time.Duration(max(te.RetryAfter, 1)) * time.Second, Err: fmt.Errorf("%s: %w", op, err)}
		case te.Code == http.StatusForbidden, te.Code == http.StatusBadRequest:
			return bridge.Permanent(fmt.Errorf("%s: %w", op, err))
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// isAPIError reports a Bot API error whose description contains text.
func isAPIError(err error, text string) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && strings.Contains(te.Message, text)
}
