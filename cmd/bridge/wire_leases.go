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
)

// leaseTTL is how long a replica that died keeps a singleton connection
// from the others: renewed every leaseTTL/3, released at shutdown.
const leaseTTL = 15 * time.Second

// runSingleton registers a connection only one replica may keep (Telegram
// long polling, Slack Socket Mode, the Discord gateway, the WhatsApp inbox
// drain). On a shared store (PostgreSQL) it runs under the lease of its
// name; on SQLite, which one process owns, it runs as it always did.
func (w *wiring) runSingleton(name string, r bridge.Runner, health bridge.HealthChecker) {
	leases, ok := w.store.(bridge.Leases)
	if w.cfg.Store.Driver != "postgres" || !ok {
		w.run(name, r)
		w.health[name] = health
		return
	}
	if w.holder == "" {
		w.holder = replicaID()
	}
	s := &bridge.Singleton{Name: name, Holder: w.holder, Leases: leases, TTL: leaseTTL, Work: r, Logger: w.log}
	if w.metrics != nil {
		s.OnAcquired, s.OnLost = w.metrics.LeaseAcquired, w.metrics.LeaseLost
	}
	w.singletons = append(w.singletons, s)
	w.run(name, s)
	w.health[name] = standbyHealth{s, health}
	w.health["leases"] = heldLeases(w.singletons)
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

// heldLeases lists, for /readyz, the leases this replica holds.
type heldLeases []*bridge.Singleton

func (hl heldLeases) Health(context.Context) bridge.Health {
	var held []string
	for _, s := range hl {
		if l, ok := s.Held(); ok {
			held = append(held, fmt.Sprintf("%s (epoch %d)", l.Name, l.Epoch))
		}
	}
	sort.Strings(held)
	if len(held) == 0 {
		return bridge.Health{State: bridge.HealthUp, Detail: "none held"}
	}
	return bridge.Health{State: bridge.HealthUp, Detail: "holds " + strings.Join(held, ", ")}
}
