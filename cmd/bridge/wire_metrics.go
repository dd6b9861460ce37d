package main

import (
	prom "github.com/prometheus/client_golang/prometheus"

	bprom "github.com/handoffbridge/handoff/adapters/prometheus"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/postgres"
)

// registerPoolMetrics reports PostgreSQL's connection pool (in use, idle,
// waits); SQLite has no pool to report.
func registerPoolMetrics(reg prom.Registerer, store bridge.Store) {
	ps, ok := store.(*postgres.Store)
	if !ok {
		return
	}
	reg.MustRegister(bprom.NewPoolCollector(func() bprom.PoolStat {
		s := ps.PoolStat()
		return bprom.PoolStat{Acquired: s.AcquiredConns(), Idle: s.IdleConns(), Total: s.TotalConns(), Max: s.MaxConns(),
			Acquires: s.AcquireCount(), Waited: s.EmptyAcquireCount(), WaitTime: s.AcquireDuration()}
	}))
}
