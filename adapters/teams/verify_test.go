package teams_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/teams/teamsfake"
	"github.com/handoffbridge/handoff/bridge"
)

// A request not signed as the Bot Framework signs is refused with 401
// before its body is read, and changes nothing; the same click, signed,
// works.
func TestTeamsForgedActivityRefused(t *testing.T) {
	e := newEnv(t)
	h, card := e.handoff("w1")
	e.waitButtons(card, "Join", "Decline")
	click, err := e.fake.ClickActivity(e.desk, card, e.ana, "Join")
	if err != nil {
		t.Fatal(err)
	}
	forger := teamsfake.NewKey()
	for _, tc := range []struct {
		name string
		sign teamsfake.Signing
	}{
		{"another key under the fake's key id", teamsfake.Signing{Key: forger}},
		{"another key under its own id", teamsfake.Signing{Key: forger, KeyID: "forged-key"}},
		{"another audience", teamsfake.Signing{Audience: "11111111-2222-3333-4444-555555555555"}},
		{"expired beyond the clock skew", teamsfake.Signing{Expires: time.Now().Add(-6 * time.Minute)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, err := e.fake.Send(e.ctx, click, tc.sign)
			if err != nil || status != http.StatusUnauthorized {
				t.Fatalf("status %d, %v; want 401", status, err)
			}
		})
	}
	// No token at all, and a body that is not even JSON: 401, not 400.
	res, err := http.Post(e.fake.BotURL(), "application/json", bytes.NewReader([]byte("{not json")))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("unsigned garbage: status %d, want 401", res.StatusCode)
	}
	calls := len(e.fake.Calls())
	if got := e.state(h); got.State != bridge.StatePending || got.Owner != "" {
		t.Fatalf("after forged clicks: %s owned by %q", got.State, got.Owner)
	}
	// The genuine click, expired only within the skew, is taken.
	if status, err := e.fake.Send(e.ctx, click, teamsfake.Signing{Expires: time.Now().Add(-time.Minute)}); err != nil || status != http.StatusOK {
		t.Fatalf("genuine click: %d %v", status, err)
	}
	e.waitButtons(card, "Resolve", "Hand back")
	if len(e.fake.Calls()) == calls {
		t.Fatal("the genuine click made no call")
	}
}

// The bridge's token is fetched again shortly before it expires, and at
// once when the Connector refuses it.
func TestTeamsTokenRefresh(t *testing.T) {
	e := newEnv(t)
	_, card := e.handoff("w1")
	e.threadHas(card, "talk to a human")
	if n := e.fake.TokenFetches(); n != 1 {
		t.Fatalf("token fetches after the first calls: %d, want 1 (cached)", n)
	}
	// 56 minutes on, the hour-long token is within its last five minutes:
	// the next call gets a new one first, and is not refused.
	e.clock.advance(56 * time.Minute)
	e.webSays("w1", "m3", "still there?")
	e.threadHas(card, "still there?")
	if n := e.fake.TokenFetches(); n != 2 {
		t.Fatalf("token fetches after expiry: %d, want 2", n)
	}
	// Revoked early: the Connector answers 401, the bridge fetches a new
	// token and the post goes through once.
	e.fake.RevokeTokens()
	e.webSays("w1", "m4", "hello?")
	e.threadHas(card, "hello?")
	if n := e.fake.TokenFetches(); n != 3 {
		t.Fatalf("token fetches after a revocation: %d, want 3", n)
	}
	refused, posted := 0, 0
	for _, c := range e.fake.Calls() {
		if c.Method == http.MethodPost && bytes.Contains(c.Body, []byte("hello?")) {
			if c.Status == http.StatusUnauthorized {
				refused++
			} else {
				posted++
			}
		}
	}
	if refused != 1 || posted != 1 {
		t.Fatalf("posts of the message: %d refused, %d posted; want 1 and 1", refused, posted)
	}
}

// A 429 from the Connector is honoured: the post is retried after
// Retry-After and arrives once.
func TestTeamsRateLimitRetried(t *testing.T) {
	e := newEnv(t)
	_, card := e.handoff("w1")
	e.threadHas(card, "talk to a human")
	e.fake.Throttle(1, 1)
	e.webSays("w1", "m3", "are you there")
	e.threadHas(card, "are you there")
	var statuses []int
	for _, c := range e.fake.Calls() {
		if bytes.Contains(c.Body, []byte("are you there")) {
			statuses = append(statuses, c.Status)
		}
	}
	if len(statuses) != 2 || statuses[0] != http.StatusTooManyRequests || statuses[1] != http.StatusCreated {
		t.Fatalf("statuses of the post: %v, want [429 201]", statuses)
	}
}

// The signing keys are fetched once and cached; after the Bot Framework
// rotates its key, the new key is fetched when a token names it (at most
// once a minute, so forgeries naming made-up keys cannot make the bridge
// fetch on every request).
func TestTeamsSigningKeysCachedAndRotated(t *testing.T) {
	e := newEnv(t)
	_, card := e.handoff("w1")
	for range 3 {
		if status, err := e.fake.Typing(e.ctx, e.desk, card, e.ana); err != nil || status != http.StatusOK {
			t.Fatalf("typing: %d %v", status, err)
		}
	}
	if n := e.fake.KeyFetches(); n != 1 {
		t.Fatalf("key set fetched %d times for 3 activities, want 1", n)
	}
	e.fake.RotateKey()
	if status, _ := e.fake.Typing(e.ctx, e.desk, card, e.ana); status != http.StatusOK {
		t.Fatalf("first activity under the new key: %d, want 200 (a key not seen is fetched)", status)
	}
	if n := e.fake.KeyFetches(); n != 2 {
		t.Fatalf("key set fetched %d times after the rotation, want 2", n)
	}
	// A made-up key id right after: no new fetch within the minute.
	if status, _ := e.fake.Send(e.ctx, mustClick(t, e, card), teamsfake.Signing{Key: teamsfake.NewKey(), KeyID: "made-up"}); status != http.StatusUnauthorized {
		t.Fatalf("made-up key: %d, want 401", status)
	}
	if n := e.fake.KeyFetches(); n != 2 {
		t.Fatalf("key set fetched %d times after a made-up key id, want still 2", n)
	}
}

func mustClick(t *testing.T, e *env, card string) teamsfake.Activity {
	t.Helper()
	a, err := e.fake.ClickActivity(e.desk, card, e.ana, "Join")
	if err != nil {
		t.Fatal(err)
	}
	return a
}
