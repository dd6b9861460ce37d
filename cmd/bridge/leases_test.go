package main

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/internal/pgtest"
)

// waitReadyz polls /readyz until cond holds of its states.
func waitReadyz(t *testing.T, addr, what string, cond func(map[string]string) bool) map[string]string {
	t.Helper()
	deadline := time.Now().Add(3 * leaseTTL)
	for {
		code, states := readyz(t, addr)
		if code == http.StatusOK && cond(states) {
			return states
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: /readyz = %d %q", what, code, states)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTelegramPollerFailsOverOnPostgres: two replicas on one PostgreSQL
// database, Telegram in long polling. One polls and says so in /readyz,
// the other is ready on standby; when the first shuts down the second
// takes the poller over at a new epoch and answers Telegram users.
func TestTelegramPollerFailsOverOnPostgres(t *testing.T) {
	f := telegramfake.New(telegramfake.Options{})
	t.Cleanup(f.Close)
	t.Setenv("TELEGRAM_BOT_TOKEN", f.Token())
	t.Setenv("DATABASE_URL", pgtest.NewDatabase(t))
	t.Setenv("CONSOLE_ADMIN_TOKEN", adminToken)
	cfg := strings.Replace(minimalConfig, `store: {dsn: "DIR/data/bridge.db"}`,
		"store: {driver: postgres}\nconsole: {admin_token_env: CONSOLE_ADMIN_TOKEN}", 1)
	path := writeConfig(t, cfg+oneTeam+"channels: {telegram: {enabled: true, api_url: '"+f.URL()+"'}}\n")

	addrA, _, stopA := startBridge(t, path)
	first := waitReadyz(t, addrA, "replica a holding the poller", func(s map[string]string) bool {
		return strings.Contains(s["leases"], "telegram (epoch ") && s["telegram"] == "up"
	})
	addrB, _, _ := startBridge(t, path)
	standby := waitReadyz(t, addrB, "replica b ready on standby", func(s map[string]string) bool { return s["leases"] != "" })
	if strings.Contains(standby["leases"], "telegram (epoch ") || !strings.Contains(standby["telegram"], "standby") {
		t.Errorf("replica b's /readyz = %q; want the telegram lease not held and telegram on standby", standby)
	}

	stopA()
	second := waitReadyz(t, addrB, "replica b taking the poller over", func(s map[string]string) bool {
		return strings.Contains(s["leases"], "telegram (epoch ")
	})
	if telegramEpoch(second["leases"]) <= telegramEpoch(first["leases"]) {
		t.Errorf("leases after the takeover = %q, before %q; want telegram at a new epoch", second["leases"], first["leases"])
	}
	hana := telegramfake.User{ID: 4242, FirstName: "Hana"}
	f.UserSays(hana, "How do I reset my password?")
	if _, err := f.WaitSent(t.Context(), hana.ID, "the knowledge base's answer", func(s []telegramfake.Sent) bool {
		return slices.ContainsFunc(s, func(m telegramfake.Sent) bool { return strings.Contains(m.Visible, "Forgot password?") })
	}); err != nil {
		t.Fatal(err)
	}
}

// telegramEpoch reads the telegram lease's epoch from /readyz's leases
// line ("holds outbox/user:web (epoch 1), telegram (epoch 2)"); 0 if absent.
func telegramEpoch(leases string) int {
	_, rest, ok := strings.Cut(leases, "telegram (epoch ")
	if !ok {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSuffix(strings.SplitN(rest, ")", 2)[0], ")"))
	return n
}

// TestShutdownReleasesConnectionsBeforeDraining: at SIGTERM a replica
// stops its singleton connections and releases their leases before it
// drains its outbox (which may take its whole bound), so that another
// replica takes the connection over at once, not after the drain.
func TestShutdownReleasesConnectionsBeforeDraining(t *testing.T) {
	f := telegramfake.New(telegramfake.Options{})
	t.Cleanup(f.Close)
	t.Setenv("TELEGRAM_BOT_TOKEN", f.Token())
	t.Setenv("DATABASE_URL", pgtest.NewDatabase(t))
	t.Setenv("CONSOLE_ADMIN_TOKEN", adminToken)
	cfg := strings.Replace(minimalConfig, `store: {dsn: "DIR/data/bridge.db"}`,
		"store: {driver: postgres}\nconsole: {admin_token_env: CONSOLE_ADMIN_TOKEN}", 1)
	cfg = strings.Replace(cfg, "log: {level: warn}", "log: {level: info}", 1)
	path := writeConfig(t, cfg+oneTeam+"channels: {telegram: {enabled: true, api_url: '"+f.URL()+"'}}\n")

	addr, logs, stop := startBridge(t, path)
	waitReadyz(t, addr, "the replica holding the poller", func(s map[string]string) bool {
		return strings.Contains(s["leases"], "telegram (epoch ") && s["telegram"] == "up"
	})
	stop()
	out := logs.String()
	released := strings.Index(out, `msg="lease released" lease=telegram`)
	draining := strings.Index(out, `msg="draining outbox"`)
	if released < 0 || draining < 0 || released > draining {
		t.Errorf("the telegram lease was released at %d of the log, the outbox drained from %d; want the release first:\n%s",
			released, draining, out)
	}
}
