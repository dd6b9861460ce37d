package main

import (
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/postgres"
)

// liveFanout is how this replica tells the others of what their sockets
// (widget users, console agents) must show: LISTEN/NOTIFY on PostgreSQL,
// run as a connection of its own and reported in /readyz; nothing on
// SQLite, which one process owns.
func (w *wiring) liveFanout() bridge.Fanout {
	if w.fanout != nil {
		return w.fanout
	}
	ps, ok := w.store.(*postgres.Store)
	if !ok {
		w.fanout = bridge.LocalFanout{}
		return w.fanout
	}
	opts := postgres.FanoutOptions{Logger: w.log}
	if w.metrics != nil {
		opts.OnNotice = w.metrics.FanoutNotice
	}
	f := ps.Fanout(opts)
	w.run("fanout", f)
	w.health["fanout"] = f
	w.fanout = f
	return f
}
