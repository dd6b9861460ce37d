package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/handoffbridge/handoff/adapters/blobdir"
	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/adapters/files"
	"github.com/handoffbridge/handoff/adapters/slack"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/adapters/telegram"
	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/whatsapp"
	"github.com/handoffbridge/handoff/adapters/whatsapp/whatsappfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

const (
	supportChannel = "CSUPPORT"
	anaSlackID     = "UANA"
)

// settings: "talk to a human" reaches the support team in Slack (Ana),
// "ask the desk" the desk team in the Discord channel desk (Dina).
func settings(desk string, dina discordgo.User) bridge.Settings {
	return bridge.Settings{
		Enabled: true, NotePrefix: "//", DefaultTeam: "support", BotName: "Bot", Messages: bridge.DefaultMessages(),
		Triggers: []bridge.Trigger{
			{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"}, Action: bridge.ActionHandoff, Team: "support"},
			{Name: "desk", Kind: bridge.TriggerRequest, Phrases: []string{"ask the desk"}, Action: bridge.ActionHandoff, Team: "desk"},
		},
		Teams: map[bridge.TeamID]*bridge.Team{
			"support": {ID: "support", Workspace: bridge.WorkspaceSlack, Channel: supportChannel, SLA: time.Hour, Fallback: bridge.FallbackNone},
			"desk":    {ID: "desk", Workspace: bridge.WorkspaceDiscord, Channel: desk, SLA: time.Hour, Fallback: bridge.FallbackNone},
		},
		Agents: []*bridge.Agent{
			{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: anaSlackID}},
			{ID: "dina", Name: "Dina", Teams: []bridge.TeamID{"desk"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceDiscord: dina.ID}},
		},
	}
}

// responder answers "hello" confidently, with Markdown, and anything else
// a little less.
var responder = bridgetest.Answers{Rules: []bridgetest.Answer{{Keyword: "hello", Reply: bridge.Reply{Text: "Hi there! I am **the bot**.", Confidence: 0.9}}},
	Otherwise: bridge.Reply{Text: "I can help with that.", Confidence: 0.8}}

