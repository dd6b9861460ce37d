package discord_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/discord"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// A signed interaction is refused when its timestamp is more than five
// minutes from the bridge's clock: a captured request replayed later does
// nothing, however valid its signature.
func TestHTTPInteractionsRefuseStaleTimestamps(t *testing.T) {
	clock := bridgetest.NewClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	e := newEnv(t, func(_ *discordfake.Options, c *discord.Options, _ *[]bridge.UserChannel) { c.Clock = clock })
	mux := http.NewServeMux()
	e.adapter.Mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	url := srv.URL + "/discord/interactions"
	ping := []byte(`{"type":1,"id":"1","application_id":"2","token":"t","version":1}`)
	now := clock.Now()
	for _, tc := range []struct {
		name   string
		at     time.Time
		status int
	}{
		{"now", now, http.StatusOK},
		{"4 minutes old", now.Add(-4 * time.Minute), http.StatusOK},
		{"6 minutes old", now.Add(-6 * time.Minute), http.StatusUnauthorized},
		{"a day old", now.Add(-24 * time.Hour), http.StatusUnauthorized},
		{"6 minutes ahead", now.Add(6 * time.Minute), http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, err := e.fake.PostSignedAt(e.ctx, url, ping, tc.at, false)
			if err != nil || status != tc.status {
				t.Fatalf("status %d (%v), want %d", status, err, tc.status)
			}
		})
	}
	// The same request, accepted now, is refused once the clock has moved
	// on: a replay.
	if status, _ := e.fake.PostSignedAt(e.ctx, url, ping, now, false); status != http.StatusOK {
		t.Fatalf("fresh request: %d", status)
	}
	clock.Advance(5*time.Minute + time.Second)
	if status, _ := e.fake.PostSignedAt(e.ctx, url, ping, now, false); status != http.StatusUnauthorized {
		t.Fatalf("replayed after 5 minutes: status %d, want 401", status)
	}
}
