package slack_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/slack"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
)

// healthLog records every health change the workspace reports.
type healthLog struct {
	mu      sync.Mutex
	all     []bridge.Health
	changed chan struct{}
}

func newHealthLog() *healthLog { return &healthLog{changed: make(chan struct{})} }

func (l *healthLog) add(h bridge.Health) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, h)
	close(l.changed)
	l.changed = make(chan struct{})
}

// waitFor blocks until the latest health satisfies ok.
func (l *healthLog) waitFor(t *testing.T, ctx context.Context, what string, ok func(bridge.Health) bool) {
	t.Helper()
	for {
		l.mu.Lock()
		ch, all := l.changed, l.all
		l.mu.Unlock()
		if len(all) > 0 && ok(all[len(all)-1]) {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("waiting for health %s: %v; went %+v", what, ctx.Err(), l.snapshot())
		}
	}
}

// socketsOpened is how many Socket Mode connections the fake accepted.
func socketsOpened(t *testing.T, e *env) int {
	var n int
	if err := e.fake.WaitSocket(e.ctx, "", func(opened, _ int) bool { n = opened; return true }); err != nil {
		t.Fatal(err)
	}
	return n
}

func (l *healthLog) snapshot() []bridge.Health {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.all)
}

// A Socket Mode connection that stays open but delivers nothing, not even
// Slack's pings, is reported degraded and reopened after slack.stale_after;
// one that is pinged stays up however long it lasts; the reopened
// connection carries replies again.
func TestSilentSocketIsReopened(t *testing.T) {
	const staleAfter = 600 * time.Millisecond
	log := newHealthLog()
	e := newEnv(t, envOptions{mode: slack.ModeSocket, staleAfter: staleAfter, onHealth: log.add,
		fake: slackfake.Options{PingInterval: 40 * time.Millisecond}})
	const chat = "stale"
	id, root := e.requestThread(chat)
	if _, err := e.fake.Click(e.ctx, "UANA", channel, root, "handoff_join", id.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb(chat, "joined", hasMessage("has joined"))

	// Pinged: pings for three times stale_after keep the one connection.
	var firstPings int
	if err := e.fake.WaitSocket(e.ctx, "first pings", func(_, pings int) bool { firstPings = pings; return pings > 0 }); err != nil {
		t.Fatal(err)
	}
	enough := firstPings + int(3*staleAfter/(40*time.Millisecond))
	if err := e.fake.WaitSocket(e.ctx, "pings for 3×stale_after", func(_, pings int) bool { return pings >= enough }); err != nil {
		t.Fatal(err)
	}
	if n := socketsOpened(t, e); n != 1 {
		t.Fatalf("a pinged connection was reopened: %d connections", n)
	}
	if h := e.ws.Health(e.ctx); h.State != bridge.HealthUp {
		t.Fatalf("pinged connection reported %+v", h)
	}

	// Silent: reported degraded, then a new connection.
	e.fake.HoldPings(true)
	if err := e.fake.WaitSocket(e.ctx, "a second connection", func(opened, _ int) bool { return opened >= 2 }); err != nil {
		t.Fatal(err)
	}
	e.fake.HoldPings(false)
	degraded := slices.IndexFunc(log.snapshot(), func(h bridge.Health) bool {
		return h.State == bridge.HealthDegraded && strings.Contains(h.Detail, "nothing received for over "+staleAfter.String())
	})
	if degraded < 0 {
		t.Fatalf("silence not reported; health went %+v", log.snapshot())
	}
	log.waitFor(t, e.ctx, "up again", func(h bridge.Health) bool { return h.State == bridge.HealthUp })

	// The new connection delivers: Ana's reply reaches the user.
	if _, _, err := e.fake.PostAsUser(e.ctx, channel, "UANA", "still here", root); err != nil {
		t.Fatal(err)
	}
	e.waitWeb(chat, "reply over the new connection", hasMessage("still here"))
}
