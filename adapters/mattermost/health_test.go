package mattermost_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/mattermost"
	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// A token the server refuses is not retried: Run ends with the reason,
// and /readyz says the token was refused.
func TestRefusedTokenStopsWithReason(t *testing.T) {
	fake := mattermostfake.New(mattermostfake.Options{})
	defer fake.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	engine, err := bridge.New(bridge.Options{Store: st, Responder: responder, Settings: settings()})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := mattermost.New(mattermost.Options{URL: fake.URL(), Token: "revoked", PublicURL: "https://bridge.example",
		ActionKey: []byte("0123456789abcdef"), Handler: engine, Core: engine})
	if err != nil {
		t.Fatal(err)
	}
	err = ws.Run(ctx)
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("Run = %v, want the token refused", err)
	}
	if h := ws.Health(ctx); h.State != bridge.HealthDown || !strings.Contains(h.Detail, "refused") {
		t.Errorf("health = %+v", h)
	}
	if ctx.Err() != nil {
		t.Error("Run kept retrying until the deadline")
	}
}