// env is one bridge in the test process: the engine on SQLite with the
// Slack workspace (Socket Mode, against the Slack fake), the Discord
// workspace (gateway and REST against the Discord fake), the Telegram
// channel (long polling against the Telegram fake) and the WhatsApp channel
// (webhooks from the WhatsApp fake to the bridge's listener) registered on
// it, as cmd/bridge wires them.
type env struct {
	t       *testing.T
	ctx     context.Context
	slack   *slackfake.Server
	tg      *telegramfake.Server
	wa      *whatsappfake.Server
	discord *discordfake.Server
	desk    string         // the desk team's Discord channel
	dina    discordgo.User // the desk's agent
	webhook string         // the bridge's /whatsapp/webhook
	site    string         // the bridge's URL: the widget's demo page
	// fileClock is the file links' clock: advanced, it expires the links
	// the widget holds.
	fileClock *bridgetest.Clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	log := enginetest.VerboseLogger(t)

	sf := slackfake.New(slackfake.Options{NoRateLimit: true, EchoBotMessages: true, PingInterval: 200 * time.Millisecond})
	t.Cleanup(sf.Close)
	sf.AddChannel(slackfake.Channel{ID: supportChannel, Name: "support-live", BotIsMember: true})
	sf.AddUser(slackfake.User{ID: anaSlackID, Name: "ana", RealName: "Ana Silva", DisplayName: "Ana S."})
	// The platforms' own limits stay on: the adapters pace themselves.
	tf := telegramfake.New(telegramfake.Options{})
	t.Cleanup(tf.Close)
	wf := whatsappfake.New(whatsappfake.Options{})
	t.Cleanup(wf.Close)
	df := discordfake.New(discordfake.Options{})
	t.Cleanup(df.Close)
	desk, dina := df.NewTextChannel("desk"), df.NewUser("Dina")

	st := enginetest.TempStore(t)
	s := settings(desk, dina)
	engine := enginetest.NewEngine(t, bridge.Options{Store: st, Responder: responder, Settings: s, Logger: log})
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	blobs, err := blobdir.Open(filepath.Join(t.TempDir(), "files"), nil)
	if err != nil {
		t.Fatal(err)
	}
	fileLinks, err := files.LoadSecret(ctx, engine)
	if err != nil {
		t.Fatal(err)
	}
	fileClock := bridgetest.NewClock(time.Now())
	fs, err := files.New(files.Options{Blobs: blobs, Secret: fileLinks, PublicURL: srv.URL, Clock: fileClock, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	widgetKey, err := web.LoadSessionSecret(ctx, engine, "")
	if err != nil {
		t.Fatal(err)
	}
	widget, err := web.New(web.Options{Handler: engine, History: engine, SessionSecret: widgetKey, Files: fs, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	so := sf.Opts()
	ws, err := slack.New(slack.Options{Blobs: blobs, BotToken: so.BotToken, AppToken: so.AppToken, SigningSecret: so.SigningSecret,
		Mode: slack.ModeSocket, APIURL: sf.APIURL(), Handler: engine, Handoffs: engine, Settings: func() bridge.Settings { return s },
		Logger: log, PublicURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := telegram.New(telegram.Options{Token: tf.Token(), Endpoint: tf.Endpoint(), PollTimeout: time.Second,
		PublicURL: srv.URL, Handler: engine, State: engine.AdapterState("telegram"), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	wo := wf.Options()
	wa, err := whatsapp.New(whatsapp.Options{PhoneNumberID: wo.PhoneNumberID, Token: wo.Token, AppSecret: wo.AppSecret,
		VerifyToken: "verify-me", APIURL: wf.URL(), APIVersion: wo.Version, PublicURL: srv.URL, Handler: engine, State: engine.AdapterState("whatsapp"), Inbox: st, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	dc, err := discord.New(discord.Options{Handler: engine, Core: engine, Token: df.Token(), HTTPClient: df.Client(), PublicKey: df.PublicKey, Files: fs,
		Settings: func() bridge.Settings { return s }, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	engine.RegisterWorkspace(ws)
	engine.RegisterWorkspace(dc.Workspace())
	engine.RegisterUserChannel(tg)
	engine.RegisterUserChannel(wa)
	engine.RegisterUserChannel(widget)
	widget.Mount(mux)
	fs.Mount(mux)
	ws.Mount(mux)
	tg.Mount(mux)
	wa.Mount(mux)

	enginetest.Run(t, context.WithoutCancel(ctx), engine, ws, dc, tg, wa, widget)
	if err := sf.WaitConnected(ctx); err != nil {
		t.Fatal(err)
	}
	if err := df.WaitFor(ctx, "the Discord bot connected", df.Connected); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, slack: sf, tg: tf, wa: wf, discord: df, desk: desk, dina: dina,
		webhook: srv.URL + "/whatsapp/webhook", site: srv.URL, fileClock: fileClock}
}

// waitSlack waits until cond holds for the Slack fake.
func (e *env) waitSlack(what string, cond func() bool) {
	e.t.Helper()
	if err := e.slack.WaitFor(e.ctx, what, cond); err != nil {
		e.t.Fatal(err)
	}
}

// requestThread waits for the only request thread of the support channel,
// with its history posted, and returns its root ts and handoff id (the
// value of its Join button).
func (e *env) requestThread() (root, handoff string) {
	e.t.Helper()
	e.waitSlack("a request thread with its history", func() bool {
		roots := e.slack.Roots(supportChannel)
		if len(roots) != 1 {
			return false
		}
		root, handoff = roots[0].TS, slackfake.ButtonValue(roots[0].Blocks, "handoff_join")
		return handoff != "" && len(e.slack.Replies(supportChannel, root)) > 0
	})
	return root, handoff
}

// click presses a button of the thread's card as Ana and waits until the
// card shows the buttons that follow (join → resolve; resolve → none).
func (e *env) click(root, actionID, handoff, next string) {
	e.t.Helper()
	if _, err := e.slack.Click(e.ctx, anaSlackID, supportChannel, root, actionID, handoff); err != nil {
		e.t.Fatalf("click %s: %v", actionID, err)
	}
	e.waitSlack("the card after "+actionID, func() bool {
		m, ok := e.slack.Message(supportChannel, root)
		return ok && slackfake.ButtonValue(m.Blocks, actionID) == "" && (next == "" || slackfake.ButtonValue(m.Blocks, next) != "")
	})
}

// deskThread waits for the Discord card of the desk's only request, with
// its thread, and returns the card's id (the thread's) and its handoff.
func (e *env) deskThread() (thread string, handoff bridge.HandoffID) {
	e.t.Helper()
	err := e.discord.WaitFor(e.ctx, "a request card with its thread in the desk", func() bool {
		for _, m := range e.discord.Messages(e.desk) {
			if len(m.Embeds) == 0 || m.Embeds[0].Footer == nil {
				continue
			}
			if _, err := fmt.Sscanf(m.Embeds[0].Footer.Text, "handoff %d", &handoff); err != nil {
				continue
			}
			if _, ok := e.discord.Channel(m.ID); ok {
				thread = m.ID
				return true
			}
		}
		return false
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return thread, handoff
}

// dinaJoins presses Join on the desk's card as Dina and waits for the
// join line in the thread.
func (e *env) dinaJoins(thread string, h bridge.HandoffID) {
	e.t.Helper()
	if _, err := e.discord.Click(e.desk, thread, fmt.Sprintf("hb:join:%d", h), e.dina); err != nil {
		e.t.Fatalf("join in Discord: %v", err)
	}
	err := e.discord.WaitFor(e.ctx, "the join line in the Discord thread", func() bool {
		for _, m := range e.discord.Messages(thread) {
			if strings.Contains(m.Content, "joined") {
				return true
			}
		}
		return false
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

// anaPosts writes in the thread as Ana, in Slack mrkdwn.
func (e *env) anaPosts(root, text string) {
	e.t.Helper()
	if _, _, err := e.slack.PostAsUser(e.ctx, supportChannel, anaSlackID, text, root); err != nil {
		e.t.Fatalf("post in the thread: %v", err)
	}
}

// threadText joins the block texts of a thread's replies.
func (e *env) threadText(root string) string {
	var b strings.Builder
	for _, m := range e.slack.Replies(supportChannel, root) {
		b.WriteString(slackfake.BlockText(m.Blocks))
		b.WriteByte('\n')
	}
	return b.String()
}

// waitThread waits until the thread shows want.
func (e *env) waitThread(root, want string) {
	e.t.Helper()
	e.waitSlack("the thread showing "+want, func() bool { return strings.Contains(e.threadText(root), want) })
}

// waitTelegram waits until the Telegram user has been sent a message
// showing want, and returns it.
func waitTelegram(ctx context.Context, t *testing.T, tg *telegramfake.Server, user int64, want string) telegramfake.Sent {
	t.Helper()
	var found telegramfake.Sent
	if _, err := tg.WaitSent(ctx, user, "a message showing "+want, func(s []telegramfake.Sent) bool {
		for _, m := range s {
			if strings.Contains(m.Visible, want) {
				found = m
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}
	return found
}
