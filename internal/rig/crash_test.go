//go:build crash

package rig_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/rig"
)

const (
	supportChannel = "CSUPPORT"
	triageChannel  = "CTRIAGE"
	agentID        = "UANA"
)

// noAgents is the SLA fallback's notice (fallback: none).
var noAgents = bridge.DefaultMessages().NoAgents

// TestCrash runs the bridge binary under load (widget users in active
// handoffs chatting both ways with a Slack agent, others waiting on a short
// SLA) and kills it with SIGKILL at random moments, restarting it on the
// same data each time. At the end every message either side sent has
// arrived exactly once and in order per conversation, and every SLA timer
// fired exactly once. CRASH_SEED replays a run; CRASH_KILLS sets the
// number of kills (default 5).
func TestCrash(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	kills := 5
	if s := os.Getenv("CRASH_KILLS"); s != "" {
		kills, _ = strconv.Atoi(s)
	}
	t.Logf("CRASH_SEED=%d, %d kills", seed, kills)
	rnd := rand.New(rand.NewPCG(seed, 0))

	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin, err := rig.Build(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}

	// Slack with its real per-channel limit: the bridge also rides 429s.
	fake := slackfake.New(slackfake.Options{PingInterval: 500 * time.Millisecond})
	defer fake.Close()
	fake.AddChannel(slackfake.Channel{ID: supportChannel, Name: "support-live", BotIsMember: true})
	fake.AddChannel(slackfake.Channel{ID: triageChannel, Name: "triage", BotIsMember: true})
	fake.AddUser(slackfake.User{ID: agentID, Name: "ana", RealName: "Ana Silva", DisplayName: "Ana"})
	o := fake.Opts()
	bridge, err := rig.NewProcess(bin, dir, rig.Config{
		SlackAPIURL: fake.APIURL(), SlackBotToken: o.BotToken, SlackAppToken: o.AppToken,
		Teams: map[string]rig.Team{
			"support": {Channel: supportChannel, SLA: time.Hour, Phrase: "talk to a human"},
			"triage":  {Channel: triageChannel, SLA: 2 * time.Second, Fallback: "none", Phrase: "call me back"},
		},
		Agents: []rig.AgentConfig{{Name: "ana", SlackID: agentID, Teams: []string{"support", "triage"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := bridge.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := bridge.Kill(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("bridge log (tail):\n%s", bridge.Log())
		}
	}()

	ledger := rig.NewLedger()
	agent := rig.NewAgent(fake, agentID, ledger, []string{supportChannel}, []string{triageChannel})
	runCtx, stopRun := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() { stopRun(); bg.Wait() }()
	bg.Go(func() { agent.Run(runCtx, 50*time.Millisecond) })

	connect := func(conv string, n int) *rig.User {
		t.Helper()
		u := rig.NewUser(bridge.WSURL(), conv, fmt.Sprintf("198.51.100.%d", n), ledger)
		if err := u.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		bg.Go(func() { u.Run(runCtx) })
		return u
	}

	// Active handoffs: each user asks for a human and talks; the agent
	// joins and answers from the thread.
	const actives = 8
	load, stopLoad := context.WithCancel(runCtx)
	var talk sync.WaitGroup
	var users []*rig.User
	for i := range actives {
		conv := "c" + strconv.Itoa(i+1)
		u := connect(conv, i+1)
		users = append(users, u)
		u.Say(ctx, "talk to a human "+rig.ConvMarker(conv))
		talk.Go(func() {
			every(load, 1200*time.Millisecond, func() { u.SayTagged(load, rig.UserToAgent, "where is my order?") })
		})
		talk.Go(func() {
			if agent.WaitFor(load, conv+" joined", func() bool { return agent.Joined(conv) }) != nil {
				return
			}
			every(load, 1500*time.Millisecond, func() {
				if err := agent.ReplyTagged(load, conv, "let me check"); err != nil && load.Err() == nil {
					t.Errorf("agent reply in %s: %v", conv, err)
				}
			})
		})
	}

	// Crash it, each time with a new user asking for a short-SLA team just
	// before, so that deadlines fall around the kills and restarts.
	var waiting []*rig.User
	for k := range kills {
		conv := "c" + strconv.Itoa(101+k)
		u := connect(conv, 101+k)
		waiting = append(waiting, u)
		u.Say(ctx, "call me back "+rig.ConvMarker(conv))
		pause(ctx, time.Duration(1000+rnd.IntN(3000))*time.Millisecond)
		if err := bridge.Kill(); err != nil {
			t.Fatal(err)
		}
		pause(ctx, time.Duration(rnd.IntN(1500))*time.Millisecond)
		if err := bridge.Start(ctx); err != nil {
			t.Fatalf("restart %d: %v", k+1, err)
		}
		t.Logf("kill %d done", k+1)
	}
	pause(ctx, 2*time.Second)
	stopLoad()
	talk.Wait()

	// Drain: everything sent arrives, the outbox empties, timers fire.
	drain, cancelDrain := context.WithTimeout(ctx, 90*time.Second)
	defer cancelDrain()
	for {
		n, changed := ledger.Pending()
		if n == 0 {
			break
		}
		select {
		case <-changed:
		case <-drain.Done():
			t.Errorf("%d messages still not delivered after the drain", n)
			goto check
		}
	}
	for _, u := range waiting {
		if err := u.WaitFor(drain, "the no-agents notice", func(u *rig.User) bool { return u.SystemMessages(noAgents) > 0 }); err != nil {
			t.Error(err)
		}
	}
	waitOutboxEmpty(t, drain, bridge)

check:
	for _, d := range []rig.Direction{rig.UserToAgent, rig.AgentToUser} {
		r := ledger.Result(d)
		t.Logf("%s: sent %d, delivered %d, lost %d, duplicated %d, out of order %d", name(d), r.Sent, r.Delivered, r.Lost, r.Duplicated, r.OutOfOrder)
		if r.Sent == 0 {
			t.Errorf("%s: nothing was sent", name(d))
		}
		if r.Lost+r.Duplicated+r.OutOfOrder > 0 {
			t.Errorf("%s: %d lost, %d duplicated, %d out of order:\n%s", name(d), r.Lost, r.Duplicated, r.OutOfOrder, strings.Join(r.Problems, "\n"))
		}
	}
	for _, u := range waiting {
		if n := u.SystemMessages(noAgents); n != 1 {
			t.Errorf("%s: the SLA fallback notice came %d times, want once", u.Conv, n)
		}
	}
	if n := agent.Threads(triageChannel); n != len(waiting) {
		t.Errorf("%d triage threads for %d requests", n, len(waiting))
	}
	reconnects := 0
	for _, u := range append(users, waiting...) {
		reconnects += u.Reconnects()
	}
	t.Logf("widget reconnects: %d; Slack 429s: %d", reconnects, fake.RateLimited())
}

func name(d rig.Direction) string {
	if d == rig.UserToAgent {
		return "user→agent"
	}
	return "agent→user"
}

// every runs f every interval until ctx ends.
func every(ctx context.Context, interval time.Duration, f func()) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			f()
		}
	}
}

// pause lets the load run for d: the moment of a kill is the point of the
// test, not a synchronisation.
func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// waitOutboxEmpty waits until the bridge reports no undelivered outbox
// entry.
func waitOutboxEmpty(t *testing.T, ctx context.Context, p *rig.Process) {
	t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		depth, err := rig.ScrapeGauge(ctx, p.BaseURL+"/metrics", "bridge_outbox_depth")
		if err == nil && depth == 0 {
			return
		}
		select {
		case <-ctx.Done():
			t.Errorf("outbox not empty: depth %d (scrape error: %v)", depth, err)
			return
		case <-tick.C:
		}
	}
}
