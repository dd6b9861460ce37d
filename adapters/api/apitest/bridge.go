package apitest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/handoffbridge/handoff/adapters/api"
	"github.com/handoffbridge/handoff/adapters/api/apiclient"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/internal/enginetest"
	"github.com/handoffbridge/handoff/internal/signing"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// The test bridge's Slack channels (with Discord the fake names its own),
// teams' and integrations' keys.
const (
	SupportChannel = "CSUPPORT" // team support, the default
	SalesChannel   = "CSALES"   // teams sales and vip
	ShopKey        = "shop-key-0123456789abcdefghij"
	ShopKeyNext    = "shop-key-rotated-0123456789ab" // the shop's second key, as during a rotation
	OtherKey       = "other-key-0123456789abcdefghi"
)

// CallbackSecret signs the shop's callbacks.
var CallbackSecret = []byte("callback-secret-of-the-shop")

// Env is a bridge with the API on a loopback server, the real engine on
// SQLite, the teams' workspace on its fake (Slack by default, threads
// opened and clicked through the real Slack adapter over HTTP; or Discord
// through the real Discord adapter over REST and gateway), and the shop
// bot's callback receiver. The
// integration "shop" may use teams support and sales and gets callbacks;
// "other" has no callback URL.
type Env struct {
	T        *testing.T
	Ctx      context.Context
	Doc      *openapi3.T
	Engine   *bridge.Engine
	Slack    *slackfake.Server   // nil when the teams work in Discord
	Discord  *discordfake.Server // set when the teams work in Discord
	Desk     Desk                // the teams' workspace, whichever it is
	Server   *httptest.Server
	Contract *Contract
	Receiver *Receiver
	Shop     *apiclient.Client // integration "shop"
	Other    *apiclient.Client // integration "other"
}

// Options change the test bridge.
type Options struct {
	ShopRate  float64 // default 1000 per second
	ShopBurst int
	Triggers  bool
	// CallbackURL replaces the receiver as the shop's callback URL.
	CallbackURL string
	// Workspace is where the teams work: bridge.WorkspaceSlack (the
	// default) or bridge.WorkspaceDiscord.
	Workspace bridge.WorkspaceKind
}

// New starts a test bridge; everything stops when the test ends.
func New(t *testing.T, o Options) *Env {
	t.Helper()
	if o.ShopRate == 0 {
		o.ShopRate, o.ShopBurst = 1000, 1000
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	log := enginetest.VerboseLogger(t)
	e := &Env{T: t, Ctx: ctx, Doc: LoadContract(t)}

	desk := newSlackDesk
	if o.Workspace == bridge.WorkspaceDiscord {
		desk = newDiscordDesk
	}
	w := desk(e, log)

	s := bridge.Settings{Enabled: true, NotePrefix: "//", DefaultTeam: "support", BotName: "Bot", Messages: bridge.DefaultMessages(),
		Triggers: []bridge.Trigger{{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"},
			Action: bridge.ActionHandoff, Team: "support"}},
		Teams: map[bridge.TeamID]*bridge.Team{
			"support": {ID: "support", Workspace: w.kind, Channel: w.support},
			"sales":   {ID: "sales", Workspace: w.kind, Channel: w.sales},
			"vip":     {ID: "vip", Workspace: w.kind, Channel: w.sales},
		},
		Agents: []*bridge.Agent{{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support", "sales", "vip"},
			Identities: map[bridge.WorkspaceKind]string{w.kind: w.ana}}},
	}
	st := enginetest.TempStore(t)
	engine := enginetest.NewEngine(t, bridge.Options{Store: st, Settings: s, Logger: log,
		Responder: bridgetest.Answers{Otherwise: bridge.Reply{Text: "The bridge's own AI must stay silent for API conversations.", Confidence: 0.9}}})
	e.Engine = engine
	e.Receiver = newReceiver(t, e.Doc)
	callback := e.Receiver.srv.URL + "/handoff"
	if o.CallbackURL != "" {
		callback = o.CallbackURL
	}

	mux := http.NewServeMux()
	e.Server = httptest.NewServer(mux)
	t.Cleanup(e.Server.Close)
	ws, err := w.connect(engine, e.Server.URL, mux)
	if err != nil {
		t.Fatal(err)
	}
	a, err := api.New(api.Options{Engine: engine, Logger: log, Integrations: []api.Integration{
		{Name: "shop", APIKeys: []string{ShopKey, ShopKeyNext}, CallbackURL: callback, CallbackSecret: CallbackSecret,
			DefaultTeam: "support", Teams: []bridge.TeamID{"sales"}, RateLimit: o.ShopRate, Burst: o.ShopBurst, Triggers: o.Triggers,
			MaxMessageBytes: 2000},
		{Name: "other", APIKeys: []string{OtherKey}, DefaultTeam: "support", RateLimit: 1000, Burst: 1000},
	}})
	if err != nil {
		t.Fatal(err)
	}
	engine.RegisterUserChannel(a)
	engine.RegisterWorkspace(ws.workspace)
	a.Mount(mux)

	stop := enginetest.Start(context.WithoutCancel(ctx), engine, ws.runner)
	if ws.ready != nil {
		ws.ready()
	}
	t.Cleanup(func() {
		e.Server.CloseClientConnections()
		stop()
	})

	e.Contract = NewContract(t, e.Doc)
	e.Shop = e.Client(ShopKey)
	e.Other = e.Client(OtherKey)
	return e
}

// Client is an API client with key whose every exchange is validated
// against the document.
func (e *Env) Client(key string) *apiclient.Client {
	return apiclient.New(e.Server.URL, key, &http.Client{Transport: e.Contract})
}

// Receiver is the shop bot's callback endpoint: it verifies every
// callback's signature, validates its event against the document, and
// answers with scripted failures first when told to.
type Receiver struct {
	t       testing.TB
	doc     *openapi3.T
	srv     *httptest.Server
	changes waitfor.Changes

	mu       sync.Mutex
	script   []int // statuses to answer before accepting again
	attempts int
	got      []apiclient.Event
}

func newReceiver(t *testing.T, doc *openapi3.T) *Receiver {
	r := &Receiver{t: t, doc: doc}
	r.srv = httptest.NewServer(r)
	t.Cleanup(r.srv.Close)
	return r
}

func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if !signing.Verify(CallbackSecret, req.Header.Get(signing.HeaderTimestamp), req.Header.Get(signing.HeaderSignature), body, time.Now(), time.Minute) {
		r.t.Errorf("callback with a bad signature: %s", body)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	CheckEvent(r.t, r.doc, body)
	var ev apiclient.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		r.t.Errorf("callback body: %v", err)
	}
	if req.Header.Get(api.HeaderDelivery) != ev.ID || req.Header.Get(api.HeaderEvent) != ev.Type {
		r.t.Errorf("callback headers %v do not name event %s (%s)", req.Header, ev.ID, ev.Type)
	}
	r.mu.Lock()
	r.attempts++
	if len(r.script) > 0 {
		status := r.script[0]
		r.script = r.script[1:]
		r.mu.Unlock()
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		w.WriteHeader(status)
		r.changes.Notify()
		return
	}
	r.got = append(r.got, ev)
	r.mu.Unlock()
	r.changes.Notify()
	w.WriteHeader(http.StatusNoContent)
}

