//go:build cluster

package cluster_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/internal/pgtest"
	"github.com/handoffbridge/handoff/internal/rig"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const (
	replicas = 3
	// leaseTTL is cmd/bridge's: a dead holder keeps its singleton for
	// at most that long; the others try every TTL/3.
	leaseTTL      = 15 * time.Second
	takeoverBound = leaseTTL + 5*time.Second
	// failoverGrace is how long after a replica's process is gone a fake
	// may still see its connection open (it notices the closed socket).
	failoverGrace = 2 * time.Second
	// drainBound bounds the wait for everything to arrive after the load.
	drainBound = 60 * time.Second
)

// settings are a run's seed (CLUSTER_SEED), length of the kill phase
// (CLUSTER_CHAOS) and Slack mode (CLUSTER_SLACK_MODE; by default the
// seed's parity, so that runs alternate between the two).
func settings(t *testing.T) (seed uint64, chaos time.Duration, slackMode string) {
	seed = uint64(time.Now().UnixNano())
	if s := os.Getenv("CLUSTER_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("CLUSTER_SEED: %v", err)
		}
	}
	chaos = 60 * time.Second
	if s := os.Getenv("CLUSTER_CHAOS"); s != "" {
		var err error
		if chaos, err = time.ParseDuration(s); err != nil {
			t.Fatalf("CLUSTER_CHAOS: %v", err)
		}
	}
	slackMode = [2]string{"socket", "http"}[seed%2]
	if s := os.Getenv("CLUSTER_SLACK_MODE"); s != "" {
		if s != "socket" && s != "http" {
			t.Fatalf("CLUSTER_SLACK_MODE: want socket or http, got %q", s)
		}
		slackMode = s
	}
	return seed, chaos, slackMode
}

// TestCluster is issue 16's acceptance test: three replicas on one
// PostgreSQL database under load, killed with SIGKILL at random for a
// minute, then restarted one at a time with SIGTERM; nothing may be lost,
// duplicated or reordered, and each singleton connection exists once and
// comes back in time. See the package's doc.
func TestCluster(t *testing.T) {
	seed, chaos, slackMode := settings(t)
	t.Logf("CLUSTER_SEED=%d CLUSTER_SLACK_MODE=%s CLUSTER_CHAOS=%s", seed, slackMode, chaos)
	rnd := rand.New(rand.NewPCG(seed, 0))
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute+chaos)
	defer cancel()

	dsn := pgtest.NewDatabase(t)
	dir := t.TempDir()
	bin, err := rig.Build(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakes(t)
	rs, err := newReplicaSet(bin, dir, replicas, f.config(dsn, slackMode))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		rs.shutdown()
		if t.Failed() {
			t.Logf("replica logs:\n%s", rs.logTails(20))
		}
	}()
	if err := rs.startAll(ctx); err != nil {
		t.Fatal(err)
	}
	var lb *rig.Balancer
	if slackMode == "http" {
		lb = rig.NewBalancer(rs.baseURLs()...)
		defer lb.Close()
		f.slack.SetRequestURL(lb.URL() + "/slack/events")
	}

	run, stopRun := context.WithCancel(ctx)
	load, stopLoad := context.WithCancel(run)
	c := newCrowd(t, f, rs, run, load)
	defer func() { stopRun(); c.bg.Wait() }()
	c.startTalking(ctx)

	kills := chaosPhase(t, ctx, rnd, chaos, rs, c)
	rolling(t, ctx, rs)
	stopLoad()
	c.talk.Wait()

	drained := drain(t, ctx, dsn, slackMode, f, c)
	s := judge(t, ctx, dsn, f, c, rs, slackMode, drained)
	s.note("run: %d SIGKILLs in %s, then a rolling SIGTERM restart of %d replicas; Slack in %s mode", kills, chaos, replicas, slackMode)
	if lb != nil {
		s.note("load balancer (Slack HTTP deliveries): %d requests sent on to another replica", lb.Retried())
	}
	s.print(t)
}

// chaosPhase SIGKILLs a random replica every few seconds and restarts it
// after a moment, for d; before each kill a user asks the short-SLA team,
// so that deadlines fall around the deaths. It returns the number of
// kills. The moments are the point of the test, not a synchronisation.
func chaosPhase(t *testing.T, ctx context.Context, rnd *rand.Rand, d time.Duration, rs *replicaSet, c *crowd) int {
	end := time.Now().Add(d)
	kills := 0
	for time.Now().Before(end) && ctx.Err() == nil {
		victim := rnd.IntN(replicas)
		c.wait(ctx, kills, rnd.IntN(replicas))
		pause(ctx, time.Duration(2000+rnd.IntN(3000))*time.Millisecond)
		if err := rs.kill(victim); err != nil {
			t.Fatal(err)
		}
		kills++
		pause(ctx, time.Duration(rnd.IntN(1500))*time.Millisecond)
		if err := rs.start(ctx, victim); err != nil {
			t.Fatal(err)
		}
		t.Logf("kill %d: replica %d killed and restarted", kills, victim+1)
	}
	return kills
}

// rolling restarts every replica once with SIGTERM, one after the other,
// each back and ready before the next goes.
func rolling(t *testing.T, ctx context.Context, rs *replicaSet) {
	for i := range replicas {
		if err := rs.stop(i); err != nil {
			t.Fatal(err)
		}
		if err := rs.start(ctx, i); err != nil {
			t.Fatal(err)
		}
		t.Logf("rolling restart: replica %d stopped and started", i+1)
	}
}

// pause lets the load run for d.
func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
