package bridge_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// testSettings: two teams on the recording workspace, three agents, and
// the triggers a deployment typically has: a request for a human, a sales
// topic, a sensitive topic and the AI's low confidence.
func testSettings() bridge.Settings {
	return bridge.Settings{
		Enabled:       true,
		NotePrefix:    "//",
		CancelPhrases: []string{"cancel", "stop waiting"},
		DefaultTeam:   "support",
		BotName:       "Bot",
		Triggers: []bridge.Trigger{
			{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human", "speak to an agent", "parler à un humain"}, Action: bridge.ActionHandoff, Team: "support"},
			{Name: "sales", Kind: bridge.TriggerTopic, Phrases: []string{"pricing", "enterprise plan"}, Action: bridge.ActionOffer, Team: "sales", Priority: bridge.PriorityHigh},
			{Name: "sensitive", Kind: bridge.TriggerTopic, Phrases: []string{"lawyer", "refund dispute"}, Action: bridge.ActionOffer, Team: "support", Priority: bridge.PriorityUrgent},
		},
		AI: bridge.AIPolicy{MinConfidence: 0.45, MissesBeforeOffer: 2, Action: bridge.ActionOffer, Team: "support"},
		Teams: map[bridge.TeamID]*bridge.Team{
			"support": {ID: "support", Workspace: bridge.WorkspaceSlack, Channel: "C-SUPPORT", SLA: 3 * time.Minute, Fallback: bridge.FallbackLeadForm, Notify: []string{"ops"}},
			"sales":   {ID: "sales", Workspace: bridge.WorkspaceSlack, Channel: "C-SALES", SLA: 2 * time.Minute, Fallback: bridge.FallbackNone, Notify: []string{"ops"}, Roles: []string{"R-SALES"}},
		},
		Agents: []*bridge.Agent{
			{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support", "sales"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "U-ANA"}},
			{ID: "bob", Name: "Bob", Teams: []bridge.TeamID{"support", "sales"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "U-BOB"}},
			{ID: "dave", Name: "Dave", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "U-DAVE"}},
			{ID: "carol", Name: "Carol", Admin: true, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "U-CAROL"}},
		},
		Messages: bridge.DefaultMessages(),
	}
}

// scriptedAI answers by keyword, like a tiny knowledge base.
func scriptedAI() bridge.Responder {
	return bridgetest.Answers{Rules: []bridgetest.Answer{
		{Keyword: "hello", Reply: bridge.Reply{Text: "Hi there!", Confidence: 0.9}},
		{Keyword: "vague", Reply: bridge.Reply{Text: "Maybe this?", Confidence: 0.2}},
		{Keyword: "unknown"},
		{Keyword: "broken", Err: errors.New("upstream exploded")},
		{Keyword: "escalate", Reply: bridge.Reply{Text: "Let me get someone.", Confidence: 0.9, Handoff: true, Reason: "billing question"}},
	}, Otherwise: bridge.Reply{Text: "I can help with that.", Confidence: 0.8}}
}

type harness struct {
	t        *testing.T
	ctx      context.Context
	dbPath   string
	clock    *bridgetest.Clock
	settings bridge.Settings
	web      bridgetest.RichUserChannel
	tg       *bridgetest.UserChannel
	slack    *bridgetest.Workspace
	ops      *bridgetest.Notifier

	tune   func(*bridge.Options, *bridge.Engine)
	store  *sqlite.Store
	engine *bridge.Engine
	stop   func() // stops the engine and waits for it
}

func newHarness(t *testing.T, mutate ...func(*bridge.Settings)) *harness {
	t.Helper()
	return newTunedHarness(t, nil, mutate...)
}

// newTunedHarness is newHarness with tune called on the engine's options
// and then on the engine, before it runs.
func newTunedHarness(t *testing.T, tune func(*bridge.Options, *bridge.Engine), mutate ...func(*bridge.Settings)) *harness {
	t.Helper()
	s := testSettings()
	for _, m := range mutate {
		m(&s)
	}
	h := &harness{
		t: t, ctx: t.Context(), dbPath: filepath.Join(t.TempDir(), "bridge.db"),
		clock: bridgetest.NewClock(t0), settings: s,
		web:   bridgetest.NewRichUserChannel(bridge.ChannelWeb),
		tg:    bridgetest.NewUserChannel(bridge.ChannelTelegram),
		slack: bridgetest.NewWorkspace(bridge.WorkspaceSlack),
		ops:   &bridgetest.Notifier{},
		tune:  tune,
	}
	h.start()
	t.Cleanup(h.shutdown)
	return h
}

