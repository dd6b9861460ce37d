package slack_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/slack"
	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// Two agents press Join at the same moment: one owns the handoff, the
// other is told privately who took it.
func TestJoinRace(t *testing.T) {
	e := newEnv(t, envOptions{})
	id, root := e.requestThread("w1")
	var wg sync.WaitGroup
	for _, who := range []string{"UANA", "UBOB"} {
		wg.Go(func() {
			if _, err := e.fake.Click(e.ctx, who, channel, root, "handoff_join", id.String()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var loser slackfake.Ephemeral
	e.waitFake("the loser's ephemeral", func() bool {
		for _, m := range e.fake.Ephemerals() {
			if strings.Contains(strings.ToLower(m.Text), "already taken") {
				loser = m
				return true
			}
		}
		return false
	})
	ds := e.waitWeb("w1", "one join", hasMessage("has joined"))
	joins := 0
	for _, d := range ds {
		if strings.Contains(d.Message.Text, "has joined") {
			joins++
		}
	}
	winner := map[string]string{"UANA": "Ana S.", "UBOB": "Bob"}
	var winnerID string
	for id := range winner {
		if id != loser.User {
			winnerID = id
		}
	}
	if joins != 1 || !strings.Contains(bridgetest.Last(ds).Message.Text, winner[winnerID]) {
		t.Fatalf("joins = %d, deliveries %+v", joins, ds)
	}
	if loser.ThreadTS != root || !strings.Contains(loser.Text, winner[winnerID]) {
		t.Fatalf("loser told %+v, want the winner %s named in the thread", loser, winner[winnerID])
	}
}

// Someone who is not an agent of the team presses Join: an ephemeral
// refusal, and nothing changes.
func TestUnauthorisedClick(t *testing.T) {
	for _, mode := range []string{slack.ModeSocket, slack.ModeHTTP} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, envOptions{mode: mode})
			id, root := e.requestThread("w1")
			before := e.root(root)
			if _, err := e.fake.Click(e.ctx, "UEVE", channel, root, "handoff_join", id.String()); err != nil {
				t.Fatal(err)
			}
			e.waitFake("refusal", func() bool {
				for _, m := range e.fake.Ephemerals() {
					if m.User == "UEVE" && strings.Contains(m.Text, "permission") {
						return true
					}
				}
				return false
			})
			// Thread posts and card updates share one ordered queue: once a
			// later message is in the thread, a card update the click caused
			// would have been made.
			e.userSays("w1", "still waiting")
			e.waitFake("later message in the thread", func() bool { return strings.Contains(e.threadText(root), "still waiting") })
			if after := e.root(root); after.Updates != before.Updates || !strings.Contains(texts(after), "Pending") {
				t.Fatalf("card changed after a refused click: %d → %d updates", before.Updates, after.Updates)
			}
			for _, d := range e.web.To("w1") {
				if strings.Contains(d.Message.Text, "joined") {
					t.Fatalf("user told %q", d.Message.Text)
				}
			}
		})
	}
}

