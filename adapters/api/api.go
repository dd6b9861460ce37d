package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/bridge"
)

// Integration is one outside bot allowed to use the API.
type Integration struct {
	Name    string
	APIKeys []string
	// CallbackURL receives the signed events; empty means the bot reads
	// the event stream.
	CallbackURL    string
	CallbackSecret []byte
	// DefaultTeam takes handoffs naming no team; Teams are the others the
	// integration may use.
	DefaultTeam bridge.TeamID
	Teams       []bridge.TeamID
	// RateLimit is requests per second, Burst the bucket's size.
	RateLimit float64
	Burst     int
	// Triggers lets the bridge's triggers fire on messages outside a
	// handoff; off, they are only recorded.
	Triggers        bool
	MaxMessageBytes int
}

// Engine is what the API needs of the bridge's core: *bridge.Engine.
type Engine interface {
	bridge.EventHandler
	Status(ctx context.Context, addr bridge.ChatAddress) (bridge.ConversationStatus, error)
	History(ctx context.Context, addr bridge.ChatAddress, after bridge.MessageID, limit int) ([]bridge.Message, error)
	// AdapterState keeps the API's records (namespace "api"): the first
	// answer of each idempotent request, each conversation's profile.
	AdapterState(namespace string) *bridge.AdapterState
}

// stateNamespace is the API's namespace of the engine's adapter state.
const stateNamespace = "api"

// Options configure the API.
type Options struct {
	Engine       Engine
	Integrations []Integration
	// Client sends callbacks; default: a client with CallbackTimeout that
	// does not follow redirects.
	Client          *http.Client
	CallbackTimeout time.Duration // default 10s
	Clock           bridge.Clock  // default the system clock
	Logger          *slog.Logger
}

// API serves /api/v1 and is the ChannelAPI user channel.
type API struct {
	opts         Options
	clock        bridge.Clock
	log          *slog.Logger
	integrations map[string]*integration
	streams      *hub
	locks        keyLocks
	known        knownSet // conversations seen to exist: a message to one needs no read first
	openapi      []byte
	records      *bridge.AdapterState
}

var (
	_ bridge.UserChannel       = (*API)(nil)
	_ bridge.TypingIndicator   = (*API)(nil)
	_ bridge.MessageEditor     = (*API)(nil)
	_ bridge.LeadFormPresenter = (*API)(nil)
	_ bridge.RouteMounter      = (*API)(nil)
)

// maxBody bounds a request body (a transcript of 500 turns fits).
const maxBody = 2 << 20

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// New checks the options and makes the API.
func New(o Options) (*API, error) {
	if o.Engine == nil {
		return nil, errors.New("api: an engine is required")
	}
	if o.Clock == nil {
		o.Clock = bridge.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.CallbackTimeout <= 0 {
		o.CallbackTimeout = 10 * time.Second
	}
	if o.Client == nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = 32
		o.Client = &http.Client{Transport: transport, Timeout: o.CallbackTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	doc, err := openAPIJSON()
	if err != nil {
		return nil, err
	}
	a := &API{opts: o, clock: o.Clock, log: o.Logger, integrations: map[string]*integration{}, streams: newHub(), openapi: doc,
		records: o.Engine.AdapterState(stateNamespace)}
	for _, in := range o.Integrations {
		if !nameRE.MatchString(in.Name) {
			return nil, fmt.Errorf("api: integration name %q: want 1 to 32 lower-case letters, digits, _ or -", in.Name)
		}
		if len(in.APIKeys) == 0 {
			return nil, fmt.Errorf("api: integration %s has no API key", in.Name)
		}
		if in.CallbackURL != "" {
			u, err := url.Parse(in.CallbackURL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return nil, fmt.Errorf("api: integration %s: callback URL %q: want an absolute http or https URL", in.Name, in.CallbackURL)
			}
			if len(in.CallbackSecret) == 0 {
				return nil, fmt.Errorf("api: integration %s: a callback secret is required: callbacks are signed", in.Name)
			}
		}
		if in.RateLimit <= 0 || in.Burst <= 0 {
			return nil, fmt.Errorf("api: integration %s: the rate limit and burst must be positive", in.Name)
		}
		if in.MaxMessageBytes <= 0 {
			in.MaxMessageBytes = 8000
		}
		if _, dup := a.integrations[in.Name]; dup {
			return nil, fmt.Errorf("api: integration %s is configured twice", in.Name)
		}
		a.integrations[in.Name] = newIntegration(in)
	}
	return a, nil
}

// Kind is bridge.ChannelAPI.
func (a *API) Kind() bridge.ChannelKind { return bridge.ChannelAPI }

// Mount serves the API under /api/v1.
func (a *API) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/openapi.json", a.serveOpenAPI)
	mux.Handle("POST /api/v1/conversations", a.authed(a.upsertConversation))
	mux.Handle("GET /api/v1/conversations/{conversation_id}", a.authed(a.getConversation))
	mux.Handle("POST /api/v1/conversations/{conversation_id}/handoff", a.authed(a.requestHandoff))
	mux.Handle("POST /api/v1/conversations/{conversation_id}/handoff/cancel", a.authed(a.cancelHandoff))
	mux.Handle("POST /api/v1/conversations/{conversation_id}/messages", a.authed(a.postMessage))
	mux.Handle("GET /api/v1/conversations/{conversation_id}/messages", a.authed(a.listMessages))
	mux.Handle("GET /api/v1/conversations/{conversation_id}/events", a.authed(a.streamEvents))
	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, notFound("no such endpoint: "+r.Method+" "+r.URL.Path+" (see /api/v1/openapi.json)"))
	})
}

