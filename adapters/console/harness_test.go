package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"golang.org/x/crypto/bcrypt"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

const (
	anaToken     = "ana-secret-token-0123456789"
	bobToken     = "bob-secret-token-0123456789"
	caraPassword = "correct horse battery staple"
	salesToken   = "sam-secret-token-0123456789"
	adminToken   = "ada-secret-token-0123456789"
)

// testSettings: support and sales teams answering in the console, agents
// Ana and Bob (support), Cara (support, password login), Sam (sales only)
// and Ada (admin, in no team).
func testSettings() bridge.Settings {
	console := func(name string) map[bridge.WorkspaceKind]string {
		return map[bridge.WorkspaceKind]string{bridge.WorkspaceConsole: name}
	}
	return bridge.Settings{
		Enabled: true, NotePrefix: "//", DefaultTeam: "support", BotName: "Bot",
		CancelPhrases: []string{"cancel"},
		Triggers: []bridge.Trigger{{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"},
			Action: bridge.ActionHandoff, Team: "support"},
			{Name: "sales", Kind: bridge.TriggerRequest, Phrases: []string{"talk to sales"},
				Action: bridge.ActionHandoff, Team: "sales"}},
		Teams: map[bridge.TeamID]*bridge.Team{
			"support": {ID: "support", Workspace: bridge.WorkspaceConsole, Fallback: bridge.FallbackNone},
			"sales":   {ID: "sales", Workspace: bridge.WorkspaceConsole, Fallback: bridge.FallbackNone},
		},
		Agents: []*bridge.Agent{
			{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support"}, Identities: console("ana")},
			{ID: "bob", Name: "Bob", Teams: []bridge.TeamID{"support"}, Identities: console("bob")},
			{ID: "cara", Name: "Cara", Teams: []bridge.TeamID{"support"}, Identities: console("cara")},
			{ID: "sam", Name: "Sam", Teams: []bridge.TeamID{"sales"}, Identities: console("sam")},
			{ID: "ada", Name: "Ada", Admin: true, Identities: console("ada")},
		},
		Messages: bridge.DefaultMessages(),
	}
}

func testLogins(t testing.TB) []Login {
	hash, err := bcrypt.GenerateFromPassword([]byte(caraPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return []Login{
		{Name: "ana", DisplayName: "Ana S.", Teams: []bridge.TeamID{"support"}, Token: anaToken},
		{Name: "bob", DisplayName: "Bob", Teams: []bridge.TeamID{"support"}, Token: bobToken},
		{Name: "cara", Teams: []bridge.TeamID{"support"}, PasswordHash: string(hash)},
		{Name: "sam", Teams: []bridge.TeamID{"sales"}, Token: salesToken},
		{Name: "ada", Admin: true, Token: adminToken},
	}
}

// kbAI answers like a tiny knowledge base.
func kbAI() bridge.Responder {
	return bridgetest.Answers{Rules: []bridgetest.Answer{{Keyword: "opening hours", Reply: bridge.Reply{Text: "We are open 9 to 5.", Confidence: 0.9}}},
		Otherwise: bridge.Reply{Text: "I can help with that.", Confidence: 0.8}}
}

// world is a bridge with the console on a loopback HTTP server, a real
// engine on SQLite, and the widget replaced by a recording user channel.
type world struct {
	t       *testing.T
	ctx     context.Context
	engine  *bridge.Engine
	store   *sqlite.Store
	console *Console
	web     bridgetest.RichUserChannel
	srv     *httptest.Server
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldWith(t, nil)
}

// newWorldWith is newWorld with the console's options changed by opt.
func newWorldWith(t *testing.T, opt func(*Options)) *world {
	t.Helper()
	ctx := t.Context()
	st := enginetest.TempStore(t)
	logger := enginetest.Logger(t, slog.LevelDebug)
	e := enginetest.NewEngine(t, bridge.Options{Store: st, Responder: kbAI(), Settings: testSettings(), Logger: logger})
	opts := Options{Engine: e, Logins: testLogins(t), Logger: logger, NotePrefix: "//"}
	if opt != nil {
		opt(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, ctx: ctx, engine: e, store: st, console: c, web: bridgetest.NewRichUserChannel(bridge.ChannelWeb)}
	e.RegisterUserChannel(w.web)
	e.RegisterWorkspace(c)
	mux := http.NewServeMux()
	c.Mount(mux)
	w.srv = httptest.NewServer(mux)
	enginetest.Run(t, context.WithoutCancel(ctx), e)
	t.Cleanup(w.srv.Close)
	return w
}

// userSays is the user side: a message from the widget session chat.
func (w *world) userSays(chat, id, text string) bridge.Outcome {
	w.t.Helper()
	out, err := w.engine.Handle(w.ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat},
		User: bridge.User{DisplayName: "Uma"}, PlatformID: id, Text: text,
		Context: bridge.UserContext{IP: "203.0.113.7", PageURL: "https://shop.example.com/cart", UserAgent: "Firefox"}})
	if err != nil {
		w.t.Fatalf("user says %q: %v", text, err)
	}
	return out
}

// agent is one agent's browser: a cookie jar, the CSRF token and a live
// socket whose events can be waited on.
type agent struct {
	t      *testing.T
	w      *world
	client *http.Client
	csrf   string
	name   string

	mu      sync.Mutex
	events  []liveEvent
	changed chan struct{}
	ws      *websocket.Conn
	closed  chan struct{}
	readErr error // why the live socket ended, once closed is closed
}

func (w *world) newAgent() *agent {
	jar, _ := cookiejar.New(nil)
	return &agent{t: w.t, w: w, client: &http.Client{Jar: jar}, changed: make(chan struct{})}
}

// login logs in with body and returns the HTTP status and error text.
func (a *agent) login(body any) (int, string) {
	a.t.Helper()
	var me meResponse
	code, errText := a.do("POST", "/api/login", body, &me)
	if code == http.StatusOK {
		a.csrf, a.name = me.CSRF, me.Name
	}
	return code, errText
}

// loggedIn logs in with a token, connects the live socket, and fails the
// test if either fails.
func (w *world) loggedIn(token string) *agent {
	w.t.Helper()
	a := w.newAgent()
	if code, msg := a.login(map[string]string{"token": token}); code != http.StatusOK {
		w.t.Fatalf("login: %d %s", code, msg)
	}
	a.connect()
	return a
}

// do sends a request (with the CSRF header) and decodes the answer.
func (a *agent) do(method, path string, body, into any) (int, string) {
	a.t.Helper()
	code, raw := a.raw(method, path, body)
	if code != http.StatusOK {
		var e struct{ Error string }
		_ = json.Unmarshal(raw, &e)
		return code, e.Error
	}
	if into != nil {
		if err := json.Unmarshal(raw, into); err != nil {
			a.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return code, ""
}

// raw sends a request (with the CSRF header) and returns the answer as is.
func (a *agent) raw(method, path string, body any) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(a.t.Context(), method, a.w.srv.URL+Prefix+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if a.csrf != "" {
		req.Header.Set(csrfHeader, a.csrf)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: read the answer: %v", method, path, err)
	}
	return resp.StatusCode, raw
}

func (a *agent) list() []handoffSummary {
	a.t.Helper()
	var l listResponse
	if code, msg := a.do("GET", "/api/handoffs", nil, &l); code != http.StatusOK {
		a.t.Fatalf("list: %d %s", code, msg)
	}
	return l.Handoffs
}

func (a *agent) detail(id string) detailResponse {
	a.t.Helper()
	var d detailResponse
	if code, msg := a.do("GET", "/api/handoffs/"+id, nil, &d); code != http.StatusOK {
		a.t.Fatalf("detail %s: %d %s", id, code, msg)
	}
	return d
}

func (a *agent) act(id, action string) (int, string) {
	return a.do("POST", "/api/handoffs/"+id+"/actions", map[string]string{"action": action}, nil)
}

func (a *agent) reply(id, text string) replyResponse {
	a.t.Helper()
	var r replyResponse
	if code, msg := a.do("POST", "/api/handoffs/"+id+"/messages", map[string]string{"text": text}, &r); code != http.StatusOK {
		a.t.Fatalf("reply %q: %d %s", text, code, msg)
	}
	return r
}

// connect opens the live socket with the session cookie.
func (a *agent) connect() {
	a.t.Helper()
	ws, resp, err := websocket.Dial(a.t.Context(), "ws"+strings.TrimPrefix(a.w.srv.URL, "http")+Prefix+"/api/live",
		&websocket.DialOptions{HTTPClient: a.client})
	if err != nil {
		a.t.Fatalf("live socket: %v (%v)", err, resp)
	}
	a.ws, a.closed = ws, make(chan struct{})
	go func() {
		defer close(a.closed)
		for {
			var ev liveEvent
			if err := wsjson.Read(context.WithoutCancel(a.t.Context()), ws, &ev); err != nil {
				a.readErr = err
				return
			}
			a.mu.Lock()
			a.events = append(a.events, ev)
			close(a.changed)
			a.changed = make(chan struct{})
			a.mu.Unlock()
		}
	}()
	a.t.Cleanup(func() { ws.CloseNow(); <-a.closed })
	// The dial returns once the server has answered the upgrade, which is
	// before it registers the tab for events; it answers a ping only after.
	if err := ws.Ping(a.t.Context()); err != nil {
		a.t.Fatalf("live socket: no pong: %v", err)
	}
}

// waitEvent blocks until an event matching ok has arrived (at or after
// index from) and returns its index.
func (a *agent) waitEvent(from int, what string, ok func(liveEvent) bool) int {
	a.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		a.mu.Lock()
		evs, ch := a.events, a.changed
		a.mu.Unlock()
		for i := from; i < len(evs); i++ {
			if ok(evs[i]) {
				return i
			}
		}
		select {
		case <-ch:
		case <-a.closed:
			a.t.Fatalf("%s: live socket closed while waiting for %s; got %+v", a.name, what, evs)
		case <-timeout:
			a.t.Fatalf("%s: no %s within 10s; got %+v", a.name, what, evs)
		}
	}
}

func (a *agent) eventCount() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.events)
}

func isEvent(typ, handoff string) func(liveEvent) bool {
	return func(ev liveEvent) bool { return ev.Type == typ && (handoff == "" || ev.Handoff == handoff) }
}

// waitText waits until chat got a message containing want.
func (w *world) waitText(chat, want string) bridgetest.Delivery {
	w.t.Helper()
	var found bridgetest.Delivery
	_, err := w.web.WaitFor(w.ctx, chat, fmt.Sprintf("a message containing %q", want), func(ds []bridgetest.Delivery) bool {
		for _, d := range ds {
			if strings.Contains(d.Message.Text, want) {
				found = d
				return true
			}
		}
		return false
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return found
}

// requestHuman makes the user ask for a human and waits until the agent's
// live socket says the thread is open with its history (its first change).
func (w *world) requestHuman(chat string, watcher *agent) string {
	w.t.Helper()
	from := watcher.eventCount()
	out := w.userSays(chat, chat+"-m1", "I want to talk to a human")
	id := out.Handoff.String()
	if out.Handoff == 0 {
		w.t.Fatal("no handoff was requested")
	}
	i := watcher.waitEvent(from, "the new request", isEvent("new", id))
	watcher.waitEvent(i, "the thread's history", isEvent("changed", id))
	return id
}

func (w *world) handoff(id string) *bridge.Handoff {
	w.t.Helper()
	hid, err := parseHandoffID(id)
	if err != nil {
		w.t.Fatal(err)
	}
	var h *bridge.Handoff
	if err := w.store.View(w.ctx, func(tx bridge.Tx) error {
		var err error
		h, err = tx.Handoff(w.ctx, hid)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
	return h
}

// waitDetail re-reads a handoff at each live change until ok holds.
func (a *agent) waitDetail(id, what string, ok func(detailResponse) bool) detailResponse {
	a.t.Helper()
	for {
		from := a.eventCount()
		d := a.detail(id)
		if ok(d) {
			return d
		}
		a.waitEvent(from, what, isEvent("changed", id))
	}
}
