//go:build cluster

package cluster_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/internal/cluster"
	"github.com/handoffbridge/handoff/internal/rig"
)

// replicaSet is the bridge's replicas, each a process on its own port
// and data directory, all on one PostgreSQL database; it records every
// death it causes.
type replicaSet struct {
	procs []*rig.Process

	mu     sync.Mutex
	deaths []cluster.Death
}

// newReplicaSet prepares n replicas of cfg under dir (each with a free
// port of its own).
func newReplicaSet(bin, dir string, n int, cfg rig.Config) (*replicaSet, error) {
	rs := &replicaSet{}
	for i := range n {
		c := cfg
		c.Listen = ""
		p, err := rig.NewProcess(bin, filepath.Join(dir, fmt.Sprintf("r%d", i+1)), c)
		if err != nil {
			return nil, err
		}
		rs.procs = append(rs.procs, p)
	}
	return rs, nil
}

// startAll starts the replicas one after the other (the first applies
// the migrations).
func (rs *replicaSet) startAll(ctx context.Context) error {
	for i, p := range rs.procs {
		if err := p.Start(ctx); err != nil {
			return fmt.Errorf("start replica %d: %w", i+1, err)
		}
	}
	return nil
}

// kill SIGKILLs replica i and records its death.
func (rs *replicaSet) kill(i int) error { return rs.die(i, "SIGKILL", rs.procs[i].Kill) }

// stop SIGTERMs replica i, waits for its exit and records its death.
func (rs *replicaSet) stop(i int) error { return rs.die(i, "SIGTERM", rs.procs[i].Stop) }

func (rs *replicaSet) die(i int, signal string, how func() error) error {
	at := time.Now()
	err := how()
	rs.mu.Lock()
	rs.deaths = append(rs.deaths, cluster.Death{Replica: i + 1, Signal: signal, At: at, Gone: time.Now()})
	rs.mu.Unlock()
	if err != nil {
		return fmt.Errorf("%s replica %d: %w", signal, i+1, err)
	}
	return nil
}

// start starts replica i again on its port and waits until it is ready.
func (rs *replicaSet) start(ctx context.Context, i int) error {
	if err := rs.procs[i].Start(ctx); err != nil {
		return fmt.Errorf("restart replica %d: %w", i+1, err)
	}
	return nil
}

// Deaths returns the deaths so far, in order.
func (rs *replicaSet) Deaths() []cluster.Death {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]cluster.Death(nil), rs.deaths...)
}

// wsURLs lists the replicas' widget sockets starting with replica first,
// the order in which a user fails over.
func (rs *replicaSet) wsURLs(first int) []string {
	var urls []string
	for k := range rs.procs {
		urls = append(urls, rs.procs[(first+k)%len(rs.procs)].WSURL())
	}
	return urls
}

// baseURLs lists the replicas' base URLs.
func (rs *replicaSet) baseURLs() []string {
	var urls []string
	for _, p := range rs.procs {
		urls = append(urls, p.BaseURL)
	}
	return urls
}

// shutdown kills what still runs.
func (rs *replicaSet) shutdown() {
	for _, p := range rs.procs {
		_ = p.Kill()
	}
}

// logTails is the last lines of each replica's log, for a failed run,
// without the rate-limit warnings that fill it under load.
func (rs *replicaSet) logTails(lines int) string {
	var b strings.Builder
	for i, p := range rs.procs {
		var kept []string
		for _, l := range strings.Split(p.Log(), "\n") {
			if l != "" && !strings.Contains(l, "asked to slow down") {
				kept = append(kept, l)
			}
		}
		kept = kept[max(0, len(kept)-lines):]
		fmt.Fprintf(&b, "--- replica %d ---\n%s\n", i+1, strings.Join(kept, "\n"))
	}
	return b.String()
}
