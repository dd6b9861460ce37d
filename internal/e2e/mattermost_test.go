package e2e_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/adapters/mattermost"
	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
	"github.com/handoffbridge/handoff/adapters/telegram"
	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

const (
	mmChannel = "supportchannel0000000000aa"
	mmAna     = "anaaaaaaaaaaaaaaaaaaaaaaaa"
)

// mmEnv is one bridge whose support team answers in Mattermost: the
// engine on SQLite with the Mattermost workspace (against the fake), the
// Telegram channel (long polling against its fake) and the web widget
// (its real WebSocket on the bridge's listener) registered on it, as
// cmd/bridge wires them.
type mmEnv struct {
	t    *testing.T
	ctx  context.Context
	mm   *mattermostfake.Server
	tg   *telegramfake.Server
	site string
}

func newMattermostEnv(t *testing.T) *mmEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	log := enginetest.VerboseLogger(t)
	mm := mattermostfake.New(mattermostfake.Options{})
	t.Cleanup(mm.Close)
	mm.AddUser(mattermostfake.User{ID: mmAna, Username: "ana", FirstName: "Ana", LastName: "Silva", Nickname: "Ana S."})
	mm.AddChannel(mmChannel, "support-live", mm.BotUserID(), mmAna)
	tf := telegramfake.New(telegramfake.Options{})
	t.Cleanup(tf.Close)

	st := enginetest.TempStore(t)
	s := settings("", discordgo.User{}) // without the Discord desk: Mattermost only
	delete(s.Teams, "desk")
	s.Triggers = s.Triggers[:1]
	s.Teams["support"] = &bridge.Team{ID: "support", Workspace: bridge.WorkspaceMattermost, Channel: mmChannel, SLA: time.Hour, Fallback: bridge.FallbackNone}
	s.Agents = []*bridge.Agent{{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support"},
		Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceMattermost: mmAna}}}
	engine := enginetest.NewEngine(t, bridge.Options{Store: st, Responder: responder, Settings: s, Logger: log})
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	key, err := mattermost.LoadActionKey(ctx, engine)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := mattermost.New(mattermost.Options{URL: mm.URL(), Token: mm.Token(), PublicURL: srv.URL, ActionKey: key,
		Handler: engine, Core: engine, Settings: engine.Settings, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := telegram.New(telegram.Options{Token: tf.Token(), Endpoint: tf.Endpoint(), PollTimeout: time.Second,
		PublicURL: srv.URL, Handler: engine, State: engine.AdapterState("telegram"), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	widgetKey, err := web.LoadSessionSecret(ctx, engine, "")
	if err != nil {
		t.Fatal(err)
	}
	widget, err := web.New(web.Options{Handler: engine, History: engine, SessionSecret: widgetKey, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	engine.RegisterWorkspace(ws)
	engine.RegisterUserChannel(tg)
	engine.RegisterUserChannel(widget)
	ws.Mount(mux)
	tg.Mount(mux)
	widget.Mount(mux)

	enginetest.Run(t, context.WithoutCancel(ctx), engine, ws, tg, widget)
	if err := mm.WaitConnected(ctx); err != nil {
		t.Fatal(err)
	}
	return &mmEnv{t: t, ctx: ctx, mm: mm, tg: tf, site: srv.URL}
}

func (e *mmEnv) wait(what string, cond func() bool) {
	e.t.Helper()
	if err := e.mm.WaitFor(e.ctx, what, cond); err != nil {
		e.t.Fatal(err)
	}
}

// card waits for the only request card of the channel, with its history
// posted, and returns its post id.
func (e *mmEnv) card() string {
	e.t.Helper()
	var root string
	e.wait("a request card with its history", func() bool {
		roots := e.mm.Roots(mmChannel)
		if len(roots) != 1 || !slices.Contains(roots[0].Buttons(), "join") {
			return false
		}
		root = roots[0].ID
		return len(e.mm.Replies(mmChannel, root)) > 0
	})
	return root
}

// click presses a button of the card as Ana and waits for the card that
// follows (join → resolve; resolve → no buttons).
func (e *mmEnv) click(root, action, next string) {
	e.t.Helper()
	if res, err := e.mm.Click(e.ctx, mmAna, root, action); err != nil || res.Status != http.StatusOK || res.Ephemeral != "" {
		e.t.Fatalf("click %s: %+v %v", action, res, err)
	}
	e.wait("the card after "+action, func() bool {
		p, _ := e.mm.Post(root)
		b := p.Buttons()
		return !slices.Contains(b, action) && (next == "" && len(b) == 0 || slices.Contains(b, next))
	})
}

func (e *mmEnv) threadText(root string) string {
	var b strings.Builder
	for _, p := range e.mm.Replies(mmChannel, root) {
		b.WriteString(p.Message + "\n")
	}
	return b.String()
}

func (e *mmEnv) waitThread(root, want string) {
	e.t.Helper()
	e.wait("the thread showing "+want, func() bool { return strings.Contains(e.threadText(root), want) })
}

// TestTelegramUserWithMattermostAgent follows a Telegram chat to a
// Mattermost thread and back: the AI answers, the user asks for a human,
// the card opens with the history, Ana joins and replies in Markdown,
// which reaches Telegram as HTML, the user's reply shows in the thread
// escaped, Ana resolves, and the AI answers again.
func TestTelegramUserWithMattermostAgent(t *testing.T) {
	e := newMattermostEnv(t)
	alice := telegramfake.User{ID: 4242, FirstName: "Alice", LastName: "Liddell", Username: "alice", LanguageCode: "en"}
	waitVisible := func(want string) telegramfake.Sent { t.Helper(); return waitTelegram(e.ctx, t, e.tg, alice.ID, want) }

	e.tg.UserSays(alice, "hello")
	waitVisible("Hi there! I am the bot.")
	e.tg.UserSays(alice, "talk to a human")
	root := e.card()
	waitVisible("asked a member of our team")
	card, _ := e.mm.Post(root)
	if !strings.Contains(card.Text(), "Alice Liddell") {
		t.Errorf("the card lacks the user's name:\n%s", card.Text())
	}
	e.waitThread(root, "Hi there!")

	e.click(root, "join", "resolve")
	waitVisible("Ana S. has joined the conversation.")

	if _, err := e.mm.PostAsUser(mmAna, mmChannel, root, "**Sorry** about that, see [tracking](https://track.example/1)"); err != nil {
		t.Fatal(err)
	}
	reply := waitVisible("Sorry about that")
	if want := `<b>Ana S.</b>` + "\n" + `<b>Sorry</b> about that, see <a href="https://track.example/1">tracking</a>`; reply.Text != want || reply.ParseMode != "HTML" {
		t.Errorf("agent reply sent as\n%q (%s)\nwant\n%q", reply.Text, reply.ParseMode, want)
	}

	e.tg.UserSays(alice, "thanks! *still* waiting for order #7 @channel")
	e.waitThread(root, `thanks! \*still\* waiting for order \#7 @`+"\u200b"+`channel`)

	e.click(root, "resolve", "")
	waitVisible("Ana S. has closed this conversation.")
	before := len(e.tg.Sent(alice.ID))
	e.tg.UserSays(alice, "hello again")
	if _, err := e.tg.WaitSent(e.ctx, alice.ID, "the AI's answer after resolve", func(s []telegramfake.Sent) bool {
		return len(s) > before && strings.Contains(s[len(s)-1].Visible, "Hi there!")
	}); err != nil {
		t.Fatal(err)
	}
	if th := e.threadText(root); strings.Contains(th, "hello again") {
		t.Errorf("a message after resolve was relayed to the thread:\n%s", th)
	}
}

// TestWidgetUserWithMattermostAgent: a user of the web widget (its real
// WebSocket) asks for a human; Ana joins in Mattermost, her typing and her
// reply reach the widget, the user's answer reaches the thread, and Ana
// resolves.
func TestWidgetUserWithMattermostAgent(t *testing.T) {
	e := newMattermostEnv(t)
	c, err := webfake.Dial(e.ctx, "ws"+strings.TrimPrefix(e.site, "http")+"/ws", webfake.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitFrame := func(what string, ok func(webfake.Frame) bool) {
		t.Helper()
		if _, err := c.WaitFor(e.ctx, what, func(fs []webfake.Frame) bool { return slices.ContainsFunc(fs, ok) }); err != nil {
			t.Fatal(err)
		}
	}
	message := func(text string) func(webfake.Frame) bool {
		return func(f webfake.Frame) bool { return f.Type == "message" && strings.Contains(f.Text, text) }
	}
	if _, err := c.Say(e.ctx, "talk to a human"); err != nil {
		t.Fatal(err)
	}
	root := e.card()
	e.click(root, "join", "resolve")
	waitFrame("the joined notice", message("Ana S. has joined"))

	e.mm.TypingAsUser(mmAna, mmChannel, root)
	waitFrame("Ana typing", func(f webfake.Frame) bool { return f.Type == "typing" })
	if _, err := e.mm.PostAsUser(mmAna, mmChannel, root, "How can I help?"); err != nil {
		t.Fatal(err)
	}
	waitFrame("Ana's reply", func(f webfake.Frame) bool { return message("How can I help?")(f) && f.Author == "Ana S." })

	if _, err := c.Say(e.ctx, "my parcel never came"); err != nil {
		t.Fatal(err)
	}
	e.waitThread(root, "my parcel never came")
	e.click(root, "resolve", "")
	waitFrame("the resolved notice", message("has closed this conversation"))
}
