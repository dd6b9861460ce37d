package discord_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

// env is an engine over real SQLite, the Discord adapter (workspace and
// user channel) talking to discordfake through the real discordgo, and a
// recording web channel for widget users.
type env struct {
	t       *testing.T
	ctx     context.Context
	fake    *discordfake.Server
	store   *sqlite.Store
	engine  *bridge.Engine
	adapter *discord.Adapter
	web     bridgetest.RichUserChannel

	desk                  string // the sales team's channel
	support               string // a support channel where users write
	salesRole             string
	ana, bob, dave, rita  discordgo.User // rita is in the team by role only
	stop                  context.CancelFunc
	engineDone, discoDone chan struct{}
	// stopDisco stops the adapter's Run alone (a replica losing the
	// gateway's lease).
	stopDisco context.CancelFunc
}

type envOption func(*discordfake.Options, *discord.Options, *[]bridge.UserChannel)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	fo := discordfake.Options{}
	cfg := discord.Options{Users: true}
	var extra []bridge.UserChannel
	for _, o := range opts {
		o(&fo, &cfg, &extra)
	}
	f := discordfake.New(fo)
	t.Cleanup(f.Close)
	e := &env{t: t, ctx: t.Context(), fake: f, web: bridgetest.NewRichUserChannel(bridge.ChannelWeb)}
	e.desk = f.NewTextChannel("sales-desk")
	e.support = f.NewTextChannel("help")
	if cfg.Users && cfg.SupportChannels == nil {
		cfg.SupportChannels = []string{e.support}
	}
	e.salesRole = f.NewID()
	e.ana, e.bob, e.dave, e.rita = f.NewUser("Ana"), f.NewUser("Bob"), f.NewUser("Dave"), f.NewUser("Rita")
	f.SetRoles(e.rita.ID, e.salesRole)

	st := enginetest.OpenStore(t, filepath.Join(t.TempDir(), "b.db"))
	level := slog.LevelInfo
	if quiet {
		level = slog.LevelError
	}
	logger := enginetest.Logger(t, level)
	eng := enginetest.NewEngine(t, bridge.Options{Store: st, Responder: scriptedAI(), Settings: e.settings(), Logger: logger})
	cfg.Handler, cfg.Core = eng, eng
	cfg.Token, cfg.HTTPClient, cfg.Logger = f.Token(), f.Client(), logger
	if cfg.Settings == nil {
		cfg.Settings = eng.Settings
	}
	if cfg.PublicKey == nil {
		cfg.PublicKey = f.PublicKey
	}
	a, err := discord.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	eng.RegisterUserChannel(e.web)
	for _, c := range extra {
		eng.RegisterUserChannel(c)
	}
	eng.RegisterUserChannel(a.UserChannel())
	eng.RegisterWorkspace(a.Workspace())
	ctx, cancel := context.WithCancel(context.WithoutCancel(e.ctx))
	e.store, e.engine, e.adapter, e.stop = st, eng, a, cancel
	e.engineDone, e.discoDone = make(chan struct{}), make(chan struct{})
	go func() { defer close(e.engineDone); _ = eng.Run(ctx) }()
	discoCtx, stopDisco := context.WithCancel(ctx)
	e.stopDisco = stopDisco
	go func() { defer close(e.discoDone); _ = a.Run(discoCtx) }()
	t.Cleanup(e.shutdown)
	e.waitFake("the bot connected", f.Connected)
	return e
}

func (e *env) shutdown() {
	e.stop()
	<-e.discoDone
	<-e.engineDone
	_ = e.store.Close()
}

func (e *env) settings() bridge.Settings {
	return bridge.Settings{
		Enabled: true, NotePrefix: "//", CancelPhrases: []string{"cancel"}, DefaultTeam: "sales", BotName: "Bot",
		Triggers: []bridge.Trigger{
			{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"}, Action: bridge.ActionHandoff, Team: "sales"},
			{Name: "pricing", Kind: bridge.TriggerTopic, Phrases: []string{"pricing"}, Action: bridge.ActionOffer, Team: "sales", Priority: bridge.PriorityHigh},
		},
		AI: bridge.AIPolicy{MinConfidence: 0.45, Action: bridge.ActionOffer, Team: "sales"},
		Teams: map[bridge.TeamID]*bridge.Team{
			"sales": {ID: "sales", Workspace: bridge.WorkspaceDiscord, Channel: e.desk, Roles: []string{e.salesRole}},
		},
		Agents: []*bridge.Agent{
			{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"sales"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceDiscord: e.ana.ID}},
			{ID: "bob", Name: "Bob", Teams: []bridge.TeamID{"sales"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceDiscord: e.bob.ID}},
			{ID: "dave", Name: "Dave", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceDiscord: e.dave.ID}},
		},
		Messages: bridge.DefaultMessages(),
	}
}

