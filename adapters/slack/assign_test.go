package slack_test

import (
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var assignT0 = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)

// assignEnv is a support team that offers requests to Ana, Bob and Cara
// by assignment, a minute per offer, at most maxActive active handoffs
// each (0: no limit), on the engine's test clock.
func assignEnv(t *testing.T, assignment bridge.Assignment, offeredOnly bool, maxActive int) (*env, *bridgetest.Clock) {
	clock := bridgetest.NewClock(assignT0)
	e := newEnv(t, envOptions{clock: clock, perSecond: 100, burst: 100, settings: func(s *bridge.Settings) {
		team := s.Teams["support"]
		team.Assignment, team.OfferTimeout, team.MaxActivePerAgent, team.OfferedOnly = assignment, time.Minute, maxActive, offeredOnly
		team.SLA = time.Hour
		s.Agents = append(s.Agents, &bridge.Agent{ID: "cara", Name: "Cara", Teams: []bridge.TeamID{"support"},
			Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: "UCARA"}})
	}})
	e.fake.AddUser(slackfake.User{ID: "UCARA", Name: "cara", RealName: "Cara Lima", DisplayName: "Cara"})
	return e, clock
}

// setStatus runs /handoff <status> and checks it was taken.
func (e *env) setStatus(user string, st bridge.AgentStatus) {
	e.t.Helper()
	if got := e.slashText(user, "/handoff", string(st)); got != bridge.StatusConfirmation(st) {
		e.t.Fatalf("/handoff %s for %s answered %q", st, user, got)
	}
}

// offeredTo waits until handoff id is offered to agent ("" for open to
// all), in the store and as a line in its thread.
func (e *env) offeredTo(id bridge.HandoffID, root, agent string, lines ...string) {
	e.t.Helper()
	e.waitFake("handoff "+id.String()+" offered to "+agent, func() bool {
		h, err := e.engine.Handoff(e.ctx, id)
		if err != nil || string(h.Offer.To) != agent {
			return false
		}
		text := e.threadText(root)
		for _, l := range lines {
			if !strings.Contains(text, l) {
				return false
			}
		}
		return true
	})
}

// Round robin: requests go to available agents in turn, skipping one who
// is away and one at capacity (max_active_per_agent 1); the offered agent is mentioned in the
// thread and told privately; an offer not taken in time passes to the
// next agent, and with nobody left the request is open to all.
func TestRoundRobinOffers(t *testing.T) {
	e, clock := assignEnv(t, bridge.AssignRoundRobin, false, 1)
	for _, u := range []string{"UANA", "UBOB", "UCARA"} {
		e.setStatus(u, bridge.StatusAvailable)
	}
	e.setStatus("UBOB", bridge.StatusAway)

	id1, root1 := e.requestThread("w1")
	e.offeredTo(id1, root1, "ana", "Offered to Ana: join within 1m0s.", "<@UANA>")
	e.waitFake("Ana told privately", func() bool {
		for _, m := range e.fake.Ephemerals() {
			if m.User == "UANA" && m.ThreadTS == root1 && strings.Contains(m.Text, "is offered to you") {
				return true
			}
		}
		return false
	})
	id2, root2 := e.requestThread("w2")
	e.offeredTo(id2, root2, "cara", "Offered to Cara") // Bob is away

	// Ana joins hers and is full; Cara is next again, Bob still away.
	if _, err := e.fake.Click(e.ctx, "UANA", channel, root1, "handoff_join", id1.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w1", "Ana joined", hasMessage("has joined"))
	id3, root3 := e.requestThread("w3")
	e.offeredTo(id3, root3, "cara", "Offered to Cara")

	// Bob is back; Cara lets both offers run out: both pass to Bob.
	e.setStatus("UBOB", bridge.StatusAvailable)
	deadline := assignT0.Add(time.Minute)
	if err := clock.WaitTimer(e.ctx, deadline); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	e.offeredTo(id2, root2, "bob", "Cara did not join within 1m0s.")
	e.offeredTo(id3, root3, "bob", "Offered to Bob")

	// Bob declines #2: nobody else is available (Ana full, Cara had it).
	if _, err := e.fake.Click(e.ctx, "UBOB", channel, root2, "handoff_reject", id2.String()); err != nil {
		t.Fatal(err)
	}
	e.offeredTo(id2, root2, "", "Nobody else is available: this request is open to everyone.")
	// Any agent may still join an offered request (offered_only: false).
	if _, err := e.fake.Click(e.ctx, "UCARA", channel, root3, "handoff_join", id3.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w3", "Cara joined", hasMessage("has joined"))
	if h, _ := e.engine.Handoff(e.ctx, id3); h.State != bridge.StateActive || h.Owner != "cara" || h.Offer.To != "" {
		t.Fatalf("#3 after Cara joined: %+v", h)
	}
}

// Least busy offers to the available agent with the fewest active
// handoffs, even when another is next in turn; with offered_only, another
// agent's Join is refused privately while the offer stands.
func TestLeastBusyOfferedOnly(t *testing.T) {
	e, _ := assignEnv(t, bridge.AssignLeastBusy, true, 0)
	e.setStatus("UANA", bridge.StatusAvailable)
	id1, root1 := e.requestThread("w1")
	e.offeredTo(id1, root1, "ana", "Offered to Ana")
	if _, err := e.fake.Click(e.ctx, "UBOB", channel, root1, "handoff_join", id1.String()); err != nil {
		t.Fatal(err)
	}
	e.waitFake("Bob refused", func() bool {
		for _, m := range e.fake.Ephemerals() {
			if m.User == "UBOB" && m.ThreadTS == root1 && strings.Contains(m.Text, "offered to Ana for now") {
				return true
			}
		}
		return false
	})
	if _, err := e.fake.Click(e.ctx, "UANA", channel, root1, "handoff_join", id1.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w1", "Ana joined", hasMessage("has joined"))
	e.setStatus("UCARA", bridge.StatusAvailable)
	id2, root2 := e.requestThread("w2")
	e.offeredTo(id2, root2, "cara", "Offered to Cara")
	// In turn Ana (one active) would be next; Bob and Cara have none.
	e.setStatus("UBOB", bridge.StatusAvailable)
	id3, root3 := e.requestThread("w3")
	e.offeredTo(id3, root3, "bob", "Offered to Bob")
}

// With nobody available, a round-robin request is open to all, as with
// first_join, and says so once.
func TestRoundRobinNobodyAvailable(t *testing.T) {
	e, _ := assignEnv(t, bridge.AssignRoundRobin, true, 1)
	id, root := e.requestThread("w1")
	e.offeredTo(id, root, "", "No agent is available to offer this request to: it is open to everyone.")
	if _, err := e.fake.Click(e.ctx, "UBOB", channel, root, "handoff_join", id.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w1", "Bob joined", hasMessage("has joined"))
}
