package whatsapp

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/handoffbridge/handoff/bridge"
)

// Options configure the adapter.
type Options struct {
	PhoneNumberID string
	Token         string // access token
	AppSecret     string // checks X-Hub-Signature-256
	VerifyToken   string // answers the GET verification
	APIURL        string // default https://graph.facebook.com
	APIVersion    string // default v21.0
	// PublicURL is the bridge's public base URL: files users send are
	// linked for agents as PublicURL/whatsapp/media/… (downloading Cloud
	// API media needs the access token, which must not reach a thread).
	// Empty: files are announced in text ("[image] caption") instead.
	PublicURL string
	// TemplateName is sent instead of an agent reply outside the 24-hour
	// window, when set; TemplateLanguage is its language (default en_US).
	TemplateName     string
	TemplateLanguage string
	// PerUser and PerUserBurst pace messages to one user (default one per
	// 6 s after a burst of 45: the Cloud API's pair rate limit); Global
	// paces all messages of the number (default 80 per second, the Cloud
	// API's default throughput).
	PerUser      rate.Limit
	PerUserBurst int
	Global       rate.Limit
	Handler      bridge.EventHandler
	// State keeps the users' 24-hour windows and the statuses of sent
	// messages: the engine's AdapterState("whatsapp").
	State State
	// Inbox, when set, keeps webhook deliveries: they are stored and
	// answered at once, then processed by Run. Without it a delivery is
	// handled before the answer.
	Inbox      bridge.Inbox
	Logger     *slog.Logger
	HTTPClient *http.Client
	Now        func() time.Time // default time.Now
}

// State is the adapter's own durable key-value space.
type State interface {
	Get(ctx context.Context, key string) (string, error)
	PutAll(ctx context.Context, values map[string]string) error
	Modify(ctx context.Context, key string, fn func(old string) (string, error)) error
}

// Adapter is the WhatsApp user channel.
type Adapter struct {
	opts     Options
	log      *slog.Logger
	inbox    bridge.Inbox // nil: deliveries are handled before the answer
	wake     chan struct{}
	policy   *bridge.KeyedLimit
	health   health
	mediaKey []byte

	// progress remembers the parts of a message already sent when a later
	// part failed, so that the outbox's retry sends only the rest.
	mu       sync.Mutex
	progress map[bridge.MessageID][]string
}

var (
	_ bridge.UserChannel     = (*Adapter)(nil)
	_ bridge.Offerer         = (*Adapter)(nil)
	_ bridge.TypingIndicator = (*Adapter)(nil)
	_ bridge.RateLimited     = (*Adapter)(nil)
	_ bridge.RouteMounter    = (*Adapter)(nil)
	_ bridge.Runner          = (*Adapter)(nil)
)

// New returns the adapter.
func New(opts Options) (*Adapter, error) {
	if opts.PhoneNumberID == "" || opts.Token == "" || opts.AppSecret == "" || opts.VerifyToken == "" {
		return nil, errors.New("whatsapp: phone number id, access token, app secret and verify token are required")
	}
	if opts.Handler == nil || opts.State == nil {
		return nil, errors.New("whatsapp: an event handler and a state are required")
	}
	if opts.APIURL == "" {
		opts.APIURL = "https://graph.facebook.com"
	}
	if opts.APIVersion == "" {
		opts.APIVersion = "v21.0"
	}
	if opts.TemplateLanguage == "" {
		opts.TemplateLanguage = "en_US"
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PerUser <= 0 {
		opts.PerUser, opts.PerUserBurst = rate.Every(6*time.Second), max(opts.PerUserBurst, 45)
	}
	if opts.Global <= 0 {
		opts.Global = 80
	}
	opts.APIURL = strings.TrimRight(opts.APIURL, "/")
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	mac := hmac.New(sha256.New, []byte(opts.AppSecret))
	mac.Write([]byte("handoff whatsapp media links"))
	a := &Adapter{
		opts: opts, log: opts.Logger.With("adapter", "whatsapp"),
		wake:     make(chan struct{}, 1),
		mediaKey: mac.Sum(nil),
		progress: map[bridge.MessageID][]string{},
		policy: &bridge.KeyedLimit{
			Key:    func(p bridge.Parcel) string { return p.Stream }, // one stream per conversation, so per user
			PerKey: opts.PerUser, Burst: max(opts.PerUserBurst, 1), Global: opts.Global, GlobalN: max(int(opts.Global), 1),
		},
	}
	a.inbox = opts.Inbox
	return a, nil
}

// Kind is whatsapp.
func (a *Adapter) Kind() bridge.ChannelKind { return bridge.ChannelWhatsApp }

// RatePolicy paces deliveries like the Cloud API asks: a pair rate limit
// per user and the number's throughput overall.
func (a *Adapter) RatePolicy() bridge.RatePolicy { return a.policy }
