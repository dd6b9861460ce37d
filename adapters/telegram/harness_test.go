package telegram_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram"
	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

func settings() bridge.Settings {
	return bridge.Settings{
		Enabled: true, NotePrefix: "//", CancelPhrases: []string{"cancel"}, DefaultTeam: "support", BotName: "Bot",
		Triggers: []bridge.Trigger{
			{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"}, Action: bridge.ActionHandoff, Team: "support"},
			{Name: "sales", Kind: bridge.TriggerTopic, Phrases: []string{"pricing"}, Action: bridge.ActionOffer, Team: "support"},
		},
		Teams: map[bridge.TeamID]*bridge.Team{
			"support": {ID: "support", Workspace: bridge.WorkspaceSlack, Channel: "C-SUPPORT", SLA: time.Hour, Fallback: bridge.FallbackNone},
		},
		Agents: []*bridge.Agent{
			{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "U-ANA"}},
		},
		Messages: bridge.DefaultMessages(),
	}
}

// ai answers "hello" confidently and everything else a little less.
var ai = bridgetest.Answers{Rules: []bridgetest.Answer{
	{Keyword: "echo ", Echo: true, Reply: bridge.Reply{Text: "echo: ", Confidence: 0.9}},
	{Keyword: "hello", Reply: bridge.Reply{Text: "Hi there! I am **the bot**.", Confidence: 0.9}},
}, Otherwise: bridge.Reply{Text: "I can help with that.", Confidence: 0.8}}

// rig is a bridge with the Telegram adapter against the fake, the engine
// on SQLite and a recording Slack workspace.
type rig struct {
	t      *testing.T
	fake   *telegramfake.Server
	dbPath string
	opts   telegram.Options
	slack  *bridgetest.Workspace
	web    *httptest.Server // the bridge's listener, for webhook and files
	mux    atomic.Pointer[http.ServeMux]
	clock  *bridgetest.Clock      // nil: the real clock
	mutate func(*bridge.Settings) // changes to settings(), if any

	store   *sqlite.Store
	engine  *bridge.Engine
	adapter *telegram.Adapter
	stop    func() // stops the engine and the adapter, and waits for them
}

type rigOption func(*rig)

func withWebhook(secret string) rigOption {
	return func(r *rig) { r.opts.Mode, r.opts.WebhookSecret = telegram.ModeWebhook, secret }
}

// withLeadForm gives the support team a lead form on SLA fallback and the
// engine a clock the test moves.
func withLeadForm(clock *bridgetest.Clock) rigOption {
	return func(r *rig) {
		r.clock = clock
		r.mutate = func(s *bridge.Settings) {
			s.Teams["support"].Fallback, s.Teams["support"].SLA = bridge.FallbackLeadForm, 3*time.Minute
		}
	}
}

func withGroups() rigOption { return func(r *rig) { r.opts.Groups = true } }

// fast lifts the limits so flows run quickly; limit tests leave them on.
func fast(fo *telegramfake.Options) {
	fo.PerChat, fo.PerChatBurst, fo.Global, fo.GlobalBurst = 1000, 1000, 1000, 1000
}

func newRig(t *testing.T, fo telegramfake.Options, opts ...rigOption) *rig {
	t.Helper()
	fake := telegramfake.New(fo)
	t.Cleanup(fake.Close)
	r := &rig{t: t, fake: fake, dbPath: filepath.Join(t.TempDir(), "b.db"), slack: bridgetest.NewWorkspace(bridge.WorkspaceSlack)}
	r.opts = telegram.Options{Token: fake.Token(), Endpoint: fake.Endpoint(), PollTimeout: time.Second, PerChat: fo.PerChat, Global: fo.Global}
	r.web = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if mux := r.mux.Load(); mux != nil {
			mux.ServeHTTP(w, req)
		}
	}))
	t.Cleanup(r.web.Close)
	r.opts.PublicURL = r.web.URL
	for _, o := range opts {
		o(r)
	}
	r.start()
	t.Cleanup(r.shutdown)
	return r
}

func (r *rig) start() {
	r.t.Helper()
	ctx := r.t.Context()
	var clock bridge.Clock = bridge.SystemClock{}
	if r.clock != nil {
		clock = r.clock
	}
	st := enginetest.OpenStore(r.t, r.dbPath, sqlite.WithClock(clock))
	logger := enginetest.Logger(r.t, slog.LevelDebug)
	s := settings()
	if r.mutate != nil {
		r.mutate(&s)
	}
	e := enginetest.NewEngine(r.t, bridge.Options{Store: st, Responder: ai, Settings: s, Logger: logger, Clock: clock})
	opts := r.opts
	opts.Handler, opts.State, opts.Logger = e, e.AdapterState("telegram"), logger
	a, err := telegram.New(opts)
	if err != nil {
		r.t.Fatal(err)
	}
	e.RegisterUserChannel(a)
	e.RegisterWorkspace(r.slack)
	mux := http.NewServeMux()
	a.Mount(mux)
	r.mux.Store(mux)
	r.store, r.engine, r.adapter, r.stop = st, e, a, enginetest.Start(ctx, e, a)
}

func (r *rig) shutdown() {
	if r.stop == nil {
		return
	}
	r.stop()
	_ = r.store.Close()
	r.stop = nil
}

func (r *rig) restart() { r.shutdown(); r.start() }

// thread waits for the handoff thread of the conversation's latest handoff.
func (r *rig) thread(what string, ok func(ops []bridgetest.ThreadOp) bool) []bridgetest.ThreadOp {
	r.t.Helper()
	ops, err := r.slack.WaitFor(r.t.Context(), what, ok)
	if err != nil {
		r.t.Fatal(err)
	}
	return ops
}

func (r *rig) agent(ev bridge.Event) bridge.Outcome {
	r.t.Helper()
	out, err := r.engine.Handle(r.t.Context(), ev)
	if err != nil {
		r.t.Fatalf("agent event %T: %v", ev, err)
	}
	return out
}

var ana = bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U-ANA", DisplayName: "Ana S."}

// waitVisible waits until a message whose visible text contains want
// reaches chat, and returns it.
func (r *rig) waitVisible(chat int64, want string) telegramfake.Sent {
	r.t.Helper()
	var found telegramfake.Sent
	_, err := r.fake.WaitSent(r.t.Context(), chat, "a message showing "+want, func(s []telegramfake.Sent) bool {
		for _, m := range s {
			if strings.Contains(m.Visible, want) && !m.Deleted {
				found = m
				return true
			}
		}
		return false
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return found
}

// firstOpen finds the first thread opened, once its history is posted:
// the thread is stored by then, so agents can act in it.
func firstOpen(ops []bridgetest.ThreadOp) (bridgetest.ThreadOp, bool) {
	for _, op := range ops {
		if op.Kind == "open" {
			return op, len(bridgetest.Posts(ops, op.Thread)) > 0
		}
	}
	return bridgetest.ThreadOp{}, false
}

func postsContaining(ops []bridgetest.ThreadOp, thread, text string) []bridge.ThreadPost {
	var out []bridge.ThreadPost
	for _, p := range bridgetest.Posts(ops, thread) {
		if strings.Contains(p.Text, text) {
			out = append(out, p)
		}
	}
	return out
}

type noEvents struct{}

func (noEvents) Handle(context.Context, bridge.Event) (bridge.Outcome, error) {
	return bridge.Outcome{}, nil
}
