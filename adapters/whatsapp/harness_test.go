package whatsapp_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/whatsapp"
	"github.com/handoffbridge/handoff/adapters/whatsapp/whatsappfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

// rig is a bridge with the WhatsApp adapter against the fake, the engine
// on SQLite and a recording Slack workspace. The bridge's listener stays
// up across restarts, like Meta's idea of the webhook URL.
type rig struct {
	t      *testing.T
	fake   *whatsappfake.Server
	slack  *bridgetest.Workspace
	dbPath string
	web    *httptest.Server
	mux    atomic.Pointer[http.ServeMux]
	cfg    rigConfig
	now    atomic.Int64 // the adapter's clock offset, in hours

	store   *sqlite.Store
	engine  *bridge.Engine
	adapter *whatsapp.Adapter
	stop    func() // stops the engine (and the adapter's Runner), and waits for them
}

type rigConfig struct {
	template  string
	responder bridge.Responder
	clock     bridge.Clock // nil: the real one
	settings  func(*bridge.Settings)
	fast      bool // lift the pacing, for flows that send a lot
}

type rigOption func(*rigConfig)

func withTemplate(name string) rigOption { return func(c *rigConfig) { c.template = name } }

func withResponder(r bridge.Responder) rigOption { return func(c *rigConfig) { c.responder = r } }

func withClock(c bridge.Clock) rigOption { return func(cfg *rigConfig) { cfg.clock = c } }

func withSettings(fn func(*bridge.Settings)) rigOption { return func(c *rigConfig) { c.settings = fn } }

func unpaced() rigOption { return func(c *rigConfig) { c.fast = true } }

func newRig(t *testing.T, opts ...rigOption) *rig {
	t.Helper()
	r := &rig{t: t, fake: whatsappfake.New(whatsappfake.Options{}), slack: bridgetest.NewWorkspace(bridge.WorkspaceSlack),
		dbPath: filepath.Join(t.TempDir(), "b.db")}
	t.Cleanup(r.fake.Close)
	r.cfg.responder = bridgetest.Answers{Rules: []bridgetest.Answer{{Keyword: "echo ", Echo: true, Reply: bridge.Reply{Text: "echo: ", Confidence: 0.9}}},
		Otherwise: bridge.Reply{Text: "I can **help**.", Confidence: 0.9}}
	for _, o := range opts {
		o(&r.cfg)
	}
	r.web = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if mux := r.mux.Load(); mux != nil {
			mux.ServeHTTP(w, req)
			return
		}
		http.Error(w, "bridge down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(r.web.Close)
	r.start(true)
	t.Cleanup(r.shutdown)
	return r
}

func rigSettings() bridge.Settings {
	return bridge.Settings{
		Enabled: true, DefaultTeam: "support", BotName: "Bot", Messages: bridge.DefaultMessages(), CancelPhrases: []string{"cancel"},
		Triggers: []bridge.Trigger{
			{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"}, Action: bridge.ActionHandoff, Team: "support"},
			{Name: "sales", Kind: bridge.TriggerTopic, Phrases: []string{"pricing"}, Action: bridge.ActionOffer, Team: "support"},
		},
		Teams:  map[bridge.TeamID]*bridge.Team{"support": {ID: "support", Workspace: bridge.WorkspaceSlack, Channel: "C1", SLA: time.Hour}},
		Agents: []*bridge.Agent{{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "U-ANA"}}},
	}
}

// start opens the store and starts the engine; runInbox also starts the
// adapter's Runner, which processes stored webhook deliveries.
func (r *rig) start(runInbox bool) {
	r.t.Helper()
	ctx := r.t.Context()
	var storeOpts []sqlite.Option
	if r.cfg.clock != nil {
		storeOpts = append(storeOpts, sqlite.WithClock(r.cfg.clock))
	}
	st := enginetest.OpenStore(r.t, r.dbPath, storeOpts...)
	logger := enginetest.Logger(r.t, slog.LevelInfo)
	settings := rigSettings()
	if r.cfg.settings != nil {
		r.cfg.settings(&settings)
	}
	e := enginetest.NewEngine(r.t, bridge.Options{Store: st, Responder: r.cfg.responder, Settings: settings, Logger: logger, Clock: r.cfg.clock})
	o := r.fake.Options()
	wo := whatsapp.Options{PhoneNumberID: o.PhoneNumberID, Token: o.Token, AppSecret: o.AppSecret, VerifyToken: "verify-me",
		APIURL: r.fake.URL(), APIVersion: o.Version, PublicURL: r.web.URL, TemplateName: r.cfg.template, Handler: e, State: e.AdapterState("whatsapp"), Inbox: st, Logger: logger,
		Now: func() time.Time { return time.Now().Add(time.Duration(r.now.Load()) * time.Hour) }}
	if r.cfg.fast {
		wo.PerUser, wo.PerUserBurst, wo.Global = 1000, 1000, 1000
	}
	a, err := whatsapp.New(wo)
	if err != nil {
		r.t.Fatal(err)
	}
	e.RegisterUserChannel(a)
	e.RegisterWorkspace(r.slack)
	mux := http.NewServeMux()
	a.Mount(mux)
	r.mux.Store(mux)
	runners := []bridge.Runner{e}
	if runInbox {
		runners = append(runners, a)
	}
	r.store, r.engine, r.adapter, r.stop = st, e, a, enginetest.Start(ctx, runners...)
}

// shutdown stops the bridge as a process stop would: the listener answers
// 503 from then on.
func (r *rig) shutdown() {
	if r.stop == nil {
		return
	}
	r.mux.Store(nil)
	r.stop()
	_ = r.store.Close()
	r.stop = nil
}

func (r *rig) restart() { r.shutdown(); r.start(true) }

// pendingInbox counts stored deliveries not yet processed.
func (r *rig) pendingInbox() int {
	r.t.Helper()
	n, _, err := r.store.InboxDepth(r.t.Context(), "whatsapp")
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}
