package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/handoffbridge/handoff/adapters/api"
	"github.com/handoffbridge/handoff/adapters/api/apiclient"
	"github.com/handoffbridge/handoff/adapters/slack"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/internal/signing"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

const (
	supportChannel = "CSUPPORT"
	salesChannel   = "CSALES"
	shopKey        = "shop-key-0123456789abcdefghij"
	shopKeyNext    = "shop-key-rotated-0123456789ab"
	otherKey       = "other-key-0123456789abcdefghi"
)

var callbackSecret = []byte("callback-secret-of-the-shop")

// env is a bridge with the API on a loopback server, the real engine on
// SQLite, Slack on its fake (threads opened and clicked through the real
// Slack adapter over HTTP), and the shop bot's callback receiver.
type env struct {
	t        *testing.T
	ctx      context.Context
	doc      *openapi3.T
	engine   *bridge.Engine
	slack    *slackfake.Server
	srv      *httptest.Server
	contract *contract
	recv     *receiver
	shop     *apiclient.Client // integration "shop", callbacks to recv
	other    *apiclient.Client // integration "other", no callback URL
}

type envOptions struct {
	shopRate  float64
	shopBurst int
	triggers  bool
}

func quietLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func newEnv(t *testing.T, opts ...func(*envOptions)) *env {
	t.Helper()
	o := envOptions{shopRate: 1000, shopBurst: 1000}
	for _, f := range opts {
		f(&o)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	log := quietLogger(t)
	e := &env{t: t, ctx: ctx, doc: loadContract(t)}

	e.slack = slackfake.New(slackfake.Options{NoRateLimit: true, EchoBotMessages: true})
	t.Cleanup(e.slack.Close)
	e.slack.AddChannel(slackfake.Channel{ID: supportChannel, Name: "support-live", BotIsMember: true})
	e.slack.AddChannel(slackfake.Channel{ID: salesChannel, Name: "sales-live", BotIsMember: true})
	e.slack.AddUser(slackfake.User{ID: "UANA", Name: "ana", RealName: "Ana Silva", DisplayName: "Ana S."})

	s := bridge.Settings{Enabled: true, NotePrefix: "//", DefaultTeam: "support", BotName: "Bot", Messages: bridge.DefaultMessages(),
		Triggers: []bridge.Trigger{{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"},
			Action: bridge.ActionHandoff, Team: "support"}},
		Teams: map[bridge.TeamID]*bridge.Team{
			"support": {ID: "support", Workspace: bridge.WorkspaceSlack, Channel: supportChannel},
			"sales":   {ID: "sales", Workspace: bridge.WorkspaceSlack, Channel: salesChannel},
			"vip":     {ID: "vip", Workspace: bridge.WorkspaceSlack, Channel: salesChannel},
		},
		Agents: []*bridge.Agent{{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support", "sales", "vip"},
			Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "UANA"}}},
	}
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	engine, err := bridge.New(bridge.Options{Store: st, Settings: s, Logger: log,
		Responder: bridge.ResponderFunc(func(context.Context, bridge.Question) (bridge.Reply, error) {
			return bridge.Reply{Text: "The bridge's own AI must stay silent for API conversations.", Confidence: 0.9}, nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	e.engine = engine
	e.recv = newReceiver(t, e.doc)

	mux := http.NewServeMux()
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	so := e.slack.Opts()
	ws, err := slack.New(slack.Options{BotToken: so.BotToken, SigningSecret: so.SigningSecret, Mode: slack.ModeHTTP,
		APIURL: e.slack.APIURL(), Handler: engine, Store: st, Settings: engine.Settings, Logger: log, PublicURL: e.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	a, err := api.New(api.Options{Engine: engine, Records: cursorRecords{st}, Logger: log, Integrations: []api.Integration{
		{Name: "shop", APIKeys: []string{shopKey, shopKeyNext}, CallbackURL: e.recv.srv.URL + "/handoff", CallbackSecret: callbackSecret,
			DefaultTeam: "support", Teams: []bridge.TeamID{"sales"}, RateLimit: o.shopRate, Burst: o.shopBurst, Triggers: o.triggers,
			MaxMessageBytes: 2000},
		{Name: "other", APIKeys: []string{otherKey}, DefaultTeam: "support", RateLimit: 1000, Burst: 1000},
	}})
	if err != nil {
		t.Fatal(err)
	}
	engine.RegisterUserChannel(a)
	engine.RegisterWorkspace(ws)
	a.Mount(mux)
	ws.Mount(mux)
	e.slack.SetRequestURL(e.srv.URL + slack.EventsPath)

	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	var running sync.WaitGroup
	for _, r := range []bridge.Runner{engine, ws} {
		running.Go(func() { _ = r.Run(runCtx) })
	}
	t.Cleanup(func() {
		e.srv.CloseClientConnections()
		stop()
		running.Wait()
		_ = st.Close()
	})

	e.contract = newContract(t, e.doc)
	httpClient := &http.Client{Transport: e.contract}
	e.shop = apiclient.New(e.srv.URL, shopKey, httpClient)
	e.other = apiclient.New(e.srv.URL, otherKey, httpClient)
	return e
}

// cursorRecords keeps the API's records as store cursors, as the binary's
// wiring does.
type cursorRecords struct{ store bridge.Store }

func (c cursorRecords) Record(ctx context.Context, key string) (v string, err error) {
	err = c.store.View(ctx, func(tx bridge.Tx) error { v, err = tx.Cursor(ctx, key); return err })
	return v, err
}

func (c cursorRecords) SetRecord(ctx context.Context, key, value string) error {
	return c.store.Update(ctx, func(tx bridge.Tx) error { return tx.SetCursor(ctx, key, value) })
}

// receiver is the shop bot's callback endpoint: it verifies every
// callback's signature, validates its event against the document, and
// answers with scripted failures first when told to.
type receiver struct {
	t       testing.TB
	doc     *openapi3.T
	srv     *httptest.Server
	changes waitfor.Changes

	mu       sync.Mutex
	script   []int // statuses to answer before accepting again
	attempts int
	got      []apiclient.Event
}

func newReceiver(t *testing.T, doc *openapi3.T) *receiver {
	r := &receiver{t: t, doc: doc}
	r.srv = httptest.NewServer(r)
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if !signing.Verify(callbackSecret, req.Header.Get(signing.HeaderTimestamp), req.Header.Get(signing.HeaderSignature), body, time.Now(), time.Minute) {
		r.t.Errorf("callback with a bad signature: %s", body)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	checkEvent(r.t, r.doc, body)
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

// failNext answers the next callbacks with these statuses.
func (r *receiver) failNext(statuses ...int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.script = append(r.script, statuses...)
}

// events lists the accepted events of a conversation, in arrival order.
func (r *receiver) events(conversation string) []apiclient.Event {
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

// waitType waits until the conversation got an event of type kind and
// returns the conversation's events so far.
func (e *env) waitType(conversation, kind string) []apiclient.Event {
	e.t.Helper()
	var evs []apiclient.Event
	if err := e.recv.changes.Until(e.ctx, kind+" callback for "+conversation, func() bool {
		evs = e.recv.events(conversation)
		for _, ev := range evs {
			if ev.Type == kind {
				return true
			}
		}
		return false
	}); err != nil {
		e.t.Fatalf("%v; got %v", err, types(evs))
	}
	return evs
}

func types(evs []apiclient.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Type)
	}
	return out
}

func (e *env) waitSlack(what string, cond func() bool) {
	e.t.Helper()
	if err := e.slack.WaitFor(e.ctx, what, cond); err != nil {
		e.t.Fatal(err)
	}
}

// thread waits for the handoff's thread root in channel and returns its ts.
func (e *env) thread(channel, handoff string) string {
	e.t.Helper()
	var root string
	e.waitSlack("the thread of handoff "+handoff, func() bool {
		for _, m := range e.slack.Roots(channel) {
			if strings.Contains(m.Text, "Handoff #"+handoff+" ") {
				root = m.TS
				return true
			}
		}
		return false
	})
	return root
}

// threadHas waits until a reply in the thread contains text.
func (e *env) threadHas(channel, root, text string) {
	e.t.Helper()
	e.waitSlack("“"+text+"” in thread "+root, func() bool {
		for _, m := range e.slack.Replies(channel, root) {
			if strings.Contains(m.Text, text) || strings.Contains(string(m.Blocks), text) {
				return true
			}
		}
		return false
	})
}

// click presses a card button as Ana.
func (e *env) click(channel, root, action, handoff string) {
	e.t.Helper()
	if _, err := e.slack.Click(e.ctx, "UANA", channel, root, action, handoff); err != nil {
		e.t.Fatalf("click %s: %v", action, err)
	}
}

// agentSays posts a reply in the thread as Ana.
func (e *env) agentSays(channel, root, text string) {
	e.t.Helper()
	if _, _, err := e.slack.PostAsUser(e.ctx, channel, "UANA", text, root); err != nil {
		e.t.Fatalf("agent says %q: %v", text, err)
	}
}

// start creates conversation id for the shop with a transcript and asks
// for a human in team.
func (e *env) start(id, team string) apiclient.Handoff {
	e.t.Helper()
	if _, _, err := e.shop.UpsertConversation(e.ctx, apiclient.ConversationInput{ExternalID: id,
		User: &apiclient.Profile{Name: "Uma"}, Transcript: []apiclient.Turn{{Role: "user", Text: "my parcel is late"}}}); err != nil {
		e.t.Fatal(err)
	}
	h, _, err := e.shop.RequestHandoff(e.ctx, id, apiclient.HandoffInput{Team: team})
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}
