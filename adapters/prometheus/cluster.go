package prometheus

import (
	"time"

	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/handoffbridge/handoff/bridge"
)

// clusterMetrics are those of one replica among several on PostgreSQL:
// which leases it holds, how often it took one, and how late the other
// replicas' live notices reach it.
type clusterMetrics struct {
	held      *prom.GaugeVec
	takeovers *prom.CounterVec
	fanoutLag *prom.HistogramVec
}

// lagBuckets suit a notice between replicas: a millisecond on a quiet
// database to seconds on a stalled one.
var lagBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

func newClusterMetrics(reg prom.Registerer) clusterMetrics {
	c := clusterMetrics{
		held: prom.NewGaugeVec(prom.GaugeOpts{Name: "bridge_lease_held",
			Help: "1 while this replica holds the lease (a singleton connection, an outbox destination, the timers), else 0."}, []string{"lease"}),
		takeovers: prom.NewCounterVec(prom.CounterOpts{Name: "bridge_lease_takeovers_total",
			Help: "Leases this replica took, each at a new epoch: at its start, or from a replica that stopped, died or lost it."}, []string{"lease"}),
		fanoutLag: prom.NewHistogramVec(prom.HistogramOpts{Name: "bridge_fanout_lag_seconds",
			Help:    "Time from another replica's NOTIFY of a live update (widget, console) to its arrival here, by topic; includes the replicas' clock skew.",
			Buckets: lagBuckets}, []string{"topic"}),
	}
	reg.MustRegister(c.held, c.takeovers, c.fanoutLag)
	return c
}

// LeaseAcquired marks the lease held and counts a takeover. With
// LeaseLost it has the shape of a Singleton's OnAcquired and OnLost.
func (m *Metrics) LeaseAcquired(l bridge.Lease) {
	m.cluster.held.WithLabelValues(l.Name).Set(1)
	m.cluster.takeovers.WithLabelValues(l.Name).Inc()
}

// LeaseLost marks the lease no longer held (released, expired or taken).
func (m *Metrics) LeaseLost(l bridge.Lease) { m.cluster.held.WithLabelValues(l.Name).Set(0) }

// FanoutNotice records the lag of a live notice from another replica: the
// shape of the PostgreSQL fan-out's OnNotice hook.
func (m *Metrics) FanoutNotice(topic string, lag time.Duration) {
	m.cluster.fanoutLag.WithLabelValues(topic).Observe(max(lag, 0).Seconds())
}

// PoolStat is a connection pool's state at one moment (pgxpool's Stat).
type PoolStat struct {
	Acquired, Idle, Total, Max int32
	// Acquires counts the connections taken from the pool; Waited those
	// for which the pool was empty; WaitTime the time spent waiting.
	Acquires, Waited int64
	WaitTime         time.Duration
}

// PoolCollector reports the store's connection pool at scrape time.
type PoolCollector struct {
	stat  func() PoolStat
	conns *prom.Desc
	acq   *prom.Desc
	empty *prom.Desc
	wait  *prom.Desc
}

// NewPoolCollector reports what stat says of the pool; register it.
func NewPoolCollector(stat func() PoolStat) *PoolCollector {
	return &PoolCollector{
		stat: stat,
		conns: prom.NewDesc("bridge_store_pool_connections",
			"PostgreSQL connections of this replica's pool: acquired (in use), idle, total, and max (store.max_conns).", []string{"state"}, nil),
		acq: prom.NewDesc("bridge_store_pool_acquires_total", "Connections taken from the pool.", nil, nil),
		empty: prom.NewDesc("bridge_store_pool_waits_total",
			"Connections taken from the pool that had to wait for one (the pool was empty): a rising rate asks for a larger store.max_conns.", nil, nil),
		wait: prom.NewDesc("bridge_store_pool_wait_seconds_total", "Time spent waiting for a pool connection.", nil, nil),
	}
}

// Describe sends the descriptors.
func (c *PoolCollector) Describe(ch chan<- *prom.Desc) {
	ch <- c.conns
	ch <- c.acq
	ch <- c.empty
	ch <- c.wait
}

// Collect reads the pool.
func (c *PoolCollector) Collect(ch chan<- prom.Metric) {
	s := c.stat()
	for state, n := range map[string]int32{"acquired": s.Acquired, "idle": s.Idle, "total": s.Total, "max": s.Max} {
		ch <- prom.MustNewConstMetric(c.conns, prom.GaugeValue, float64(n), state)
	}
	ch <- prom.MustNewConstMetric(c.acq, prom.CounterValue, float64(s.Acquires))
	ch <- prom.MustNewConstMetric(c.empty, prom.CounterValue, float64(s.Waited))
	ch <- prom.MustNewConstMetric(c.wait, prom.CounterValue, s.WaitTime.Seconds())
}
