package web_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// anaRef is the agent who answers in the recording workspace.
var anaRef = bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U-ANA", DisplayName: "Ana"}

func testSettings() bridge.Settings {
	return bridge.Settings{
		Enabled: true, NotePrefix: "//", CancelPhrases: []string{"cancel"}, DefaultTeam: "support", BotName: "Bot",
		Triggers: []bridge.Trigger{
			{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"}, Action: bridge.ActionHandoff, Team: "support"},
			{Name: "sales", Kind: bridge.TriggerTopic, Phrases: []string{"pricing"}, Action: bridge.ActionOffer, Team: "support"},
		},
		AI: bridge.AIPolicy{MinConfidence: 0.45, Action: bridge.ActionOffer, Team: "support"},
		Teams: map[bridge.TeamID]*bridge.Team{
			"support": {ID: "support", Workspace: bridge.WorkspaceSlack, Channel: "C-SUPPORT", SLA: 3 * time.Minute, Fallback: bridge.FallbackLeadForm},
		},
		Agents: []*bridge.Agent{
			{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "U-ANA"}},
		},
		Messages: bridge.DefaultMessages(),
	}
}

// echoAI answers every question with "You said: <question>".
func echoAI() bridge.Responder {
	return bridgetest.Answers{Rules: []bridgetest.Answer{{Echo: true, Reply: bridge.Reply{Text: "You said: ", Confidence: 0.9}}}}
}

// typingWorkspace is the recording workspace plus the user's typing.
type typingWorkspace struct {
	*bridgetest.Workspace
	typed chan bridge.ThreadRef
}

func (w typingWorkspace) ShowUserTyping(_ context.Context, ref bridge.ThreadRef) error {
	select {
	case w.typed <- ref:
	default:
	}
	return nil
}

type env struct {
	t      *testing.T
	ctx    context.Context
	clock  *bridgetest.Clock
	store  *sqlite.Store
	engine *bridge.Engine
	ws     typingWorkspace
	widget *web.Widget
	srv    *httptest.Server
	url    string
}

// newEnv runs the real engine over SQLite with the widget served on a
// loopback listener and the recording workspace for agents.
func newEnv(t *testing.T, mutate ...func(*web.Options)) *env {
	t.Helper()
	clock := bridgetest.NewClock(t0)
	e := newEnvWith(t, echoAI(), clock, mutate...)
	e.clock = clock
	return e
}

// newEnvWith runs on a given responder and clock (a system clock for the
// browser, which lives in real time).
func newEnvWith(t *testing.T, responder bridge.Responder, clock bridge.Clock, mutate ...func(*web.Options)) *env {
	t.Helper()
	ctx := t.Context()
	st := enginetest.TempStore(t, sqlite.WithClock(clock))
	logger := enginetest.Logger(t, slog.LevelDebug)
	e := enginetest.NewEngine(t, bridge.Options{Store: st, Responder: responder, Settings: testSettings(), Clock: clock, Logger: logger})
	secret, err := web.LoadSessionSecret(ctx, e, "")
	if err != nil {
		t.Fatal(err)
	}
	opts := web.Options{Handler: e, History: e, SessionSecret: secret, Clock: clock, Logger: logger, BotName: "Bot"}
	for _, m := range mutate {
		m(&opts)
	}
	w, err := web.New(opts)
	if err != nil {
		t.Fatalf("new widget: %v", err)
	}
	ws := typingWorkspace{bridgetest.NewWorkspace(bridge.WorkspaceSlack), make(chan bridge.ThreadRef, 8)}
	e.RegisterUserChannel(w)
	e.RegisterWorkspace(ws)
	mux := muxOf(w)
	if fs, ok := opts.Files.(*files.Service); ok {
		fs.Mount(mux)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	enginetest.Run(t, context.WithoutCancel(ctx), e, w)
	return &env{t: t, ctx: ctx, store: st, engine: e, ws: ws, widget: w, srv: srv,
		url: "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"}
}

// dial opens a widget session and waits for the bridge's state frame, the
// end of catch-up.
func (e *env) dial(o webfake.Options) *webfake.Client {
	e.t.Helper()
	c, err := webfake.Dial(e.ctx, e.url, o)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	e.t.Cleanup(c.Drop)
	if _, err := c.WaitFor(e.ctx, "state frame", hasType("state")); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func hasType(typ string) func([]webfake.Frame) bool {
	return func(fs []webfake.Frame) bool {
		for _, f := range fs {
			if f.Type == typ {
				return true
			}
		}
		return false
	}
}

// hasMessage holds once a message frame satisfies ok.
func hasMessage(ok func(webfake.Frame) bool) func([]webfake.Frame) bool {
	return func(fs []webfake.Frame) bool {
		for _, f := range webfake.Messages(fs) {
			if ok(f) {
				return true
			}
		}
		return false
	}
}

func textIs(s string) func(webfake.Frame) bool {
	return func(f webfake.Frame) bool { return f.Text == s }
}

// requestHuman has c ask for a human and returns the handoff's thread once
// the workspace opened it.
func (e *env) requestHuman(c *webfake.Client) string {
	e.t.Helper()
	if _, err := c.Say(e.ctx, "talk to a human"); err != nil {
		e.t.Fatal(err)
	}
	if _, err := c.WaitFor(e.ctx, "waiting notice", hasMessage(func(f webfake.Frame) bool { return f.Notice == "waiting" })); err != nil {
		e.t.Fatal(err)
	}
	// The thread is known to the engine once OpenThread returned; the
	// stream's next entry (the history post) goes out only after that.
	ops, err := e.ws.WaitFor(e.ctx, "thread opened", func(ops []bridgetest.ThreadOp) bool {
		return bridgetest.CountKind(ops, "open") > 0 && bridgetest.CountKind(ops, "post") > 0
	})
	if err != nil {
		e.t.Fatal(err)
	}
	var thread string
	for _, op := range ops {
		if op.Kind == "open" {
			thread = op.Thread
		}
	}
	return thread
}

func (e *env) agent(ev bridge.Event) bridge.Outcome {
	e.t.Helper()
	out, err := e.engine.Handle(e.ctx, ev)
	if err != nil {
		e.t.Fatalf("agent event %T: %v", ev, err)
	}
	return out
}

type bridgetestOp = bridgetest.ThreadOp

func prefixes(ss []string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}
