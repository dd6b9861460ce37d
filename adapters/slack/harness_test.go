package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/handoffbridge/handoff/adapters/slack"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

const channel = "CSUPPORT"

func settings() bridge.Settings {
	return bridge.Settings{
		Enabled: true, NotePrefix: "//", DefaultTeam: "support", BotName: "Bot",
		Triggers: []bridge.Trigger{{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"},
			Action: bridge.ActionHandoff, Team: "support"}},
		Teams: map[bridge.TeamID]*bridge.Team{
			"support": {ID: "support", Workspace: bridge.WorkspaceSlack, Channel: channel},
		},
		Agents: []*bridge.Agent{
			{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "UANA"}},
			{ID: "bob", Name: "Bob", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "UBOB"}},
		},
		Messages: bridge.DefaultMessages(),
	}
}

func responder() bridge.Responder {
	return bridgetest.Answers{Rules: []bridgetest.Answer{{Keyword: "hello", Reply: bridge.Reply{Text: "Hi there!", Confidence: 0.9}}},
		Otherwise: bridge.Reply{Text: "I can help with that.", Confidence: 0.8}}
}

type env struct {
	t      *testing.T
	ctx    context.Context
	fake   *slackfake.Server
	ws     *slack.Workspace
	engine *bridge.Engine
	store  *sqlite.Store
	web    bridgetest.RichUserChannel
	// bridgeURL serves the workspace's routes (file links; /slack/events in
	// HTTP mode), as the bridge's listener does.
	bridgeURL string
}

type envOptions struct {
	mode      string
	fake      slackfake.Options
	perSecond rate.Limit
	burst     int
	timeout   time.Duration // default 60s
	// Passed to slack.Options when set.
	staleAfter time.Duration
	maxUpload  int64
	onHealth   func(bridge.Health)
	// settings changes the engine's settings before it starts.
	settings func(*bridge.Settings)
	// responder replaces the scripted one.
	responder bridge.Responder
	// clock, when set, is the engine's clock (its timers: SLA, offers).
	clock bridge.Clock
}

// newEnv starts the fake Slack, the real engine on SQLite, a widget-like
// user channel and the Slack workspace in the given mode.
func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	if o.timeout == 0 {
		o.timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(t.Context(), o.timeout)
	t.Cleanup(cancel)
	if o.fake.PostRate == 0 && !o.fake.NoRateLimit {
		o.fake.NoRateLimit = true
	}
	o.fake.EchoBotMessages = true
	if o.fake.PingInterval == 0 {
		o.fake.PingInterval = 200 * time.Millisecond
	}
	fake := slackfake.New(o.fake)
	t.Cleanup(fake.Close)
	fake.AddChannel(slackfake.Channel{ID: channel, Name: "support-live", BotIsMember: true})
	fake.AddUser(slackfake.User{ID: "UANA", Name: "ana", RealName: "Ana Silva", DisplayName: "Ana S."})
	fake.AddUser(slackfake.User{ID: "UBOB", Name: "bob", RealName: "Bob Stone", DisplayName: "Bob"})
	fake.AddUser(slackfake.User{ID: "UEVE", Name: "eve", RealName: "Eve", DisplayName: "Eve"})

	st := enginetest.TempStore(t)
	s := settings()
	if o.settings != nil {
		o.settings(&s)
	}
	log := enginetest.VerboseLogger(t)
	if o.responder == nil {
		o.responder = responder()
	}
	engine := enginetest.NewEngine(t, bridge.Options{Store: st, Responder: o.responder, Settings: s, Logger: log, Clock: o.clock})
	if o.mode == "" {
		o.mode = slack.ModeSocket
	}
	opts := fake.Opts()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ws, err := slack.New(slack.Options{BotToken: opts.BotToken, AppToken: opts.AppToken, SigningSecret: opts.SigningSecret,
		Mode: o.mode, APIURL: fake.APIURL(), Handler: engine, Handoffs: engine, Settings: func() bridge.Settings { return s },
		PerChannel: o.perSecond, Burst: o.burst, Logger: log, PublicURL: srv.URL, StaleAfter: o.staleAfter,
		MaxUploadBytes: o.maxUpload, OnHealth: o.onHealth})
	if err != nil {
		t.Fatal(err)
	}
	web := bridgetest.NewRichUserChannel(bridge.ChannelWeb)
	engine.RegisterUserChannel(web)
	engine.RegisterWorkspace(ws)
	ws.Mount(mux)
	if o.mode == slack.ModeHTTP {
		fake.SetRequestURL(srv.URL + slack.EventsPath)
	}
	enginetest.Run(t, context.WithoutCancel(ctx), engine, ws)
	if o.mode == slack.ModeSocket {
		if err := fake.WaitConnected(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return &env{t: t, ctx: ctx, fake: fake, ws: ws, engine: engine, store: st, web: web, bridgeURL: srv.URL}
}

var msgSeq int

// userSays is the widget user writing a message, with files if given.
func (e *env) userSays(chat, text string, files ...bridge.Attachment) bridge.Outcome {
	e.t.Helper()
	msgSeq++
	out, err := e.engine.Handle(e.ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat},
		User: bridge.User{DisplayName: "Uma " + chat}, PlatformID: fmt.Sprintf("m%d", msgSeq), Text: text, Attachments: files,
		Context: bridge.UserContext{IP: "203.0.113.9", Country: "PT", PageURL: "https://shop.example/checkout"}})
	if err != nil {
		e.t.Fatalf("user says %q: %v", text, err)
	}
	return out
}

