package webhook_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

// rig is the real engine over SQLite with the in-process user channel and
// workspace, and the notifiers under test attached to team support.
type rig struct {
	t      testing.TB
	ctx    context.Context
	clock  bridge.Clock
	store  *sqlite.Store
	engine *bridge.Engine
	web    *bridgetest.UserChannel
	slack  *bridgetest.Workspace
}

type namedNotifier struct {
	name string
	n    bridge.Notifier
}

func rigSettings(sla time.Duration, notify []string) bridge.Settings {
	return bridge.Settings{
		Enabled: true, NotePrefix: "//", DefaultTeam: "support", BotName: "Bot",
		Triggers: []bridge.Trigger{{Name: "human", Kind: bridge.TriggerRequest, Phrases: []string{"talk to a human"}, Action: bridge.ActionHandoff, Team: "support"}},
		Teams: map[bridge.TeamID]*bridge.Team{
			"support": {ID: "support", Workspace: bridge.WorkspaceSlack, Channel: "C-SUPPORT", SLA: sla, Fallback: bridge.FallbackLeadForm, Notify: notify},
		},
		Agents: []*bridge.Agent{
			{ID: "ana", Name: "Ana", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "U-ANA"}},
			{ID: "bob", Name: "Bob", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "U-BOB"}},
		},
		Messages: bridge.DefaultMessages(),
	}
}

func newRig(t testing.TB, clock bridge.Clock, sla time.Duration, notifiers ...namedNotifier) *rig {
	t.Helper()
	ctx := context.Background()
	opts := []sqlite.Option{}
	if clock != nil {
		opts = append(opts, sqlite.WithClock(clock))
	}
	st := enginetest.TempStore(t, opts...)
	var names []string
	for _, n := range notifiers {
		names = append(names, n.name)
	}
	logger := enginetest.Logger(t, slog.LevelWarn)
	e := enginetest.NewEngine(t, bridge.Options{Store: st, Clock: clock, Logger: logger, Settings: rigSettings(sla, names),
		Responder: bridgetest.Answers{Otherwise: bridge.Reply{Text: "I can help with that.", Confidence: 0.9}}})
	r := &rig{t: t, ctx: ctx, clock: clock, store: st, engine: e,
		web: bridgetest.NewUserChannel(bridge.ChannelWeb), slack: bridgetest.NewWorkspace(bridge.WorkspaceSlack)}
	e.RegisterUserChannel(r.web)
	e.RegisterWorkspace(r.slack)
	for _, n := range notifiers {
		e.RegisterNotifier(n.name, n.n)
	}
	enginetest.Run(t, ctx, e)
	return r
}

func (r *rig) say(chat, id, text string) bridge.Outcome {
	r.t.Helper()
	out, err := r.engine.Handle(r.ctx, bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: chat},
		User: bridge.User{DisplayName: "Uma " + chat}, PlatformID: id, Text: text})
	if err != nil {
		r.t.Fatalf("user %s says %q: %v", chat, text, err)
	}
	return out
}

func (r *rig) act(agent string, h bridge.HandoffID, a bridge.Action) {
	r.t.Helper()
	if _, err := r.engine.Handle(r.ctx, bridge.AgentAction{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: agent}, Handoff: h, Action: a}); err != nil {
		r.t.Fatalf("%s %s handoff %d: %v", agent, a, h, err)
	}
}

// waitUser waits for a delivery to chat containing text.
func (r *rig) waitUser(ctx context.Context, chat, text string) {
	r.t.Helper()
	_, err := r.web.WaitFor(ctx, chat, "a message with "+text, func(ds []bridgetest.Delivery) bool {
		for _, d := range ds {
			if strings.Contains(d.Message.Text, text) {
				return true
			}
		}
		return false
	})
	if err != nil {
		r.t.Fatal(err)
	}
}

// outboxEmpty reports whether every entry was delivered or given up.
func (r *rig) outboxEmpty() bool {
	r.t.Helper()
	var n int
	if err := r.store.View(r.ctx, func(tx bridge.Tx) error {
		var err error
		n, _, err = tx.OutboxDepth(r.ctx)
		return err
	}); err != nil {
		r.t.Fatal(err)
	}
	return n == 0
}

// waitUntil polls cond, for state that has no change notification (the
// store's outbox), until it holds or ctx ends.
func (r *rig) waitUntil(ctx context.Context, what string, cond func() bool) {
	r.t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-ctx.Done():
			r.t.Fatalf("waiting for %s: %v", what, ctx.Err())
		}
	}
}
