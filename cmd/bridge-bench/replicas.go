package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/internal/pgtest"
	"github.com/handoffbridge/handoff/internal/rig"
)

// The stores a bench runs the bridge on.
const (
	storeSQLite   = "sqlite"
	storePostgres = "postgres"
)

// benchDatabase is the database the bench creates on its private
// PostgreSQL server.
const benchDatabase = "bench"

// checkStore refuses a store set-up the bench cannot run.
func (o options) checkStore() error {
	switch {
	case o.store != storeSQLite && o.store != storePostgres:
		return fmt.Errorf("-store: want %s or %s, got %q", storeSQLite, storePostgres, o.store)
	case o.replicas < 1:
		return errors.New("-replicas: must be at least 1")
	case o.replicas > 1 && o.store != storePostgres:
		return errors.New("-replicas: several replicas share one PostgreSQL database: add -store postgres")
	case o.dsn != "" && o.store != storePostgres:
		return errors.New("-dsn: only with -store postgres")
	case o.attach != "" && (o.replicas > 1 || o.store != storeSQLite):
		return errors.New("-attach: the bench starts no bridge then; -replicas, -store and -dsn are for bridges it starts")
	}
	return nil
}

// startBridges starts the bridges under load: one process on SQLite in
// dir, or o.replicas processes on one PostgreSQL database (the -dsn one or
// a private server's), each with its own port and data directory. With
// Slack in HTTP mode the Slack fake posts its events to a round-robin
// balancer over the replicas; in Socket Mode one replica holds the
// connection (its lease). It fills t; stop ends all it started.
func startBridges(ctx context.Context, o options, bin, dir string, cfg rig.Config, fake *slackfake.Server, t *target) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	if o.store == storePostgres {
		cfg.PostgresDSN = o.dsn
		if cfg.PostgresDSN == "" {
			logf(o, "starting a private PostgreSQL server")
			pg, err := pgtest.StartServer()
			if err != nil {
				return stop, fmt.Errorf("start PostgreSQL: %w", err)
			}
			stops = append(stops, func() { _ = pg.Stop() })
			if cfg.PostgresDSN, err = pg.CreateDatabase(ctx, benchDatabase); err != nil {
				return stop, err
			}
			t.pg = pg
		}
	}
	for i := range o.replicas {
		pdir := dir
		if o.store == storePostgres {
			pdir = filepath.Join(dir, "replica"+strconv.Itoa(i+1))
		}
		p, err := rig.NewProcess(bin, pdir, cfg)
		if err != nil {
			return stop, err
		}
		t.procs = append(t.procs, p)
	}
	if cfg.SlackMode == "http" {
		url := t.procs[0].BaseURL
		if len(t.procs) > 1 {
			lb := rig.NewBalancer(t.baseURLs()...)
			stops = append(stops, lb.Close)
			url = lb.URL()
		}
		fake.SetRequestURL(url + "/slack/events")
	}
	for i, p := range t.procs {
		if err := p.Start(ctx); err != nil {
			return stop, fmt.Errorf("replica %d: %w", i+1, err)
		}
		stops = append(stops, func() { _ = p.Stop() })
		logf(o, "bridge %d: pid %d at %s, data in %s", i+1, p.Pid(), p.BaseURL, dir)
	}
	t.baseURL, t.wsURL = t.procs[0].BaseURL, t.procs[0].WSURL()
	t.users = make([]int, len(t.procs))
	return stop, nil
}

// baseURLs are the replicas' base URLs.
func (t *target) baseURLs() []string {
	urls := make([]string, len(t.procs))
	for i, p := range t.procs {
		urls[i] = p.BaseURL
	}
	return urls
}

// wsURLOf is the widget socket of web user i: users are spread over the
// replicas in turn, as a balancer spreading connections would.
func (t *target) wsURLOf(i int) string {
	if len(t.procs) < 2 {
		return t.wsURL
	}
	t.mu.Lock()
	t.users[i%len(t.procs)]++
	t.mu.Unlock()
	return t.procs[i%len(t.procs)].WSURL()
}

