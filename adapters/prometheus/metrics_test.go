package prometheus_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	bprom "github.com/handoffbridge/handoff/adapters/prometheus"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

type fixedHealth bridge.Health

func (f fixedHealth) Health(context.Context) bridge.Health { return bridge.Health(f) }

// A handoff's life shows in the metrics: transitions, time to join and to
// resolve, deliveries per destination, a 429, handoffs by state, the
// outbox, and the platforms' connection state.
func TestMetricsFollowAHandoff(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg := prom.NewRegistry()
	m := bprom.New(reg)
	health := map[string]bridge.HealthChecker{"slack": fixedHealth{State: bridge.HealthDegraded, Detail: "no events for 5m"}}

	settings := bridge.Settings{
		Enabled: true, DefaultTeam: "support", Messages: bridge.DefaultMessages(),
		Triggers: []bridge.Trigger{{Name: "human", Phrases: []string{"talk to a human"}, Action: bridge.ActionHandoff, Team: "support"}},
		Teams:    map[bridge.TeamID]*bridge.Team{"support": {ID: "support", Workspace: bridge.WorkspaceConsole}},
		Agents:   []*bridge.Agent{{ID: "ana", Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceConsole: "ana"}}},
	}
	ai := bridge.ResponderFunc(func(context.Context, bridge.Question) (bridge.Reply, error) {
		return bridge.Reply{Text: "ok", Confidence: 1}, nil
	})
	clock := bridgetest.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	e, err := bridge.New(bridge.Options{Store: st, Responder: ai, Settings: settings, Observer: m, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	reg.MustRegister(bprom.NewStoreCollector(e, health, slog.New(slog.NewTextHandler(io.Discard, nil))))
	web := bridgetest.NewRichUserChannel(bridge.ChannelWeb)
	ws := bridgetest.NewWorkspace(bridge.WorkspaceConsole)
	e.RegisterUserChannel(web)
	e.RegisterWorkspace(ws)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); e.Run(runCtx) }()
	defer func() { stop(); <-done }()

	user := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "s1"}
	web.FailNext(&bridge.RetryAfterError{After: time.Second, Err: errors.New("429")})
	out, err := e.Handle(ctx, bridge.UserMessage{Address: user, PlatformID: "1", Text: "talk to a human"})
	if err != nil {
		t.Fatal(err)
	}
	// The 429 is recorded and its retry armed before time moves on.
	if err := clock.WaitTimer(ctx, clock.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(90 * time.Second)
	agent := bridge.AgentRef{Workspace: bridge.WorkspaceConsole, UserID: "ana", DisplayName: "Ana"}
	if _, err := e.Handle(ctx, bridge.AgentAction{Agent: agent, Handoff: out.Handoff, Action: bridge.ActJoin}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(60 * time.Second)
	if _, err := e.Handle(ctx, bridge.AgentAction{Agent: agent, Handoff: out.Handoff, Action: bridge.ActResolve}); err != nil {
		t.Fatal(err)
	}
	// Waiting, joined and resolved notices all reach the user, the first
	// after its 429.
	if _, err := web.WaitFor(ctx, "s1", "three notices", func(d []bridgetest.Delivery) bool { return len(d) >= 3 }); err != nil {
		t.Fatal(err)
	}

	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	body := scrape(t, srv.URL)
	for _, want := range []string{
		`bridge_handoff_transitions_total{from="",team="support",to="pending"} 1`,
		`bridge_handoff_transitions_total{from="pending",team="support",to="active"} 1`,
		`bridge_handoff_transitions_total{from="active",team="support",to="resolved"} 1`,
		`bridge_delivery_failures_total{destination="user:web",op="user.message",outcome="rate_limited"} 1`,
		`bridge_handoff_time_to_join_seconds_sum{team="support"} 90`,
		`bridge_handoff_time_to_resolve_seconds_sum{team="support"} 150`,
		`bridge_handoffs{state="resolved",team="support"} 1`,
		`bridge_platform_up{adapter="slack",state="degraded"} 0.5`,
		`bridge_delivery_delay_seconds_count{destination="user:web",op="user.message"}`,
		`bridge_outbox_depth`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := httpGet(url)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