// handlerFunc is an endpoint of an authenticated integration.
type handlerFunc func(w http.ResponseWriter, r *http.Request, it *integration)

// authed authenticates the request and spends one of its rate.
func (a *API) authed(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		it, p := a.authenticate(r)
		if p == nil {
			p = a.admit(it)
		}
		if p != nil {
			writeProblem(w, p)
			return
		}
		h(w, r, it)
	})
}

// externalIDRE is what a bot's conversation id may look like.
var externalIDRE = regexp.MustCompile(`^[A-Za-z0-9._:@+=-]{1,128}$`)

// address is where an integration's conversation lives: the integration's
// name scopes the bot's id, so one key never reaches another's chats.
func address(it *integration, externalID string) bridge.ChatAddress {
	return bridge.ChatAddress{Channel: bridge.ChannelAPI, ChatID: it.Name + "/" + externalID}
}

// parseAddress splits an address back into integration and external id.
func (a *API) parseAddress(addr bridge.ChatAddress) (*integration, string, error) {
	name, ext, ok := strings.Cut(addr.ChatID, "/")
	it := a.integrations[name]
	if !ok || it == nil {
		return nil, "", bridge.Permanent(fmt.Errorf("api: %s belongs to no configured integration", addr))
	}
	return it, ext, nil
}

// conversationID reads and checks the path's conversation id.
func conversationID(r *http.Request) (string, *problem) {
	id := r.PathValue("conversation_id")
	if !externalIDRE.MatchString(id) {
		return "", invalid("conversation_id", "want 1 to 128 letters, digits or . _ : @ + = -")
	}
	return id, nil
}

// statusOf is the conversation's status; a problem when it does not exist
// for this integration or cannot be read.
func (a *API) statusOf(ctx context.Context, it *integration, id string) (bridge.ConversationStatus, *problem) {
	st, err := a.opts.Engine.Status(ctx, address(it, id))
	if err == nil {
		a.known.add(it.Name + "/" + id)
	}
	if errors.Is(err, bridge.ErrNotFound) {
		return st, notFound("no conversation " + id + " in this integration: create it with POST /api/v1/conversations")
	}
	if err != nil {
		a.log.Error("api: read conversation", "integration", it.Name, "conversation", id, "err", err)
		return st, unavailable("the conversation could not be read; retry later")
	}
	return st, nil
}

// engineProblem turns an engine error into the answer.
func (a *API) engineProblem(it *integration, what string, err error) *problem {
	if errors.Is(err, bridge.ErrShuttingDown) {
		return unavailable("the bridge is restarting; retry with the same Idempotency-Key")
	}
	if errors.Is(err, bridge.ErrUnknownTeam) {
		return invalid("/team", "no such team")
	}
	a.log.Error("api: "+what, "integration", it.Name, "err", err)
	return unavailable(what + " failed; retry with the same Idempotency-Key")
}

// knownSet remembers conversation addresses seen to exist (conversations
// are never deleted), up to a bound past which it starts afresh.
type knownSet struct {
	mu  sync.Mutex
	set map[string]struct{}
}

const maxKnown = 100_000

func (k *knownSet) has(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, ok := k.set[key]
	return ok
}

func (k *knownSet) add(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.set == nil || len(k.set) >= maxKnown {
		k.set = make(map[string]struct{})
	}
	k.set[key] = struct{}{}
}