// procsUsage is the bridges' cost together: CPU and memory summed over
// the replicas (peak RSS too, an upper bound of the peaks' sum at once).
func (t *target) procsUsage() (rig.Usage, error) {
	var sum rig.Usage
	for i, p := range t.procs {
		u, err := p.Usage()
		if err != nil {
			return rig.Usage{}, fmt.Errorf("replica %d: %w", i+1, err)
		}
		sum.CPUSeconds += u.CPUSeconds
		sum.RSSBytes += u.RSSBytes
		sum.PeakRSSBytes += u.PeakRSSBytes
	}
	return sum, nil
}

// clusterCPU is the CPU seconds of each replica and of the PostgreSQL
// server (-1 when not ours to read) at one moment.
type clusterCPU struct {
	replicas []float64
	postgres float64
}

func (t *target) clusterCPU() (clusterCPU, error) {
	c := clusterCPU{postgres: -1}
	for i, p := range t.procs {
		u, err := p.Usage()
		if err != nil {
			return c, fmt.Errorf("replica %d: %w", i+1, err)
		}
		c.replicas = append(c.replicas, u.CPUSeconds)
	}
	if t.pg != nil {
		cpu, err := rig.TreeCPUSeconds(t.pg.Pid())
		if err != nil {
			return c, fmt.Errorf("PostgreSQL: %w", err)
		}
		c.postgres = cpu
	}
	return c, nil
}

// ReplicaUsage is one replica's cost during the phase. Its CPU per
// message divides by every message relayed (wherever it entered): the
// replicas' figures add up to the cluster's cost of a message.
type ReplicaUsage struct {
	WebUsers            int     `json:"web_users"`
	CPUSeconds          float64 `json:"cpu_seconds"`
	CPUMicrosPerMessage float64 `json:"cpu_us_per_message"`
}

// PostgresUsage is the PostgreSQL server's cost during the phase (all its
// processes), when the bench started the server.
type PostgresUsage struct {
	CPUSeconds          float64 `json:"cpu_seconds"`
	CPUMicrosPerMessage float64 `json:"cpu_us_per_message"`
}

// clusterReport fills r's store, replicas and PostgreSQL figures from the
// CPU before and after the phase and the messages relayed in it.
func (t *target) clusterReport(r *Report, o options, before, after clusterCPU, relayed int) {
	r.Store = o.store
	perMsg := func(cpu float64) float64 {
		if relayed == 0 {
			return 0
		}
		return cpu * 1e6 / float64(relayed)
	}
	for i := range after.replicas {
		cpu := after.replicas[i] - before.replicas[i]
		u := ReplicaUsage{CPUSeconds: cpu, CPUMicrosPerMessage: perMsg(cpu)}
		if len(t.users) > i {
			u.WebUsers = t.users[i]
		}
		r.Replicas = append(r.Replicas, u)
	}
	if before.postgres >= 0 && after.postgres >= 0 {
		cpu := after.postgres - before.postgres
		r.Postgres = &PostgresUsage{CPUSeconds: cpu, CPUMicrosPerMessage: perMsg(cpu)}
	}
}

// printCluster writes the replicas' and PostgreSQL's lines of the report.
func (r *Report) printCluster(w io.Writer) {
	if r.Store == "" {
		return
	}
	fmt.Fprintf(w, "store: %s, %d replica(s)\n", r.Store, len(r.Replicas))
	if len(r.Replicas) > 1 {
		for i, u := range r.Replicas {
			fmt.Fprintf(w, "  replica %d: %d web users, %.2f CPU s (%.0f µs per relayed msg)\n", i+1, u.WebUsers, u.CPUSeconds, u.CPUMicrosPerMessage)
		}
	}
	if p := r.Postgres; p != nil {
		fmt.Fprintf(w, "PostgreSQL server: %.2f CPU s (%.0f µs per relayed msg)\n", p.CPUSeconds, p.CPUMicrosPerMessage)
	}
}

// loadAverage is the machine's load averages (1, 5, 15 min) from
// /proc/loadavg, for the report: on a shared machine the rates and delays
// depend on them.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return ""
}