func scriptedAI() bridge.Responder {
	return bridgetest.Answers{Rules: []bridgetest.Answer{{Keyword: "hello", Reply: bridge.Reply{Text: "Hi there! How can I help?", Confidence: 0.9}}},
		Otherwise: bridge.Reply{Text: "I can help with that.", Confidence: 0.8}}
}

// quiet keeps the load test's log to errors.
var quiet bool

func (e *env) waitFake(what string, cond func() bool) {
	e.t.Helper()
	if err := e.fake.WaitFor(e.ctx, what, cond); err != nil {
		e.t.Fatal(err)
	}
}

// webSays is a widget user writing.
func (e *env) webSays(chat, id, text string) bridge.Outcome {
	e.t.Helper()
	out, err := e.engine.Handle(e.ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat}, User: bridge.User{DisplayName: "Uma"}, PlatformID: id, Text: text})
	if err != nil {
		e.t.Fatalf("web user says %q: %v", text, err)
	}
	return out
}

// card waits for the handoff's card in the desk and its thread, and
// returns the card's (and thread's) id.
func (e *env) card(h bridge.HandoffID) string {
	e.t.Helper()
	var id string
	e.waitFake("the card and thread of handoff "+h.String(), func() bool {
		for _, m := range e.fake.Messages(e.desk) {
			if len(m.Embeds) > 0 && m.Embeds[0].Footer != nil && m.Embeds[0].Footer.Text == "handoff "+h.String() {
				if _, ok := e.fake.Channel(m.ID); ok {
					id = m.ID
					return true
				}
			}
		}
		return false
	})
	return id
}

// threadText waits until the thread holds a message containing want and
// returns the thread's messages.
func (e *env) threadHas(thread, want string) []discordfake.Message {
	e.t.Helper()
	var got []discordfake.Message
	e.waitFake("thread message containing "+want, func() bool {
		got = e.fake.Messages(thread)
		for _, m := range got {
			if strings.Contains(m.Content, want) {
				return true
			}
		}
		return false
	})
	return got
}

func (e *env) buttons(cardID string) []string {
	m, _ := e.fake.MessageByID(cardID)
	var ids []string
	for _, b := range m.Buttons() {
		ids = append(ids, b.CustomID)
	}
	return ids
}

func (e *env) waitButtons(cardID string, want ...string) {
	e.t.Helper()
	e.waitFake("buttons "+strings.Join(want, ","), func() bool { return strings.Join(e.buttons(cardID), ",") == strings.Join(want, ",") })
}

func (e *env) click(channel, messageID, customID string, u discordgo.User) discordfake.Interaction {
	e.t.Helper()
	in, err := e.fake.Click(channel, messageID, customID, u)
	if err != nil {
		e.t.Fatal(err)
	}
	var got discordfake.Interaction
	e.waitFake("interaction acknowledged", func() bool { got = e.fake.InteractionOf(in.Token); return got.Acked() })
	if got.Callbacks[0].Type != discordgo.InteractionResponseDeferredMessageUpdate || got.Callbacks[0].After > 3*time.Second {
		e.t.Fatalf("first answer to a click: %+v, want a deferred update within 3s", got.Callbacks[0])
	}
	return got
}

// ephemeral waits for a private followup to an interaction.
func (e *env) ephemeral(token, want string) {
	e.t.Helper()
	e.waitFake("ephemeral answer "+want, func() bool {
		for _, m := range e.fake.InteractionOf(token).Followups {
			if m.Ephemeral && strings.Contains(m.Content, want) {
				return true
			}
		}
		return false
	})
}

func (e *env) say(channel string, u discordgo.User, text string, atts ...*discordgo.MessageAttachment) *discordgo.Message {
	e.t.Helper()
	m, err := e.fake.Say(channel, u, text, atts...)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func waitWeb(t *testing.T, web bridgetest.RichUserChannel, chat, what string, ok func(bridgetest.Delivery) bool) bridgetest.Delivery {
	t.Helper()
	var found bridgetest.Delivery
	_, err := web.WaitFor(t.Context(), chat, what, func(ds []bridgetest.Delivery) bool {
		for _, d := range ds {
			if ok(d) {
				found = d
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func webText(want string) func(bridgetest.Delivery) bool {
	return func(d bridgetest.Delivery) bool {
		return d.Kind == "message" && strings.Contains(d.Message.Text, want)
	}
}
