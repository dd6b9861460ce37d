package slackfake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Options configure the fake. Zero values take the defaults noted.
type Options struct {
	BotToken      string // default "xoxb-fake"
	AppToken      string // default "xapp-fake"
	SigningSecret string // default "fake-signing-secret"
	TeamID        string // default "T0FAKE0001"
	AppID         string // default "A0FAKE0001"
	BotUserID     string // default "U0BOT00001"
	BotID         string // default "B0BOT00001"
	// Scopes are what auth.test reports in X-OAuth-Scopes; default the
	// scopes the bridge's manifest asks for.
	Scopes []string
	// PostRate and PostBurst are chat.postMessage's limit per channel;
	// default 1 per second with a burst of 3. Set NoRateLimit to turn it off.
	PostRate    rate.Limit
	PostBurst   int
	NoRateLimit bool
	// EchoBotMessages makes every message the bot posts come back as a
	// message event with bot_id, as Slack does for subscribed channels.
	EchoBotMessages bool
	// AckTimeout is how long a delivery waits for its ack or HTTP answer
	// before Slack would retry it (Slack: 3s). Retries is how many times it
	// retries (Slack: 3).
	AckTimeout time.Duration
	Retries    int
	// PingInterval is how often the Socket Mode WebSocket is pinged; default
	// 5s.
	PingInterval time.Duration
	// Now is the clock signing deliveries; default time.Now.
	Now func() time.Time
}

// DefaultScopes are the bot scopes the bridge needs.
var DefaultScopes = []string{"chat:write", "chat:write.public", "channels:history", "groups:history", "channels:read",
	"groups:read", "users:read", "reactions:write", "files:read", "files:write", "commands"}

// Server is a running fake Slack.
type Server struct {
	opts Options
	srv  *httptest.Server
	rec  *record

	limMu    sync.Mutex
	limiters map[string]*rate.Limiter

	deliver delivery
	socket  socketHub

	faultMu sync.Mutex
	faults  faults
}

// New starts a fake Slack on a loopback port. Close it when done.
func New(opts Options) *Server {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&opts.BotToken, "xoxb-fake")
	def(&opts.AppToken, "xapp-fake")
	def(&opts.SigningSecret, "fake-signing-secret")
	def(&opts.TeamID, "T0FAKE0001")
	def(&opts.AppID, "A0FAKE0001")
	def(&opts.BotUserID, "U0BOT00001")
	def(&opts.BotID, "B0BOT00001")
	if opts.Scopes == nil {
		opts.Scopes = DefaultScopes
	}
	if opts.PostRate == 0 {
		opts.PostRate = 1
	}
	if opts.PostBurst == 0 {
		opts.PostBurst = 3
	}
	if opts.AckTimeout == 0 {
		opts.AckTimeout = 3 * time.Second
	}
	if opts.Retries == 0 {
		opts.Retries = 3
	}
	if opts.PingInterval == 0 {
		opts.PingInterval = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, rec: newRecord(), limiters: map[string]*rate.Limiter{},
		faults: faults{next: map[string][]int{}, calls: map[string]int{}}}
	s.socket.init()
	s.rec.users[opts.BotUserID] = User{ID: opts.BotUserID, Name: "bridge", RealName: "Handoff Bridge", IsBot: true}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/{method}", s.serveAPI)
	mux.HandleFunc("/link/", s.serveSocket)
	mux.HandleFunc("/upload/{id}", s.serveUpload)
	mux.HandleFunc("/files/{id}/{name}", s.serveFile)
	s.srv = httptest.NewServer(mux)
	s.deliver.init(s)
	return s
}

// Close stops the server and its WebSockets.
func (s *Server) Close() {
	s.socket.closeAll()
	s.srv.Close()
}

// APIURL is the Web API base to give slack.OptionAPIURL (with the trailing
// slash it needs).
func (s *Server) APIURL() string { return s.srv.URL + "/api/" }

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// Opts returns the options in force, defaults filled.
func (s *Server) Opts() Options { return s.opts }

// params reads a Web API call's arguments from the query, a form body or a
// JSON body, as Slack accepts all three.
func params(r *http.Request) (url.Values, error) {
	v := r.URL.Query()
	if r.Body == nil {
		return v, nil
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if len(raw) > 0 {
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
		}
		for k, x := range m {
			switch x := x.(type) {
			case string:
				v.Set(k, x)
			default:
				b, _ := json.Marshal(x)
				v.Set(k, string(b))
			}
		}
		return v, nil
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil && err != http.ErrNotMultipart {
		return nil, err
	}
	for k, xs := range r.Form {
		for _, x := range xs {
			v.Add(k, x)
		}
	}
	return v, nil
}

func token(r *http.Request, v url.Values) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return t
	}
	return v.Get("token")
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// fail answers a Web API error the way Slack does: HTTP 200 with ok false.
func fail(w http.ResponseWriter, code string) {
	writeJSON(w, map[string]any{"ok": false, "error": code})
}
