package mattermost_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/mattermost"
	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/internal/waitfor"
)

// The people of the tests: Ana and Bob are the support team's agents,
// Eve is in the channel but no agent.
const (
	channel    = "supportchannel0000000000aa"
	anaID      = "anaaaaaaaaaaaaaaaaaaaaaaaa"
	bobID      = "bobbbbbbbbbbbbbbbbbbbbbbbb"
	eveID      = "eveeeeeeeeeeeeeeeeeeeeeeee"
	slashToken = "slash-command-token"
)

func settings() bridge.Settings {
	mm := func(id string) map[bridge.WorkspaceKind]string {
		return map[bridge.WorkspaceKind]string{bridge.WorkspaceMattermost: id}
	}
	return bridge.Settings{
		Enabled: true, NotePrefix: "//", DefaultTeam: "support", BotName: "Bot", Messages: bridge.DefaultMessages(),
		Triggers: []bridge.Trigger{{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"},
			Action: bridge.ActionHandoff, Team: "support"}},
		Teams: map[bridge.TeamID]*bridge.Team{"support": {ID: "support", Workspace: bridge.WorkspaceMattermost, Channel: channel}},
		Agents: []*bridge.Agent{
			{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support"}, Identities: mm(anaID)},
			{ID: "bob", Name: "Bob", Teams: []bridge.TeamID{"support"}, Identities: mm(bobID)},
		},
	}
}

var responder = bridge.ResponderFunc(func(_ context.Context, q bridge.Question) (bridge.Reply, error) {
	if strings.Contains(strings.ToLower(q.Text), "hello") {
		return bridge.Reply{Text: "Hi there!", Confidence: 0.9}, nil
	}
	return bridge.Reply{Text: "I can help with that.", Confidence: 0.8}, nil
})

type env struct {
	t      *testing.T
	ctx    context.Context
	mm     *mattermostfake.Server
	ws     *mattermost.Workspace
	engine *bridge.Engine
	web    bridgetest.RichUserChannel
	bridge string           // the bridge's listener: ActionsPath and CommandPath
	health *waitfor.Changes // told of every change of the workspace's health
	// lastPlatformID is the widget's id of the user's last message.
	lastPlatformID string
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// newEnv starts the fake Mattermost, the real engine on SQLite, a
// widget-like user channel and the workspace, and waits for the
// WebSocket.
func newEnv(t *testing.T, fo mattermostfake.Options) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	fake := mattermostfake.New(fo)
	t.Cleanup(fake.Close)
	fake.AddUser(mattermostfake.User{ID: anaID, Username: "ana", FirstName: "Ana", LastName: "Silva", Nickname: "Ana S."})
	fake.AddUser(mattermostfake.User{ID: bobID, Username: "bob", FirstName: "Bob", LastName: "Stone"})
	fake.AddUser(mattermostfake.User{ID: eveID, Username: "eve", FirstName: "Eve"})
	fake.AddChannel(channel, "support-live", fake.BotUserID(), anaID, bobID, eveID)

	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	s := settings()
	engine, err := bridge.New(bridge.Options{Store: st, Responder: responder, Settings: s, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	key, err := mattermost.LoadActionKey(ctx, engine)
	if err != nil {
		t.Fatal(err)
	}
	var health waitfor.Changes
	ws, err := mattermost.New(mattermost.Options{Reconnect: bridge.Backoff{Base: 10 * time.Millisecond, Max: 50 * time.Millisecond}, OnHealth: func(bridge.Health) { health.Notify() }, URL: fake.URL(), Token: fake.Token(), PublicURL: srv.URL, ActionKey: key,
		SlashToken: slashToken, Handler: engine, Core: engine, Settings: engine.Settings, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	fake.SetCommand("handoffs", srv.URL+mattermost.CommandPath)
	web := bridgetest.NewRichUserChannel(bridge.ChannelWeb)
	engine.RegisterUserChannel(web)
	engine.RegisterWorkspace(ws)
	ws.Mount(mux)
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	engineDone, wsDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(engineDone); _ = engine.Run(runCtx) }()
	go func() { defer close(wsDone); _ = ws.Run(runCtx) }()
	t.Cleanup(func() {
		stop()
		<-wsDone
		<-engineDone
		_ = st.Close()
	})
	if err := fake.WaitConnected(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, mm: fake, ws: ws, engine: engine, web: web, bridge: srv.URL, health: &health}
	e.waitHealthUp()
	return e
}

// waitHealthUp waits until the workspace reports its WebSocket up, which
// it does once the catch-up after connecting is done.
func (e *env) waitHealthUp() {
	e.t.Helper()
	if err := e.health.Until(e.ctx, "the workspace up", func() bool { return e.ws.Health(e.ctx).State == bridge.HealthUp }); err != nil {
		e.t.Fatal(err)
	}
}

var msgSeq atomic.Int64

// userSays is the widget user writing a message.
func (e *env) userSays(chat, text string) bridge.Outcome {
	e.t.Helper()
	e.lastPlatformID = fmt.Sprintf("m%d", msgSeq.Add(1))
	out, err := e.engine.Handle(e.ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat},
		User: bridge.User{DisplayName: "Uma " + chat}, PlatformID: e.lastPlatformID, Text: text,
		Context: bridge.UserContext{IP: "203.0.113.9", Country: "PT", PageURL: "https://shop.example/checkout"}})
	if err != nil {
		e.t.Fatalf("user says %q: %v", text, err)
	}
	return out
}

// requestThread asks for a human and returns the handoff and its card's
// post id once the card and the history are posted.
func (e *env) requestThread(chat string) (bridge.HandoffID, string) {
	e.t.Helper()
	out := e.userSays(chat, "talk to a human")
	if out.Handoff == 0 {
		e.t.Fatal("no handoff requested")
	}
	var root string
	e.waitFake("card of handoff "+out.Handoff.String(), func() bool {
		for _, p := range e.mm.Roots(channel) {
			if strings.Contains(p.Message, fmt.Sprintf("Handoff #%d ", out.Handoff)) {
				root = p.ID
				return len(e.mm.Replies(channel, root)) > 0
			}
		}
		return false
	})
	return out.Handoff, root
}

func (e *env) waitFake(what string, cond func() bool) {
	e.t.Helper()
	if err := e.mm.WaitFor(e.ctx, what, cond); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) waitWeb(chat, what string, ok func([]bridgetest.Delivery) bool) []bridgetest.Delivery {
	e.t.Helper()
	ds, err := e.web.WaitFor(e.ctx, chat, what, ok)
	if err != nil {
		e.t.Fatal(err)
	}
	return ds
}

// card is the card post as the server keeps it.
func (e *env) card(root string) mattermostfake.Post {
	e.t.Helper()
	p, ok := e.mm.Post(root)
	if !ok {
		e.t.Fatalf("no card %s", root)
	}
	return p
}

// click presses a card's button and fails the test unless Mattermost took
// the bridge's answer.
func (e *env) click(userID, root, action string) mattermostfake.ClickResult {
	e.t.Helper()
	res, err := e.mm.Click(e.ctx, userID, root, action)
	if err != nil || res.Status != http.StatusOK {
		e.t.Fatalf("click %s as %s: %+v %v", action, userID, res, err)
	}
	return res
}

// threadText joins a thread's replies.
func (e *env) threadText(root string) string {
	var b strings.Builder
	for _, p := range e.mm.Replies(channel, root) {
		b.WriteString(p.Message + "\n")
	}
	return b.String()
}
