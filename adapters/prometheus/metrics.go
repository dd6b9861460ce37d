package prometheus

import (
	"context"
	"log/slog"
	"strings"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/handoffbridge/handoff/bridge"
)

// Metrics records the engine's events; register it with a registry and pass
// it as bridge.Options.Observer.
type Metrics struct {
	transitions *prom.CounterVec
	fallbacks   *prom.CounterVec
	timeToJoin  *prom.HistogramVec
	timeToClose *prom.HistogramVec
	leads       *prom.CounterVec
	delay       *prom.HistogramVec
	failures    *prom.CounterVec
	// cluster: leases and live notices between replicas (cluster.go).
	cluster clusterMetrics
}

var _ bridge.Observer = (*Metrics)(nil)

// waitBuckets suit human waits: seconds to an hour.
var waitBuckets = []float64{5, 15, 30, 60, 120, 180, 300, 600, 1200, 1800, 3600}

// delayBuckets suit relay delays: a millisecond to a minute, since a
// rate-limited or retried delivery waits its turn in the outbox.
var delayBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

// New makes the metrics and registers them with reg.
func New(reg prom.Registerer) *Metrics {
	m := &Metrics{
		transitions: prom.NewCounterVec(prom.CounterOpts{Name: "bridge_handoff_transitions_total",
			Help: "Handoff state changes, by team and from/to state (from is empty for a new request)."}, []string{"team", "from", "to"}),
		fallbacks: prom.NewCounterVec(prom.CounterOpts{Name: "bridge_sla_fallbacks_total",
			Help: "Handoffs that reached their SLA (or closed hours) without an agent."}, []string{"team"}),
		timeToJoin: prom.NewHistogramVec(prom.HistogramOpts{Name: "bridge_handoff_time_to_join_seconds",
			Help: "Time from the request to an agent joining.", Buckets: waitBuckets}, []string{"team"}),
		timeToClose: prom.NewHistogramVec(prom.HistogramOpts{Name: "bridge_handoff_time_to_resolve_seconds",
			Help: "Time from the request to resolve.", Buckets: waitBuckets}, []string{"team"}),
		leads: prom.NewCounterVec(prom.CounterOpts{Name: "bridge_leads_total",
			Help: "Leads captured by the SLA fallback form."}, []string{"team"}),
		delay: prom.NewHistogramVec(prom.HistogramOpts{Name: "bridge_delivery_delay_seconds",
			Help:    "Time from queueing an outbox entry to its delivery, by destination (user channel, workspace, notifier) and operation.",
			Buckets: delayBuckets}, []string{"destination", "op"}),
		failures: prom.NewCounterVec(prom.CounterOpts{Name: "bridge_delivery_failures_total",
			Help: "Failed delivery attempts by destination, operation and outcome (retry, rate_limited for 429s, permanent)."},
			[]string{"destination", "op", "outcome"}),
	}
	reg.MustRegister(m.transitions, m.fallbacks, m.timeToJoin, m.timeToClose, m.leads, m.delay, m.failures)
	m.cluster = newClusterMetrics(reg)
	return m
}

// HandoffChanged counts a transition.
func (m *Metrics) HandoffChanged(team bridge.TeamID, from, to bridge.State) {
	m.transitions.WithLabelValues(string(team), string(from), string(to)).Inc()
	if to == bridge.StateFallback {
		m.fallbacks.WithLabelValues(string(team)).Inc()
	}
}

// HandoffJoined observes the time to join.
func (m *Metrics) HandoffJoined(team bridge.TeamID, waited time.Duration) {
	m.timeToJoin.WithLabelValues(string(team)).Observe(waited.Seconds())
}

// HandoffResolved observes the time to resolve.
func (m *Metrics) HandoffResolved(team bridge.TeamID, open time.Duration) {
	m.timeToClose.WithLabelValues(string(team)).Observe(open.Seconds())
}

// LeadCaptured counts a lead.
func (m *Metrics) LeadCaptured(team bridge.TeamID) { m.leads.WithLabelValues(string(team)).Inc() }

// Delivered observes a delivery's delay.
func (m *Metrics) Delivered(d bridge.Destination, op bridge.Op, delay time.Duration) {
	m.delay.WithLabelValues(d.String(), string(op)).Observe(delay.Seconds())
}

// DeliveryFailed counts a failed attempt.
func (m *Metrics) DeliveryFailed(d bridge.Destination, op bridge.Op, outcome string) {
	m.failures.WithLabelValues(d.String(), string(op), outcome).Inc()
}

// Backlogger reads what waits: handoffs and the outbox (*bridge.Engine).
type Backlogger interface {
	Backlog(ctx context.Context) (bridge.Backlog, error)
}

// StoreCollector reports, at scrape time, handoffs by team and state and the
// outbox's depth and oldest entry, read through the engine, and each
// adapter's connection state.
type StoreCollector struct {
	backlog  Backlogger
	adapters map[string]bridge.HealthChecker
	log      *slog.Logger
	now      func() time.Time

	handoffs *prom.Desc
	depth    *prom.Desc
	oldest   *prom.Desc
	platform *prom.Desc
}

// NewStoreCollector makes the scrape-time collector; register it too.
func NewStoreCollector(backlog Backlogger, adapters map[string]bridge.HealthChecker, log *slog.Logger) *StoreCollector {
	return &StoreCollector{
		backlog: backlog, adapters: adapters, log: log, now: time.Now,
		handoffs: prom.NewDesc("bridge_handoffs", "Handoffs by team and state.", []string{"team", "state"}, nil),
		depth:    prom.NewDesc("bridge_outbox_depth", "Outbox entries not delivered yet.", nil, nil),
		oldest:   prom.NewDesc("bridge_outbox_oldest_age_seconds", "Age of the oldest undelivered outbox entry (0 when empty).", nil, nil),
		platform: prom.NewDesc("bridge_platform_up", "Platform connection state: 1 up, 0.5 degraded, 0 down.", []string{"adapter", "state"}, nil),
	}
}

// Describe sends the descriptors.
func (c *StoreCollector) Describe(ch chan<- *prom.Desc) {
	ch <- c.handoffs
	ch <- c.depth
	ch <- c.oldest
	ch <- c.platform
}

// Collect reads the store and the adapters.
func (c *StoreCollector) Collect(ch chan<- prom.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	b, err := c.backlog.Backlog(ctx)
	if err != nil {
		c.log.Warn("metrics: read the store", "err", err)
		return
	}
	for _, hc := range b.Handoffs {
		ch <- prom.MustNewConstMetric(c.handoffs, prom.GaugeValue, float64(hc.N), string(hc.Team), string(hc.State))
	}
	ch <- prom.MustNewConstMetric(c.depth, prom.GaugeValue, float64(b.Outbox))
	age := 0.0
	if !b.OldestOutbox.IsZero() {
		age = c.now().Sub(b.OldestOutbox).Seconds()
	}
	ch <- prom.MustNewConstMetric(c.oldest, prom.GaugeValue, age)
	for name, a := range c.adapters {
		h := a.Health(ctx)
		v := map[bridge.HealthState]float64{bridge.HealthUp: 1, bridge.HealthDegraded: 0.5}[h.State]
		ch <- prom.MustNewConstMetric(c.platform, prom.GaugeValue, v, strings.ToLower(name), string(h.State))
	}
}