// HTTP mode: a forged signature, a stale timestamp, a missing signature or
// a replay with a changed body get 401 and nothing is processed.
func TestSignatureRefused(t *testing.T) {
	e := newEnv(t, envOptions{mode: slack.ModeHTTP})
	id, root := e.requestThread("w1")
	if _, err := e.fake.Click(e.ctx, "UANA", channel, root, "handoff_join", id.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w1", "joined", hasMessage("has joined"))
	// The card is updated on its own queue, after the user is told: wait for
	// the chat.update that makes it active before relying on it.
	e.waitFake("card active after the join", func() bool {
		m := e.root(root)
		return m.Updates > 0 && strings.Contains(texts(m), "Active")
	})
	active := e.root(root)
	secret := e.fake.Opts().SigningSecret
	_, body := e.fake.EventCallback(map[string]any{"type": "message", "channel": channel, "user": "UANA",
		"text": "forged reply", "ts": "1900000000.000001", "thread_ts": root})
	click := []byte("payload=" + url.QueryEscape(`{"type":"block_actions","user":{"id":"UANA"},"container":{"message_ts":"`+root+`","channel_id":"`+channel+`"},"trigger_id":"t1","actions":[{"action_id":"handoff_resolve","value":"`+id.String()+`","type":"button"}]}`))
	now := time.Now()
	tests := []struct {
		name  string
		body  []byte
		ctype string
		ts    time.Time
		sig   string
	}{
		{"forged signature", body, "application/json", now, slackfake.Sign("not-the-secret", now.Unix(), body)},
		{"stale timestamp", body, "application/json", now.Add(-6 * time.Minute), slackfake.Sign(secret, now.Add(-6*time.Minute).Unix(), body)},
		{"future timestamp", body, "application/json", now.Add(6 * time.Minute), slackfake.Sign(secret, now.Add(6*time.Minute).Unix(), body)},
		{"no signature", body, "application/json", now, ""},
		{"signature of another body", body, "application/json", now, slackfake.Sign(secret, now.Unix(), []byte("{}"))},
		{"forged click", click, "application/x-www-form-urlencoded", now, slackfake.Sign("nope", now.Unix(), click)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := e.fake.PostSigned(e.ctx, tt.body, tt.ctype, tt.ts, tt.sig)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 401 {
				t.Fatalf("status %d, want 401", resp.StatusCode)
			}
		})
	}
	// A correctly signed request goes through and is the only one the user
	// sees; the card is still active (the forged Resolve did nothing).
	resp, err := e.fake.PostSigned(e.ctx, body, "application/json", now, slackfake.Sign(secret, now.Unix(), body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("signed request: status %d", resp.StatusCode)
	}
	ds := e.waitWeb("w1", "signed reply", hasMessage("forged reply"))
	n := 0
	for _, d := range ds {
		if d.Message.Text == "forged reply" {
			n++
		}
	}
	if card := e.root(root); n != 1 || card.Updates != active.Updates || !strings.Contains(texts(card), "Active") {
		t.Fatalf("replies delivered %d times; card updated %d → %d times:\n%s", n, active.Updates, card.Updates, texts(card))
	}
}

// The url_verification handshake answers the challenge.
func TestURLVerification(t *testing.T) {
	e := newEnv(t, envOptions{mode: slack.ModeHTTP})
	body := []byte(`{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV","type":"url_verification"}`)
	res, err := e.fake.Deliver(e.ctx, slackfake.KindEvent, body)
	if err != nil || string(res.Response) != "3eZbrw1aBm2rZgRNFdxV" {
		t.Fatalf("challenge answer %q, %v", res.Response, err)
	}
}

// Slack retries an event whose answer came late: the reply reaches the user
// once.
func TestRetriedEventProcessedOnce(t *testing.T) {
	for _, mode := range []string{slack.ModeSocket, slack.ModeHTTP} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, envOptions{mode: mode})
			id, root := e.requestThread("w1")
			if _, err := e.fake.Click(e.ctx, "UANA", channel, root, "handoff_join", id.String(), slackfake.Redeliver(2)); err != nil {
				t.Fatal(err)
			}
			e.waitWeb("w1", "joined", hasMessage("has joined"))
			_, body := e.fake.EventCallback(map[string]any{"type": "message", "channel": channel, "user": "UANA",
				"text": "only once", "ts": "1900000000.000002", "thread_ts": root})
			res, err := e.fake.Deliver(e.ctx, slackfake.KindEvent, body, slackfake.Redeliver(3))
			if err != nil || res.Attempts != 4 {
				t.Fatalf("deliveries = %+v, %v", res, err)
			}
			// A marker after the retries: once it arrives, the retries were
			// all handled.
			if _, _, err := e.fake.PostAsUser(e.ctx, channel, "UANA", "marker", root); err != nil {
				t.Fatal(err)
			}
			ds := e.waitWeb("w1", "marker", hasMessage("marker"))
			count := map[string]int{}
			for _, d := range ds {
				count[d.Message.Text]++
			}
			if count["only once"] != 1 || count["Ana S. has joined the conversation."] != 1 {
				t.Fatalf("deliveries: %v", count)
			}
		})
	}
}

// Text typed by a user cannot ping the channel or anyone in it.
func TestMentionInjectionEscaped(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, root := e.requestThread("w1")
	e.userSays("w1", "<!channel> <!here> @here <@UANA> <https://evil.example|bank> & <b>")
	var got string
	e.waitFake("injection posted", func() bool {
		for _, m := range e.fake.Replies(channel, root) {
			if t := texts(m); strings.Contains(t, "evil") {
				got = t
				return true
			}
		}
		return false
	})
	for _, bad := range []string{"<!channel>", "<!here>", "<@UANA>", "<https://evil", "<b>", " @here"} {
		if strings.Contains(got, bad) {
			t.Errorf("thread text holds %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{"&lt;!channel&gt;", "&lt;@UANA&gt;", "&amp;"} {
		if !strings.Contains(got, want) {
			t.Errorf("thread text lacks %q:\n%s", want, got)
		}
	}
}