// FailNext answers the next callbacks with these statuses.
func (r *Receiver) FailNext(statuses ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.script = append(r.script, statuses...)
}

// Events lists the accepted events of a conversation, in arrival order.
func (r *Receiver) Events(conversation string) []apiclient.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []apiclient.Event
	for _, ev := range r.got {
		if ev.ConversationID == conversation {
			out = append(out, ev)
		}
	}
	return out
}

// WaitType waits until the conversation got an event of type kind and
// returns the conversation's events so far.
func (e *Env) WaitType(conversation, kind string) []apiclient.Event {
	e.T.Helper()
	return e.WaitFor(conversation, kind+" callback", func(evs []apiclient.Event) bool {
		return slices.ContainsFunc(evs, func(ev apiclient.Event) bool { return ev.Type == kind })
	})
}

// WaitFor waits until the conversation's events so far satisfy done and
// returns them.
func (e *Env) WaitFor(conversation, what string, done func([]apiclient.Event) bool) []apiclient.Event {
	e.T.Helper()
	var evs []apiclient.Event
	if err := e.Receiver.changes.Until(e.Ctx, what+" for "+conversation, func() bool {
		evs = e.Receiver.Events(conversation)
		return done(evs)
	}); err != nil {
		e.T.Fatalf("%v; got %v", err, Types(evs))
	}
	return evs
}

// Types lists the events' types.
func Types(evs []apiclient.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Type)
	}
	return out
}

func (e *Env) waitSlack(what string, cond func() bool) {
	e.T.Helper()
	if err := e.Slack.WaitFor(e.Ctx, what, cond); err != nil {
		e.T.Fatal(err)
	}
}

// Thread waits for the handoff's thread root in channel and returns its ts.
func (e *Env) Thread(channel, handoff string) string {
	e.T.Helper()
	var root string
	e.waitSlack("the thread of handoff "+handoff, func() bool {
		for _, m := range e.Slack.Roots(channel) {
			if strings.Contains(m.Text, "Handoff #"+handoff+" ") {
				root = m.TS
				return true
			}
		}
		return false
	})
	return root
}

// ThreadHas waits until a reply in the thread contains text.
func (e *Env) ThreadHas(channel, root, text string) {
	e.T.Helper()
	e.waitSlack("“"+text+"” in thread "+root, func() bool {
		for _, m := range e.Slack.Replies(channel, root) {
			if strings.Contains(m.Text, text) || strings.Contains(string(m.Blocks), text) {
				return true
			}
		}
		return false
	})
}

// Click presses a card button as Ana.
func (e *Env) Click(channel, root, action, handoff string) {
	e.T.Helper()
	if _, err := e.Slack.Click(e.Ctx, "UANA", channel, root, action, handoff); err != nil {
		e.T.Fatalf("click %s: %v", action, err)
	}
}

// AgentSays posts a reply in the thread as Ana.
func (e *Env) AgentSays(channel, root, text string) {
	e.T.Helper()
	if _, _, err := e.Slack.PostAsUser(e.Ctx, channel, "UANA", text, root); err != nil {
		e.T.Fatalf("agent says %q: %v", text, err)
	}
}

// Start creates conversation id for the shop with a transcript and asks
// for a human in team.
func (e *Env) Start(id, team string) apiclient.Handoff {
	e.T.Helper()
	if _, _, err := e.Shop.UpsertConversation(e.Ctx, apiclient.ConversationInput{ExternalID: id,
		User: &apiclient.Profile{Name: "Uma"}, Transcript: []apiclient.Turn{{Role: "user", Text: "my parcel is late"}}}); err != nil {
		e.T.Fatal(err)
	}
	h, _, err := e.Shop.RequestHandoff(e.Ctx, id, apiclient.HandoffInput{Team: team})
	if err != nil {
		e.T.Fatal(err)
	}
	return h
}

// Attempts counts the callbacks received, refused ones included.
func (r *Receiver) Attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.attempts
}
