package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/internal/pgtest"
)

// waitMetrics scrapes /metrics until it holds every line of want.
func waitMetrics(t *testing.T, addr, what string, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(3 * leaseTTL)
	for {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body, missing := string(b), ""
		for _, l := range want {
			if !strings.Contains(body, "\n"+l+"\n") {
				missing = l
				break
			}
		}
		if missing == "" {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: /metrics lacks %q", what, missing)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestClusterMetrics: two replicas on PostgreSQL report their pool (its
// size is store.max_conns) and which of them holds the Telegram poller's
// lease; when the holder stops, the other one's metrics show the
// takeover.
func TestClusterMetrics(t *testing.T) {
	f := telegramfake.New(telegramfake.Options{})
	t.Cleanup(f.Close)
	t.Setenv("TELEGRAM_BOT_TOKEN", f.Token())
	t.Setenv("DATABASE_URL", pgtest.NewDatabase(t))
	t.Setenv("BRIDGE_CONSOLE_ADMIN_TOKEN_ENV", "CONSOLE_ADMIN_TOKEN")
	t.Setenv("CONSOLE_ADMIN_TOKEN", adminToken)
	cfg := strings.Replace(minimalConfig, `store: {dsn: "DIR/data/bridge.db"}`, `store: {driver: postgres, max_conns: 6}`, 1)
	path := writeConfig(t, cfg+oneTeam+"channels: {telegram: {enabled: true, api_url: '"+f.URL()+"'}}\n")

	addrA, _, stopA := startBridge(t, path)
	waitMetrics(t, addrA, "replica a holding the poller", `bridge_lease_held{lease="telegram"} 1`,
		`bridge_lease_takeovers_total{lease="telegram"} 1`, `bridge_store_pool_connections{state="max"} 6`)
	addrB, _, _ := startBridge(t, path)
	waitReadyz(t, addrB, "replica b on standby", func(s map[string]string) bool { return strings.Contains(s["telegram"], "standby") })
	body := waitMetrics(t, addrB, "replica b's pool", `bridge_store_pool_connections{state="max"} 6`)
	if strings.Contains(body, `bridge_lease_held{lease="telegram"} 1`) {
		t.Error("replica b says it holds the poller's lease while a does")
	}

	stopA()
	waitMetrics(t, addrB, "replica b taking the poller over", `bridge_lease_held{lease="telegram"} 1`,
		`bridge_lease_takeovers_total{lease="telegram"} 1`)
}
