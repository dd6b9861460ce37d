package main

import (
	"log/slog"

	bprom "github.com/handoffbridge/handoff/adapters/prometheus"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/postgres"
)

// sharedFanout is how this replica tells the others what lives only in
// its memory: what their sockets (widget users, console agents) must show,
// and the outbox's wake-ups (see bridge.Replicas.Fanout). LISTEN/NOTIFY on
// PostgreSQL; nothing on SQLite, which one process owns. Made before the
// engine, which publishes on it; run with the connections (wireFanout).
func sharedFanout(store bridge.Store, log *slog.Logger, metrics *bprom.Metrics) bridge.Fanout {
	ps, ok := store.(*postgres.Store)
	if !ok {
		return bridge.LocalFanout{}
	}
	opts := postgres.FanoutOptions{Logger: log}
	if metrics != nil {
		opts.OnNotice = metrics.FanoutNotice
	}
	return ps.Fanout(opts)
}

// wireFanout runs the fan-out's listener as a connection of its own,
// reported in /readyz, when it has one.
func (w *wiring) wireFanout(f bridge.Fanout) {
	w.fanout = f
	if pf, ok := f.(*postgres.Fanout); ok {
		w.run("fanout", pf)
		w.health["fanout"] = pf
	}
}

// liveFanout is the fan-out the live sockets' adapters publish on.
func (w *wiring) liveFanout() bridge.Fanout {
	if w.fanout == nil {
		w.fanout = bridge.LocalFanout{}
	}
	return w.fanout
}
