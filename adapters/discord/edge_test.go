package discord_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

func TestDiscordDMUserHandoff(t *testing.T) {
	e := newEnv(t)
	uma := e.fake.NewUser("Uma")
	dm := e.fake.NewDM(uma)
	// The offer comes with buttons; Uma accepts with one.
	e.say(dm, uma, "what is your pricing?")
	var offer discordfake.Message
	e.waitFake("offer with buttons", func() bool {
		for _, m := range e.fake.Messages(dm) {
			if len(m.Buttons()) > 0 {
				offer = m
				return true
			}
		}
		return false
	})
	if b := offer.Buttons(); b[0].CustomID != "hb:user:handoff.accept" {
		t.Fatalf("offer buttons: %+v", b)
	}
	e.click(dm, offer.ID, "hb:user:handoff.accept", uma)
	var h *bridge.Handoff
	e.waitFake("handoff opened", func() bool {
		_ = e.store.View(e.ctx, func(tx bridge.Tx) error {
			hs, err := tx.Handoffs(e.ctx, nil, "", 0)
			if len(hs) > 0 {
				h = &hs[0]
			}
			return err
		})
		return h != nil
	})
	card := e.card(h.ID)
	e.click(e.desk, card, fmt.Sprintf("hb:join:%d", h.ID), e.rita) // in the team by role only
	e.threadHas(card, "Rita joined")

	e.say(card, e.rita, "Hello Uma, Rita here")
	e.waitFake("agent reply in the DM", func() bool {
		for _, m := range e.fake.Messages(dm) {
			if m.Content == "**Rita**: Hello Uma, Rita here" {
				return true
			}
		}
		return false
	})
	e.say(dm, uma, "Hi Rita! @here look")
	msgs := e.threadHas(card, "Hi Rita!")
	for _, m := range msgs {
		if strings.Contains(m.Content, "Hi Rita!") && (strings.Contains(m.Content, "@here") || len(m.Pings) > 0) {
			t.Fatalf("user mention not neutralised: %q pings %v", m.Content, m.Pings)
		}
	}
	e.fake.StartTyping(card, e.rita)
	e.waitFake("typing in the DM", func() bool {
		for _, ty := range e.fake.Typings() {
			if ty.ChannelID == dm {
				return true
			}
		}
		return false
	})
	e.click(e.desk, card, fmt.Sprintf("hb:resolve:%d", h.ID), e.rita)
	e.waitFake("resolved notice in the DM", func() bool {
		for _, m := range e.fake.Messages(dm) {
			if strings.Contains(m.Content, "closed this conversation") {
				return true
			}
		}
		return false
	})
}

func TestSimultaneousJoinsOneWins(t *testing.T) {
	e := newEnv(t)
	h := e.webSays("w1", "m1", "talk to a human").Handoff
	card := e.card(h)
	agents := []discordgo.User{e.ana, e.bob, e.rita}
	ins := make([]*discordfake.Interaction, len(agents))
	var wg sync.WaitGroup
	for i, u := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in, err := e.fake.Click(e.desk, card, fmt.Sprintf("hb:join:%d", h), u)
			if err != nil {
				t.Error(err)
			}
			ins[i] = in
		}()
	}
	wg.Wait()
	// Everyone's click is answered; the losers privately, naming the winner.
	e.waitFake("two refusals", func() bool {
		n := 0
		for _, in := range ins {
			for _, m := range e.fake.InteractionOf(in.Token).Followups {
				if m.Ephemeral && strings.Contains(m.Content, "Already taken by") {
					n++
				}
			}
		}
		return n == 2
	})
	owner := waitWeb(t, e.web, "w1", "joined", webText("has joined"))
	joins := 0
	for _, d := range e.web.To("w1") {
		if d.Message.Notice == bridge.NoticeJoined {
			joins++
		}
	}
	if joins != 1 {
		t.Fatalf("%d join notices (%q), want 1", joins, owner.Message.Text)
	}
}

func TestUnauthorisedClickIsRefusedPrivately(t *testing.T) {
	e := newEnv(t)
	h := e.webSays("w1", "m1", "talk to a human").Handoff
	card := e.card(h)
	in := e.click(e.desk, card, fmt.Sprintf("hb:join:%d", h), e.dave)
	e.ephemeral(in.Token, "Handoff permission")
	// Nothing changed: still pending, with Join.
	e.waitButtons(card, fmt.Sprintf("hb:join:%d", h), fmt.Sprintf("hb:reject:%d", h))
	for _, m := range e.fake.Messages(card) {
		if strings.Contains(m.Content, "joined") {
			t.Fatalf("thread says %q after a refused click", m.Content)
		}
	}
	// A button that is not the bridge's gets a polite answer too.
	other := e.click(e.desk, card, "someone-else:42", e.ana)
	e.ephemeral(other.Token, "not one the bridge knows")
}

