package prometheus_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	bprom "github.com/handoffbridge/handoff/adapters/prometheus"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// blockingWork runs until its context ends, telling started once.
type blockingWork struct{ started chan struct{} }

func (w blockingWork) Run(ctx context.Context) error {
	close(w.started)
	<-ctx.Done()
	return nil
}

// scrapeRegistry serves reg over HTTP once and returns the scrape.
func scrapeRegistry(t *testing.T, reg *prom.Registry) string {
	t.Helper()
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	return scrape(t, srv.URL)
}

func wantLines(t *testing.T, body string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(body, "\n"+l+"\n") {
			t.Errorf("metrics lack %q", l)
		}
	}
}

// TestLeaseMetricsFollowASingleton: a singleton that takes its lease shows
// as held, with one takeover; once it stops and releases it, as not held.
func TestLeaseMetricsFollowASingleton(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg := prom.NewRegistry()
	m := bprom.New(reg)
	work := blockingWork{started: make(chan struct{})}
	s := &bridge.Singleton{Name: "telegram", Holder: "replica-a", Leases: st, TTL: time.Minute, Work: work,
		OnAcquired: m.LeaseAcquired, OnLost: m.LeaseLost}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-work.started
	wantLines(t, scrapeRegistry(t, reg), `bridge_lease_held{lease="telegram"} 1`, `bridge_lease_takeovers_total{lease="telegram"} 1`)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	wantLines(t, scrapeRegistry(t, reg), `bridge_lease_held{lease="telegram"} 0`, `bridge_lease_takeovers_total{lease="telegram"} 1`)
}

// TestFanoutLagAndPoolMetrics: notices' lags land in the histogram by
// topic; the pool's state shows as its connections by state and counters.
func TestFanoutLagAndPoolMetrics(t *testing.T) {
	reg := prom.NewRegistry()
	m := bprom.New(reg)
	m.FanoutNotice("web", 3*time.Millisecond)
	m.FanoutNotice("web", 700*time.Millisecond)
	m.FanoutNotice("console", -time.Millisecond) // a clock behind the sender's
	reg.MustRegister(bprom.NewPoolCollector(func() bprom.PoolStat {
		return bprom.PoolStat{Acquired: 3, Idle: 2, Total: 5, Max: 8, Acquires: 120, Waited: 4, WaitTime: 1500 * time.Millisecond}
	}))
	wantLines(t, scrapeRegistry(t, reg),
		`bridge_fanout_lag_seconds_bucket{topic="web",le="0.005"} 1`,
		`bridge_fanout_lag_seconds_bucket{topic="web",le="1"} 2`,
		`bridge_fanout_lag_seconds_count{topic="web"} 2`,
		`bridge_fanout_lag_seconds_bucket{topic="console",le="0.0005"} 1`,
		`bridge_store_pool_connections{state="acquired"} 3`,
		`bridge_store_pool_connections{state="max"} 8`,
		`bridge_store_pool_acquires_total 120`,
		`bridge_store_pool_waits_total 4`,
		`bridge_store_pool_wait_seconds_total 1.5`)
}
