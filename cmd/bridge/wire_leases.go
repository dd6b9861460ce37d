package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/config"
)

// leaseTTL is how long a replica that died keeps a singleton connection
// from the others: renewed every leaseTTL/3, released at shutdown.
const leaseTTL = 15 * time.Second

// runSingleton registers a connection only one replica may keep (Telegram
// long polling, Slack Socket Mode, the Discord gateway, the WhatsApp inbox
// drain). On a shared store (PostgreSQL) it runs under the lease of its
// name; on SQLite, which one process owns, it runs as it always did.
func (w *wiring) runSingleton(name string, r bridge.Runner, health bridge.HealthChecker) {
	if w.holder == "" {
		w.run(name, r)
		w.health[name] = health
		return
	}
	s := w.engine.Singleton(name, r)
	w.singletons = append(w.singletons, s)
	w.run(name, s)
	w.health[name] = standbyHealth{s, health}
}

// replicasOf makes the bridge one replica among several when its store is
// shared (PostgreSQL): the engine's outbox senders and timers run under
// leases too (see bridge.Replicas). Nil on SQLite, which one process owns.
func replicasOf(cfg config.Store, store bridge.Store) *bridge.Replicas {
	leases, ok := store.(bridge.Leases)
	if cfg.Driver != "postgres" || !ok {
		return nil
	}
	return &bridge.Replicas{Leases: leases, Holder: replicaID(), TTL: leaseTTL}
}

// replicaID names this process among the replicas: host, pid and a
// random part, so that a restarted process is a new holder.
func replicaID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), rand.Text()[:8])
}

// standbyHealth reports a singleton's connection while this replica holds
// its lease, and "up, on standby" otherwise: the replica serves HTTP all
// the same, and must stay in the load balancer's rotation.
type standbyHealth struct {
	s *bridge.Singleton
	h bridge.HealthChecker
}

func (sh standbyHealth) Health(ctx context.Context) bridge.Health {
	if _, ok := sh.s.Held(); ok {
		return sh.h.Health(ctx)
	}
	return bridge.Health{State: bridge.HealthUp, Detail: "standby: another replica holds the connection"}
}

// heldLeases lists, for /readyz, the leases this replica holds: its
// connections' and its engine's (outbox destinations, timers).
type heldLeases struct{ w *wiring }

func (hl heldLeases) Health(context.Context) bridge.Health {
	var held []string
	add := func(l bridge.Lease) { held = append(held, fmt.Sprintf("%s (epoch %d)", l.Name, l.Epoch)) }
	for _, l := range hl.w.engine.HeldLeases() {
		add(l)
	}
	sort.Strings(held)
	if len(held) == 0 {
		return bridge.Health{State: bridge.HealthUp, Detail: "none held"}
	}
	return bridge.Health{State: bridge.HealthUp, Detail: "holds " + strings.Join(held, ", ")}
}