func TestHTTPInteractionsAreVerified(t *testing.T) {
	e := newEnv(t)
	mux := http.NewServeMux()
	e.adapter.Mount(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	url := srv.URL + "/discord/interactions"
	h := e.webSays("w1", "m1", "talk to a human").Handoff
	card := e.card(h)

	for _, tc := range []struct {
		name   string
		body   string
		forge  bool
		status int
	}{
		{"ping", `{"type":1,"id":"1","application_id":"2","token":"t","version":1}`, false, 200},
		{"forged ping", `{"type":1}`, true, 401},
		{"malformed", `{"type":`, false, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, err := e.fake.PostSigned(e.ctx, url, []byte(tc.body), tc.forge)
			if err != nil || status != tc.status {
				t.Fatalf("status %d (%v), want %d", status, err, tc.status)
			}
		})
	}
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"type":1}`))
	if err != nil || resp.StatusCode != 401 {
		t.Fatalf("unsigned: %v %v", resp, err)
	}
	resp.Body.Close()
	// A forged click changes nothing; a signed one joins.
	if _, status, _ := e.fake.ClickOverHTTP(e.ctx, url, e.desk, card, fmt.Sprintf("hb:join:%d", h), e.bob, true); status != 401 {
		t.Fatalf("forged click: status %d", status)
	}
	in, status, err := e.fake.ClickOverHTTP(e.ctx, url, e.desk, card, fmt.Sprintf("hb:join:%d", h), e.ana, false)
	if err != nil || status != 200 {
		t.Fatalf("signed click: %d %v", status, err)
	}
	if cb := e.fake.InteractionOf(in.Token).Callbacks; len(cb) != 1 || cb[0].Type != discordgo.InteractionResponseDeferredMessageUpdate {
		t.Fatalf("answer to a signed click: %+v", cb)
	}
	owner := waitWeb(t, e.web, "w1", "joined", webText("has joined"))
	if !strings.Contains(owner.Message.Text, "Ana") {
		t.Fatalf("joined by %q, want Ana (the forged click was Bob's)", owner.Message.Text)
	}
}

func TestRateLimitedThreadKeepsOrder(t *testing.T) {
	e := newEnv(t)
	h := e.webSays("w1", "m0", "talk to a human").Handoff
	card := e.card(h)
	e.threadHas(card, "talk to a human")
	e.fake.Force429("POST /channels/{id}/messages", 3, 300*time.Millisecond, false)
	e.fake.Force429("POST /channels/{id}/messages", 1, 200*time.Millisecond, true)
	const n = 12
	for i := range n {
		e.webSays("w1", fmt.Sprintf("m%d", i+1), fmt.Sprintf("line %02d", i))
	}
	var got []string
	e.waitFake("every line in the thread", func() bool {
		got = got[:0]
		for _, m := range e.fake.Messages(card) {
			for _, l := range strings.Split(m.Content, "\n") {
				if i := strings.Index(l, "line "); i >= 0 {
					got = append(got, l[i:])
				}
			}
		}
		return len(got) >= n
	})
	for i, l := range got {
		if l != fmt.Sprintf("line %02d", i) {
			t.Fatalf("thread lines out of order or repeated: %q", got)
		}
	}
	if e.fake.RateLimited("POST /channels/{id}/messages") < 4 {
		t.Fatal("the forced 429s were not hit")
	}
}

func TestGatewayGapLosesNothing(t *testing.T) {
	for _, tc := range []struct {
		name       string
		invalidate bool // the session cannot resume: identify, then catch up by REST
	}{{"resume", false}, {"re-identify", true}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			h := e.webSays("w1", "m0", "talk to a human").Handoff
			card := e.card(h)
			e.click(e.desk, card, fmt.Sprintf("hb:join:%d", h), e.ana)
			waitWeb(t, e.web, "w1", "joined", webText("has joined"))
			e.say(card, e.ana, "before the gap")
			waitWeb(t, e.web, "w1", "before", webText("before the gap"))

			before := e.fake.GatewayStats()
			e.fake.HoldConnections()
			if tc.invalidate {
				e.fake.InvalidateSessions()
			}
			e.fake.DropConnections()
			e.waitFake("disconnected", func() bool { return !e.fake.Connected() })
			e.say(card, e.ana, "during the gap 1")
			e.say(card, e.ana, "during the gap 2")
			e.fake.ReleaseConnections()
			e.waitFake("reconnected", e.fake.Connected)
			e.say(card, e.ana, "after the gap")
			waitWeb(t, e.web, "w1", "after", webText("after the gap"))
			waitWeb(t, e.web, "w1", "gap 2", webText("during the gap 2"))
			var lines []string
			for _, d := range e.web.To("w1") {
				if d.Kind == "message" && d.Message.Role == bridge.RoleAgent {
					lines = append(lines, d.Message.Text)
				}
			}
			want := []string{"before the gap", "during the gap 1", "during the gap 2", "after the gap"}
			if strings.Join(lines, "|") != strings.Join(want, "|") {
				t.Fatalf("user got %q, want each once, in order: %q", lines, want)
			}
			st := e.fake.GatewayStats()
			if tc.invalidate && st.Identifies <= before.Identifies || !tc.invalidate && st.Resumes <= before.Resumes {
				t.Fatalf("gateway stats %+v (before %+v)", st, before)
			}
		})
	}
}

var _ = bridgetest.Delivery{}
