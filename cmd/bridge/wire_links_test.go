package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/webhook"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/config"
)

func TestHandoffLink(t *testing.T) {
	if handoffLink("") != nil {
		t.Error("a link without a public URL would point nowhere")
	}
	for _, base := range []string{"https://chat.example.com", "https://chat.example.com/"} {
		if got := handoffLink(base)(bridge.Notification{Handoff: 42}); got != "https://chat.example.com/handoffs/42" {
			t.Errorf("link under %q = %q", base, got)
		}
	}
}

// TestNotificationLinkLeadsToTheHandoff: the webhook of handoff.requested,
// sent before the thread exists, carries the handoff's stable link, and
// that link, served by the wired bridge, leads to the handoff.
func TestNotificationLinkLeadsToTheHandoff(t *testing.T) {
	payloads := make(chan webhook.Payload, 16)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p webhook.Payload
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		payloads <- p
	}))
	t.Cleanup(receiver.Close)
	t.Setenv("CRM_SECRET", "k")
	t.Setenv("AGENT_ANA_TOKEN", "ana-secret-token-0123456789")
	cfg, err := config.Load(writeConfig(t, `
http: {listen: "127.0.0.1:0", public_url: "https://chat.example.com/"}
store: {dsn: "DIR/data/bridge.db"}
console: {enabled: true}
teams: {support: {workspace: console, notify: [crm]}}
agents: [{name: ana, console_token_env: AGENT_ANA_TOKEN, teams: [support]}]
handoff: {triggers: [{name: human, phrases: ["talk to a human"], action: handoff, team: support}]}
notifiers: {crm: {kind: webhook, url: "`+receiver.URL+`", secret_env: CRM_SECRET, events: [handoff.requested]}}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	w := wiredBridge(t, cfg)
	srv := httptest.NewServer(w.mux)
	t.Cleanup(srv.Close)

	out, err := w.engine.Handle(t.Context(), bridge.UserMessage{Address: bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "u1"},
		User: bridge.User{DisplayName: "Uma"}, PlatformID: "m1", Text: "talk to a human"})
	if err != nil || out.Handoff == 0 {
		t.Fatalf("request: %+v, %v", out, err)
	}
	var p webhook.Payload
	select {
	case p = <-payloads:
	case <-time.After(30 * time.Second):
		t.Fatal("no webhook for handoff.requested")
	}
	want := "https://chat.example.com/handoffs/" + out.Handoff.String()
	if p.Event != bridge.EventRequested || p.ThreadURL != want {
		t.Fatalf("webhook %s thread_url = %q, want %q", p.Event, p.ThreadURL, want)
	}

	path := strings.TrimPrefix(p.ThreadURL, "https://chat.example.com")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "https://chat.example.com/console#handoff-"+out.Handoff.String() {
		t.Fatalf("GET %s = %d, Location %q (%s)", path, resp.StatusCode, loc, body)
	}
}

// wiredBridge wires the config as `bridge run` does, with a recording
// widget channel, and runs the engine until the test ends.
func wiredBridge(t *testing.T, cfg *config.Config) *wiring {
	t.Helper()
	settings, err := cfg.Settings()
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlite.Open(t.Context(), cfg.Store.DSN)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	engine, err := bridge.New(bridge.Options{Store: store, Settings: settings, Logger: log,
		Responder: bridge.ResponderFunc(func(context.Context, bridge.Question) (bridge.Reply, error) { return bridge.Reply{}, nil })})
	if err != nil {
		t.Fatal(err)
	}
	w := &wiring{cfg: cfg, settings: settings, engine: engine, store: store, mux: http.NewServeMux(), log: log,
		health: map[string]bridge.HealthChecker{}}
	engine.RegisterUserChannel(bridgetest.NewRichUserChannel(bridge.ChannelWeb))
	for _, fn := range []func(*wiring) error{wireConsole, wireNotifiers} {
		if err := fn(w); err != nil {
			t.Fatal(err)
		}
	}
	ctx, stop := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan struct{})
	go func() { defer close(done); _ = engine.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done; _ = store.Close() })
	return w
}
