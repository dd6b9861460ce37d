package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/handoffbridge/handoff/bridge"
)

// Options configure the widget.
type Options struct {
	// Handler takes the users' events; the *bridge.Engine in production.
	Handler bridge.EventHandler
	// History is read to catch a reconnecting widget up on what it missed
	// (the *bridge.Engine in production).
	History History
	// SessionSecret signs session tokens (see LoadSessionSecret).
	SessionSecret []byte
	// AllowedOrigins may open the socket and embed the widget: full origins
	// ("https://www.example.com") or "*" for any. Empty allows only the
	// bridge's own origin (the demo page).
	AllowedOrigins []string
	// MaxMessageBytes caps one user message (and the lead form's message).
	// Default 4000.
	MaxMessageBytes int
	// TrustedProxies are the proxies whose X-Forwarded-For names the user's
	// IP; from anyone else the header is ignored.
	TrustedProxies []netip.Prefix
	// SessionRate and SessionBurst bound the messages of one session (all
	// its tabs together). Default 1 per second, burst 5.
	SessionRate  rate.Limit
	SessionBurst int
	// IPRate and IPBurst bound the messages from one IP address across
	// sessions. Default 5 per second, burst 20.
	IPRate  rate.Limit
	IPBurst int
	// MaxSocketsPerClient caps the sockets open at once from one client
	// address (after TrustedProxies); more are closed with a policy
	// violation. Default 20.
	MaxSocketsPerClient int
	// Messages and BotName label what catch-up re-creates (offer buttons).
	Messages bridge.Messages
	// CurrentMessages, when set, gives the texts in force after config
	// reloads; Messages is used otherwise.
	CurrentMessages func() bridge.Messages
	BotName         string
	Clock           bridge.Clock
	Logger          *slog.Logger
	// Files, when set, lets users send files and gives the links to the
	// files of a conversation; without it the widget takes no uploads.
	Files Files
	// Fanout tells the other replicas sharing the store of what their
	// sockets must show (see deliver); bridge.LocalFanout when nil.
	Fanout bridge.Fanout
}

// History is what the widget reads of the core: a chat's messages and
// state, to catch a tab up. *bridge.Engine implements it.
type History interface {
	ChatHistory(ctx context.Context, addr bridge.ChatAddress, q bridge.HistoryQuery) (*bridge.ChatHistory, error)
}

// Widget is the web widget's user channel, its HTTP routes and sockets.
type Widget struct {
	opts    Options
	clock   bridge.Clock
	log     *slog.Logger
	tokens  tokens
	hub     *hub
	limits  *limiters
	sockets *socketCap
	accept  websocket.AcceptOptions
	origins originPolicy
	fanout  bridge.Fanout

	// closing is cancelled at shutdown: every socket is closed with a
	// reconnect hint.
	closing   context.Context
	close     context.CancelFunc
	conns     sync.WaitGroup
	startedAt time.Time
}

// New makes the widget channel. Register it with the engine, mount its
// routes, and run it (Run closes the sockets at shutdown).
func New(opts Options) (*Widget, error) {
	if opts.Handler == nil || opts.History == nil {
		return nil, errors.New("web: new widget: a handler and a history are required")
	}
	if len(opts.SessionSecret) < 16 {
		return nil, errors.New("web: new widget: the session secret must be at least 16 bytes")
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = 4000
	}
	if opts.SessionRate <= 0 {
		opts.SessionRate, opts.SessionBurst = 1, 5
	}
	if opts.IPRate <= 0 {
		opts.IPRate, opts.IPBurst = 5, 20
	}
	if opts.MaxSocketsPerClient <= 0 {
		opts.MaxSocketsPerClient = 20
	}
	if opts.Messages == (bridge.Messages{}) {
		opts.Messages = bridge.DefaultMessages()
	}
	if opts.BotName == "" {
		opts.BotName = "Assistant"
	}
	if opts.Clock == nil {
		opts.Clock = bridge.SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Fanout == nil {
		opts.Fanout = bridge.LocalFanout{}
	}
	origins, err := newOriginPolicy(opts.AllowedOrigins)
	if err != nil {
		return nil, fmt.Errorf("web: new widget: %w", err)
	}
	w := &Widget{
		opts: opts, clock: opts.Clock, log: opts.Logger.With("adapter", "web"),
		tokens: tokens{secret: opts.SessionSecret}, hub: newHub(),
		limits:  newLimiters(opts.SessionRate, max(opts.SessionBurst, 1), opts.IPRate, max(opts.IPBurst, 1)),
		sockets: newSocketCap(opts.MaxSocketsPerClient),
		origins: origins, startedAt: opts.Clock.Now(), fanout: opts.Fanout,
	}
	// Origins are checked by originPolicy before Accept, which then need
	// not check again.
	w.accept = websocket.AcceptOptions{InsecureSkipVerify: true}
	w.closing, w.close = context.WithCancel(context.Background())
	// From before the first socket opens, for the process's life: the
	// fan-out lives as long.
	opts.Fanout.Subscribe(fanoutTopic, fanoutSubscriber{w})
	return w, nil
}

func (w *Widget) botName() string { return w.opts.BotName }

// Mount serves the demo page at /, the script at /widget.js and the socket
// at /ws.
func (w *Widget) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", w.serveDemo)
	mux.HandleFunc("GET /widget.js", w.serveScript)
	mux.HandleFunc("GET /ws", w.serveSocket)
	mux.HandleFunc("POST "+UploadPath, w.serveUpload)
	mux.HandleFunc("OPTIONS "+UploadPath, w.serveUploadPreflight)
	mux.HandleFunc("POST "+RenewPath, w.serveRenew)
	mux.HandleFunc("OPTIONS "+RenewPath, w.serveUploadPreflight)
}

// Run pings the open sockets so that vanished peers are noticed (one timer
// for all of them rather than one per socket), and at shutdown closes every
// socket with a "going away" status that tells the widget to reconnect.
func (w *Widget) Run(ctx context.Context) error {
	sweep := time.NewTicker(pingSweep)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			w.close()
			w.conns.Wait()
			return nil
		case now := <-sweep.C:
			w.hub.pingIdle(now, pingInterval)
		}
	}
}

// Health reports the open sessions; the widget has no upstream to lose.
func (w *Widget) Health(context.Context) bridge.Health {
	s, c := w.hub.counts()
	return bridge.Health{State: bridge.HealthUp, Detail: fmt.Sprintf("%d sessions on %d sockets", s, c)}
}
