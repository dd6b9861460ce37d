package handofflink_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/console"
	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/adapters/handofflink"
	"github.com/handoffbridge/handoff/adapters/slack"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/internal/enginetest"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

const (
	publicURL    = "https://chat.example.com"
	slackChannel = "CSUPPORT"
	stuckChannel = "CSTUCK" // the bot was never added: threads cannot open
)

// world is a bridge with the three workspaces on one real engine over
// SQLite: Slack on its fake, Discord on its fake, the console; and the link
// route on a loopback server, as the bridge's listener serves it.
type world struct {
	t       *testing.T
	ctx     context.Context
	engine  *bridge.Engine
	slack   *slackfake.Server
	discord *discordfake.Server
	desk    string // the Discord team's channel
	obs     *deliveries
	srv     *httptest.Server
	client  *http.Client // does not follow redirects
	seq     int
}

// Teams, each asked for by its own phrase.
var teams = map[bridge.TeamID]string{"support": "slack please", "stuck": "stuck please", "sales": "discord please", "desk": "console please"}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	log := enginetest.VerboseLogger(t)
	w := &world{t: t, ctx: ctx, obs: newDeliveries()}

	w.slack = slackfake.New(slackfake.Options{NoRateLimit: true})
	t.Cleanup(w.slack.Close)
	w.slack.AddChannel(slackfake.Channel{ID: slackChannel, Name: "support-live", BotIsMember: true})
	w.slack.AddChannel(slackfake.Channel{ID: stuckChannel, Name: "nobody-added-the-bot"})
	w.discord = discordfake.New(discordfake.Options{})
	t.Cleanup(w.discord.Close)
	w.desk = w.discord.NewTextChannel("sales-desk")

	s := bridge.Settings{Enabled: true, NotePrefix: "//", DefaultTeam: "desk", BotName: "Bot", Messages: bridge.DefaultMessages(),
		Teams: map[bridge.TeamID]*bridge.Team{
			"support": {ID: "support", Workspace: bridge.WorkspaceSlack, Channel: slackChannel},
			"stuck":   {ID: "stuck", Workspace: bridge.WorkspaceSlack, Channel: stuckChannel},
			"sales":   {ID: "sales", Workspace: bridge.WorkspaceDiscord, Channel: w.desk},
			"desk":    {ID: "desk", Workspace: bridge.WorkspaceConsole},
		}}
	for team, phrase := range teams {
		s.Triggers = append(s.Triggers, bridge.Trigger{Name: string(team), Kind: bridge.TriggerRequest, Phrases: []string{phrase},
			Action: bridge.ActionHandoff, Team: team})
	}
	st := enginetest.TempStore(t)
	engine := enginetest.NewEngine(t, bridge.Options{Store: st, Settings: s, Logger: log, Observer: w.obs,
		Responder: bridgetest.Answers{Otherwise: bridge.Reply{Text: "I can help with that.", Confidence: 0.9}}})
	w.engine = engine
	so := w.slack.Opts()
	sw, err := slack.New(slack.Options{BotToken: so.BotToken, SigningSecret: so.SigningSecret, Mode: slack.ModeHTTP,
		APIURL: w.slack.APIURL(), Handler: engine, Handoffs: engine, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	da, err := discord.New(discord.Options{Handler: engine, Core: engine, Token: w.discord.Token(), HTTPClient: w.discord.Client(),
		PublicKey: w.discord.PublicKey, Settings: engine.Settings, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	cw, err := console.New(console.Options{Engine: engine, Logger: log,
		Logins: []console.Login{{Name: "ana", Token: "ana-secret-token-0123456789", Teams: []bridge.TeamID{"desk"}}}})
	if err != nil {
		t.Fatal(err)
	}
	engine.RegisterUserChannel(bridgetest.NewRichUserChannel(bridge.ChannelWeb))
	engine.RegisterWorkspace(sw)
	engine.RegisterWorkspace(da.Workspace())
	engine.RegisterWorkspace(cw)

	enginetest.Run(t, context.WithoutCancel(ctx), engine, sw, da)
	if err := w.discord.WaitFor(ctx, "the Discord bot connected", w.discord.Connected); err != nil {
		t.Fatal(err)
	}

	w.srv = httptest.NewServer(w.routes(handofflink.Options{PublicURL: publicURL, Console: true, Logger: log}))
	t.Cleanup(w.srv.Close)
	w.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return w
}

// routes is a mux with the link route of a handler made with o.
func (w *world) routes(o handofflink.Options) *http.ServeMux {
	w.t.Helper()
	o.Threads = w.engine
	h, err := handofflink.New(o)
	if err != nil {
		w.t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Mount(mux)
	return mux
}

// request asks team's phrase as a new widget user and returns the
// handoff, at once (its thread is opened by the outbox, later).
func (w *world) request(team bridge.TeamID) bridge.HandoffID {
	w.t.Helper()
	w.seq++
	chat := "u" + strings.Repeat("x", w.seq)
	out, err := w.engine.Handle(w.ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat},
		User: bridge.User{DisplayName: "Uma"}, PlatformID: chat + "-1", Text: teams[team]})
	if err != nil || out.Handoff == 0 {
		w.t.Fatalf("request a handoff of %s: %+v, %v", team, out, err)
	}
	return out.Handoff
}

// opened waits until the handoff's thread is open and returns it.
func (w *world) opened(id bridge.HandoffID) bridge.ThreadRef {
	w.t.Helper()
	var t bridge.ThreadRef
	w.obs.wait(w.ctx, w.t, "the thread of handoff "+id.String(), func() bool {
		var err error
		t, err = w.engine.HandoffThread(w.ctx, id)
		if err != nil {
			w.t.Fatal(err)
		}
		return !t.IsZero()
	})
	return t
}

// openFailed waits until opening a thread failed for good in workspace.
func (w *world) openFailed(workspace bridge.WorkspaceKind) {
	w.t.Helper()
	w.obs.wait(w.ctx, w.t, "a thread that could not open in "+string(workspace), func() bool {
		return w.obs.count(bridge.WorkspaceDestination(workspace), bridge.OpThreadOpen, "permanent") > 0
	})
}

// click follows the link as a browser would, without following the
// redirect.
func (w *world) click(path string) *http.Response {
	w.t.Helper()
	req, err := http.NewRequestWithContext(w.ctx, http.MethodGet, w.srv.URL+path, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	return resp
}

// deliveries is an Observer that wakes waiters on every delivery outcome.
type deliveries struct {
	mu      sync.Mutex
	changes waitfor.Changes
	counts  map[string]int // destination|op|outcome
}

func newDeliveries() *deliveries {
	return &deliveries{counts: map[string]int{}}
}

func (d *deliveries) note(dest bridge.Destination, op bridge.Op, outcome string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.counts[dest.String()+"|"+string(op)+"|"+outcome]++
	d.changes.Notify()
}

func (d *deliveries) count(dest bridge.Destination, op bridge.Op, outcome string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.counts[dest.String()+"|"+string(op)+"|"+outcome]
}

// wait checks cond after every delivery until it holds or ctx ends.
func (d *deliveries) wait(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	if err := d.changes.Until(ctx, what, cond); err != nil {
		t.Fatal(err)
	}
}

func (d *deliveries) Delivered(dest bridge.Destination, op bridge.Op, _ time.Duration) {
	d.note(dest, op, "delivered")
}
func (d *deliveries) DeliveryFailed(dest bridge.Destination, op bridge.Op, outcome string) {
	d.note(dest, op, outcome)
}
func (d *deliveries) HandoffChanged(bridge.TeamID, bridge.State, bridge.State) {}
func (d *deliveries) HandoffJoined(bridge.TeamID, time.Duration)               {}
func (d *deliveries) HandoffResolved(bridge.TeamID, time.Duration)             {}
func (d *deliveries) LeadCaptured(bridge.TeamID)                               {}
