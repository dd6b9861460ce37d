package discord

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/internal/enginetest"
)

// typingSeen is an engine stand-in that passes on the agent typing events
// it gets: each is a dispatch the adapter received.
type typingSeen chan bridge.AgentTyping

func (c typingSeen) Handle(_ context.Context, ev bridge.Event) (bridge.Outcome, error) {
	if t, ok := ev.(bridge.AgentTyping); ok {
		c <- t
	}
	return bridge.Outcome{}, nil
}

// A gateway connection that stays open but delivers nothing (no event,
// no heartbeat ACK) for stale_after is reported degraded and resumed on a
// new connection, and what Discord held back arrives; one that only has
// quiet stretches shorter than that is left alone.
func TestSilentGatewayIsReportedAndResumed(t *testing.T) {
	ctx := t.Context()
	f := discordfake.New(discordfake.Options{}) // heartbeats every 41.25 s: none but the first in this test
	t.Cleanup(f.Close)
	st := enginetest.TempStore(t)
	clock := bridgetest.NewClock(time.Now())
	const staleAfter = 2 * time.Minute
	seen := make(typingSeen, 16)
	a, err := New(Options{Handler: seen, Core: enginetest.Idle(t, st), Token: f.Token(), HTTPClient: f.Client(), Clock: clock,
		StaleAfter: staleAfter, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })
	if err := f.WaitFor(ctx, "connected", f.Connected); err != nil {
		t.Fatal(err)
	}
	desk, ana := f.NewTextChannel("desk"), f.NewUser("Ana")
	typing := func(what string) {
		t.Helper()
		f.StartTyping(desk, ana)
		select {
		case <-seen:
		case <-time.After(20 * time.Second):
			t.Fatalf("%s: the typing event did not arrive", what)
		}
	}
	// tick moves the clock one watchdog period, once the watchdog waits
	// for it; when it returns the watchdog has judged that period (it
	// arms its next timer only after).
	every := staleAfter / 4
	tick := func() {
		t.Helper()
		if err := clock.WaitTimer(ctx, clock.Now().Add(every)); err != nil {
			t.Fatal(err)
		}
		clock.Advance(every)
		if err := clock.WaitTimer(ctx, clock.Now().Add(every)); err != nil {
			t.Fatal(err)
		}
	}
	typing("connected") // the live loop runs: the connection is up
	if h := a.Health(ctx); h.State != bridge.HealthUp {
		t.Fatalf("connected: %+v", h)
	}

	// Events every 90 s keep a quiet connection healthy for 6 minutes.
	for range 4 {
		typing("healthy")
		for range 3 {
			tick()
		}
		if h := a.Health(ctx); h.State != bridge.HealthUp {
			t.Fatalf("a connection with events every 90 s: %+v", h)
		}
	}

	// Silence: the connection stays open, nothing comes, not even ACKs.
	before := f.GatewayStats()
	f.HoldConnections() // the reconnect waits, so its state can be seen
	f.StallConnections()
	f.StartTyping(desk, ana) // held back by the stalled connection
	var h bridge.Health
	for i := 0; h.State != bridge.HealthDegraded; i++ {
		if i == 6 {
			t.Fatalf("after %s of silence: %+v, want degraded", time.Duration(i)*every, h)
		}
		tick()
		h = a.Health(ctx)
	}
	if err := f.WaitFor(ctx, "the silent connection closed", func() bool { return !f.Connected() }); err != nil {
		t.Fatal(err)
	}
	f.ReleaseConnections()
	typing("the event held back during the silence, replayed by the resume")
	typing("a new event")
	if h := a.Health(ctx); h.State != bridge.HealthUp {
		t.Fatalf("after the reconnect: %+v", h)
	}
	// The session was resumed, not started again. discordgo's own missed-ACK
	// check may race the watchdog to reconnect on a loaded machine, so a
	// second resume is allowed; a new identify (lost session) is not.
	if st := f.GatewayStats(); st.Resumes < before.Resumes+1 || st.Identifies != before.Identifies {
		t.Fatalf("gateway stats %+v (before %+v): want a resume, no new identify", st, before)
	}
}
