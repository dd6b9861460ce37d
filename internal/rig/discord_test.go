package rig

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
)

// bridgeBin builds cmd/bridge once for the tests of the package that run
// the binary, into binDir (removed by TestMain).
var bridgeBin = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "rig-bridge")
	if err != nil {
		return "", err
	}
	binDir = dir
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return Build(ctx, dir)
})

// TestDiscordAgentAndUsers runs the bridge binary wired to the Discord
// fake alone: Discord users (two by DM, one in a support channel) ask for
// a human, a Discord agent joins each handoff by clicking Join on its card
// and answers in its thread, both sides talk for a couple of seconds, and
// every tagged message arrives exactly once, in order, as the ledger
// counts it end to end.
func TestDiscordAgentAndUsers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the bridge binary")
	}
	bin, err := bridgeBin()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	// Discord's limits off, as in the load tool's default: the test is
	// about the ledger's counts, not the wait for a 5-second bucket.
	fake := discordfake.New(discordfake.Options{Limits: &discordfake.Limits{}})
	defer fake.Close()
	desk, help := fake.NewTextChannel("sales-desk"), fake.NewTextChannel("help")
	ana := fake.NewUser("Ana")
	p, err := NewProcess(bin, t.TempDir(), Config{
		DiscordAPIURL: fake.URL(), DiscordToken: fake.Token(), DiscordUsers: true, DiscordSupportChannels: []string{help},
		Teams:  map[string]Team{"sales": {Workspace: "discord", Channel: desk, SLA: time.Hour, Phrase: "talk to a human"}},
		Agents: []AgentConfig{{Name: "ana", DiscordID: ana.ID, Teams: []string{"sales"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := p.Stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("bridge log (tail):\n%s", p.Log())
		}
	}()

	ledger := NewLedger()
	agent := NewDiscordAgent(fake, ana, ledger, []string{desk}, nil)
	users := NewDiscordUsers(fake, ledger)
	bgCtx, stopBg := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() { stopBg(); bg.Wait() }()
	bg.Go(func() { agent.Run(bgCtx, 50*time.Millisecond) })
	bg.Go(func() { users.Run(bgCtx) })

	speakers := []*DiscordUser{users.DM("c1"), users.DM("c2"), users.InChannel("c3", help)}
	for _, u := range speakers {
		u.Say(ctx, "talk to a human "+ConvMarker(u.Conv))
	}
	for _, u := range speakers {
		if err := agent.WaitFor(ctx, u.Conv+" joined", func() bool { return agent.Joined(u.Conv) }); err != nil {
			t.Fatal(err)
		}
	}
	// Each user is told they wait, then that the agent joined: the load
	// tool waits for these two before its phase.
	for _, u := range speakers {
		if err := users.WaitFor(ctx, u.Conv+"'s notices", func() bool { return users.Received(u.Conv) >= 2 }); err != nil {
			t.Fatalf("%s received %d messages before the phase, want the waiting and joined notices: %v", u.Conv, users.Received(u.Conv), err)
		}
	}

	phase, stopPhase := context.WithTimeout(ctx, 2*time.Second)
	defer stopPhase()
	var talk sync.WaitGroup
	for _, u := range speakers {
		talk.Go(func() {
			everyUntil(phase, 200*time.Millisecond, func() { u.SayTagged(ctx, UserToAgent, "where is my order?") })
		})
		talk.Go(func() {
			everyUntil(phase, 250*time.Millisecond, func() {
				if err := agent.ReplyTagged(ctx, u.Conv, "let me check"); err != nil {
					t.Error(err)
				}
			})
		})
	}
	talk.Wait()

	drain, cancelDrain := context.WithTimeout(ctx, 30*time.Second)
	defer cancelDrain()
	for n, changed := ledger.Pending(); n > 0; n, changed = ledger.Pending() {
		select {
		case <-changed:
		case <-drain.Done():
			t.Fatalf("%d messages still not delivered after the drain", n)
		}
	}
	for _, d := range []Direction{UserToAgent, AgentToUser} {
		r := ledger.Result(d)
		t.Logf("%s: sent %d, delivered %d, lost %d, duplicated %d, out of order %d; p50 %v", d, r.Sent, r.Delivered, r.Lost, r.Duplicated, r.OutOfOrder, Percentile(r.Delays, 0.5))
		if r.Sent < len(speakers)*5 {
			t.Errorf("%s: only %d messages sent", d, r.Sent)
		}
		if r.Lost+r.Duplicated+r.OutOfOrder > 0 || r.Delivered != r.Sent {
			t.Errorf("%s: %d lost, %d duplicated, %d out of order:\n%s", d, r.Lost, r.Duplicated, r.OutOfOrder, strings.Join(r.Problems, "\n"))
		}
		for _, u := range speakers {
			keep := func(conv string) bool { return conv == u.Conv }
			if got := ledger.ResultFor(d, keep).Delivered; got == 0 {
				t.Errorf("%s: nothing delivered for %s", d, u.Conv)
			}
		}
	}
	if n := agent.Threads(desk); n != len(speakers) {
		t.Errorf("%d handoff cards for %d users", n, len(speakers))
	}
}

// everyUntil calls f every interval until ctx ends: the pace of the load.
func everyUntil(ctx context.Context, interval time.Duration, f func()) {
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
