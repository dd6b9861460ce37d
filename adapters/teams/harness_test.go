package teams_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/teams"
	"github.com/handoffbridge/handoff/adapters/teams/teamsfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// env is an engine over real SQLite, the Teams workspace served over
// loopback HTTP and talking to teamsfake, and a recording web channel for
// widget users.
type env struct {
	t      *testing.T
	ctx    context.Context
	fake   *teamsfake.Server
	store  *sqlite.Store
	engine *bridge.Engine
	ws     *teams.Workspace
	web    bridgetest.RichUserChannel
	clock  *clock

	desk                  string         // the sales team's channel
	ana, bob, dave, eve   teamsfake.User // eve is no agent; dave is in another team
	stop                  context.CancelFunc
	engineDone, teamsDone chan struct{}
}

// clock is the adapter's clock, which tests move to expire tokens.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// newEnv starts the rig; each setup runs before the engine does.
func newEnv(t *testing.T, setup ...func(*bridge.Engine, *env)) *env {
	t.Helper()
	f := teamsfake.New(teamsfake.Options{})
	t.Cleanup(f.Close)
	e := &env{t: t, ctx: t.Context(), fake: f, web: bridgetest.NewRichUserChannel(bridge.ChannelWeb), clock: &clock{}}
	e.desk = f.NewChannel()
	e.ana, e.bob, e.dave, e.eve = f.NewUser("Ana"), f.NewUser("Bob"), f.NewUser("Dave"), f.NewUser("Eve")

	st, err := sqlite.Open(e.ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	logger := bridgetest.Logger(t, slog.LevelInfo)
	eng, err := bridge.New(bridge.Options{Store: st, Responder: answeringAI(), Settings: e.settings(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := teams.New(teams.Options{AppID: f.AppID(), AppPassword: f.AppPassword(), TenantID: f.TenantID(),
		ServiceURL: f.ServiceURL(), TokenURL: f.TokenURL(), OpenIDURL: f.OpenIDURL(), Issuer: f.Issuer(),
		Handler: eng, Handoffs: eng, Settings: eng.Settings, Now: e.clock.now, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	ws.Mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.SetBot(srv.URL + "/teams/messages")
	eng.RegisterUserChannel(e.web)
	eng.RegisterWorkspace(ws)
	ctx, cancel := context.WithCancel(context.WithoutCancel(e.ctx))
	e.store, e.engine, e.ws, e.stop = st, eng, ws, cancel
	for _, s := range setup {
		s(eng, e)
	}
	e.engineDone, e.teamsDone = make(chan struct{}), make(chan struct{})
	go func() { defer close(e.engineDone); _ = eng.Run(ctx) }()
	go func() { defer close(e.teamsDone); _ = ws.Run(ctx) }()
	t.Cleanup(e.shutdown)
	return e
}

func (e *env) shutdown() {
	e.stop()
	<-e.teamsDone
	<-e.engineDone
	_ = e.store.Close()
}

// settings: Ana is configured by her Entra object id, Bob by his Teams id.
func (e *env) settings() bridge.Settings {
	return bridge.Settings{
		Enabled: true, NotePrefix: "//", CancelPhrases: []string{"cancel"}, DefaultTeam: "sales", BotName: "Bot",
		Triggers: []bridge.Trigger{
			{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"}, Action: bridge.ActionHandoff, Team: "sales"},
		},
		Teams: map[bridge.TeamID]*bridge.Team{
			"sales": {ID: "sales", Workspace: bridge.WorkspaceMSTeams, Channel: e.desk},
		},
		Agents: []*bridge.Agent{
			{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"sales"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceMSTeams: e.ana.AADObjectID}},
			{ID: "bob", Name: "Bob", Teams: []bridge.TeamID{"sales"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceMSTeams: e.bob.ID}},
			{ID: "dave", Name: "Dave", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceMSTeams: e.dave.AADObjectID}},
		},
		Messages: bridge.DefaultMessages(),
	}
}

// answeringAI answers everything confidently, so that only the trigger
// hands off.
func answeringAI() bridge.Responder {
	return bridge.ResponderFunc(func(context.Context, bridge.Question) (bridge.Reply, error) {
		return bridge.Reply{Text: "Hi there! How can I help?", Confidence: 0.9}, nil
	})
}

func (e *env) waitFake(what string, cond func() bool) {
	e.t.Helper()
	if err := e.fake.WaitFor(e.ctx, what, cond); err != nil {
		e.t.Fatal(err)
	}
}

// webSays is a widget user writing.
func (e *env) webSays(chat, id, text string) bridge.Outcome {
	e.t.Helper()
	out, err := e.engine.Handle(e.ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat},
		User: bridge.User{DisplayName: "Uma"}, PlatformID: id, Text: text})
	if err != nil {
		e.t.Fatalf("web user says %q: %v", text, err)
	}
	return out
}

// handoff starts a handoff from a widget user and returns it with the
// id of its card (the root of its reply chain).
func (e *env) handoff(chat string) (bridge.HandoffID, string) {
	e.t.Helper()
	e.webSays(chat, chat+"-1", "hello")
	out := e.webSays(chat, chat+"-2", "I want to talk to a human")
	if out.Handoff == 0 {
		e.t.Fatal("no handoff was requested")
	}
	return out.Handoff, e.card(out.Handoff)
}

// card waits for the handoff's card in the desk and returns its id.
func (e *env) card(h bridge.HandoffID) string {
	e.t.Helper()
	var id string
	e.waitFake("the card of handoff "+h.String(), func() bool {
		for _, m := range e.fake.Threads(e.desk) {
			for _, a := range m.Card.Actions {
				if a.Data["handoff"] == h.String() {
					id = m.ID
					return true
				}
			}
		}
		return false
	})
	return id
}

func (e *env) thread(root string) string { return e.desk + ";messageid=" + root }

func (e *env) waitButtons(root string, want ...string) {
	e.t.Helper()
	e.waitFake("buttons "+strings.Join(want, ","), func() bool {
		ms := e.fake.Messages(e.thread(root))
		return len(ms) > 0 && slices.Equal(ms[0].Buttons(), want)
	})
}

// threadHas waits until the reply chain holds a message containing want.
func (e *env) threadHas(root, want string) teamsfake.Message {
	e.t.Helper()
	var found teamsfake.Message
	e.waitFake("thread message containing "+want, func() bool {
		for _, m := range e.fake.Messages(e.thread(root)) {
			if m.Type == "message" && strings.Contains(m.Text, want) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// toldPrivately waits for a message to u in their personal chat.
func (e *env) toldPrivately(u teamsfake.User, want string) {
	e.t.Helper()
	e.waitFake("told "+u.Name+" privately: "+want, func() bool {
		for _, m := range e.fake.Messages(teamsfake.PersonalChat(u)) {
			if strings.Contains(m.Text, want) {
				return true
			}
		}
		return false
	})
}

func (e *env) click(root string, u teamsfake.User, title string) {
	e.t.Helper()
	status, err := e.fake.Click(e.ctx, e.desk, root, u, title)
	if err != nil || status != http.StatusOK {
		e.t.Fatalf("%s clicks %s: status %d, %v", u.Name, title, status, err)
	}
}

func (e *env) say(root string, u teamsfake.User, html string) teamsfake.Activity {
	e.t.Helper()
	a, status, err := e.fake.Say(e.ctx, e.desk, root, u, html)
	if err != nil || status != http.StatusOK {
		e.t.Fatalf("%s says %q: status %d, %v", u.Name, html, status, err)
	}
	return a
}

func waitWeb(t *testing.T, web bridgetest.RichUserChannel, chat, what string, ok func(bridgetest.Delivery) bool) bridgetest.Delivery {
	t.Helper()
	d, err := web.WaitOne(t.Context(), chat, what, ok)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (e *env) state(h bridge.HandoffID) *bridge.Handoff {
	e.t.Helper()
	got, err := e.engine.Handoff(e.ctx, h)
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}