// requestThread asks for a human and returns the thread's root ts once the
// root and the history are posted.
func (e *env) requestThread(chat string) (bridge.HandoffID, string) {
	e.t.Helper()
	out := e.userSays(chat, "talk to a human")
	if out.Handoff == 0 {
		e.t.Fatalf("no handoff requested")
	}
	var root string
	e.waitFake("root message of handoff "+out.Handoff.String(), func() bool {
		for _, m := range e.fake.Roots(channel) {
			if strings.Contains(m.Text, fmt.Sprintf("Handoff #%d ", out.Handoff)) {
				root = m.TS
				return len(e.fake.Replies(channel, root)) > 0
			}
		}
		return false
	})
	return out.Handoff, root
}

func (e *env) waitFake(what string, cond func() bool) {
	e.t.Helper()
	if err := e.fake.WaitFor(e.ctx, what, cond); err != nil {
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

func hasMessage(text string) func([]bridgetest.Delivery) bool {
	return func(ds []bridgetest.Delivery) bool {
		for _, d := range ds {
			if d.Kind == "message" && strings.Contains(d.Message.Text, text) {
				return true
			}
		}
		return false
	}
}

// actionIDs lists the button action ids of a message's blocks.
func actionIDs(t *testing.T, m slackfake.Message) []string {
	t.Helper()
	var blocks []struct {
		Type     string `json:"type"`
		Elements []struct {
			ActionID string `json:"action_id"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
		t.Fatalf("blocks of %s: %v", m.TS, err)
	}
	var ids []string
	for _, b := range blocks {
		if b.Type == "actions" {
			for _, el := range b.Elements {
				ids = append(ids, el.ActionID)
			}
		}
	}
	return ids
}

func (e *env) root(ts string) slackfake.Message {
	m, ok := e.fake.Message(channel, ts)
	if !ok {
		e.t.Fatalf("no root %s", ts)
	}
	return m
}

// texts collects every "text" string of a message's blocks, decoded.
func texts(m slackfake.Message) string { return slackfake.BlockText(m.Blocks) }

// threadText joins the texts of a thread's replies.
func (e *env) threadText(root string) string {
	var b strings.Builder
	for _, m := range e.fake.Replies(channel, root) {
		b.WriteString(texts(m))
	}
	return b.String()
}