func (h *harness) start() {
	h.t.Helper()
	st := enginetest.OpenStore(h.t, h.dbPath, sqlite.WithClock(h.clock))
	logger := enginetest.Logger(h.t, slog.LevelDebug)
	opts := bridge.Options{Store: st, Responder: scriptedAI(), Settings: h.settings, Clock: h.clock, Logger: logger}
	if h.tune != nil {
		h.tune(&opts, nil)
	}
	e := enginetest.NewEngine(h.t, opts)
	if h.tune != nil {
		h.tune(&opts, e)
	}
	e.RegisterUserChannel(h.web)
	e.RegisterUserChannel(h.tg)
	e.RegisterWorkspace(h.slack)
	e.RegisterNotifier("ops", h.ops)
	h.store, h.engine, h.stop = st, e, enginetest.Start(h.ctx, e)
}

func (h *harness) shutdown() {
	if h.stop == nil {
		return
	}
	h.stop()
	_ = h.store.Close()
	h.stop = nil
}

// restart stops the engine, closes the store, and starts both again on the
// same file: what a process restart does.
func (h *harness) restart() {
	h.shutdown()
	h.start()
}

func (h *harness) say(addr bridge.ChatAddress, id, text string) bridge.Outcome {
	h.t.Helper()
	out, err := h.engine.Handle(h.ctx, bridge.UserMessage{Address: addr, User: bridge.User{DisplayName: "Uma"}, PlatformID: id, Text: text})
	if err != nil {
		h.t.Fatalf("user says %q: %v", text, err)
	}
	return out
}

func (h *harness) act(agent string, hid bridge.HandoffID, a bridge.Action) error {
	_, err := h.engine.Handle(h.ctx, bridge.AgentAction{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: agent, DisplayName: displayOf(agent)}, Handoff: hid, Action: a})
	return err
}

func (h *harness) reply(agent, thread, id, text string) bridge.Outcome {
	h.t.Helper()
	out, err := h.engine.Handle(h.ctx, bridge.AgentMessage{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: agent, DisplayName: displayOf(agent)}, ThreadID: thread, PlatformID: id, Text: text})
	if err != nil {
		h.t.Fatalf("agent %s replies %q: %v", agent, text, err)
	}
	return out
}

func displayOf(agent string) string {
	switch agent {
	case "U-ANA":
		return "Ana S."
	case "U-BOB":
		return "Bob"
	}
	return ""
}

// thread waits until the handoff's thread is open and its history posted,
// and returns the thread's id.
func (h *harness) thread(hid bridge.HandoffID) string {
	h.t.Helper()
	var id string
	_, err := h.slack.WaitFor(h.ctx, "thread with history", func(ops []bridgetest.ThreadOp) bool {
		id = h.slack.ThreadOf(hid)
		return id != "" && len(bridgetest.Posts(ops, id)) > 0
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

// waitText waits for a delivery to chat whose text contains want.
func waitText(t *testing.T, ch interface {
	WaitFor(context.Context, string, string, func([]bridgetest.Delivery) bool) ([]bridgetest.Delivery, error)
}, chat, want string) bridgetest.Delivery {
	t.Helper()
	var found bridgetest.Delivery
	_, err := ch.WaitFor(t.Context(), chat, "a delivery containing "+want, func(ds []bridgetest.Delivery) bool {
		for _, d := range ds {
			if strings.Contains(d.Message.Text, want) || strings.Contains(d.Offer.Text, want) || strings.Contains(d.Step.Prompt, want) {
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

func (h *harness) handoff(id bridge.HandoffID) *bridge.Handoff {
	h.t.Helper()
	var got *bridge.Handoff
	if err := h.store.View(h.ctx, func(tx bridge.Tx) error {
		var err error
		got, err = tx.Handoff(h.ctx, id)
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return got
}

func (h *harness) messages(c bridge.ConversationID) []bridge.Message {
	h.t.Helper()
	var got []bridge.Message
	if err := h.store.View(h.ctx, func(tx bridge.Tx) error {
		var err error
		got, err = tx.Messages(h.ctx, c, 0, 0)
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return got
}

// counter counts concurrent outcomes.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[k]++
}
