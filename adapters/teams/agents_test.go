package teams_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/handoffbridge/handoff/adapters/teams/teamsfake"
	"github.com/handoffbridge/handoff/bridge"
)

// Two agents press Join at once: one owns the handoff, the other is told
// privately who has it, and the card shows the winner.
func TestTeamsJoinRaceOneWinsOtherToldPrivately(t *testing.T) {
	e := newEnv(t)
	h, card := e.handoff("w1")
	e.waitButtons(card, "Join", "Decline")
	var wg sync.WaitGroup
	for _, u := range []teamsfake.User{e.ana, e.bob} {
		wg.Go(func() {
			if status, err := e.fake.Click(e.ctx, e.desk, card, u, "Join"); err != nil || status != http.StatusOK {
				t.Errorf("%s joins: %d %v", u.Name, status, err)
			}
		})
	}
	wg.Wait()
	e.waitButtons(card, "Resolve", "Hand back")
	got := e.state(h)
	winner, loser := e.ana, e.bob
	if got.Owner == "bob" {
		winner, loser = e.bob, e.ana
	}
	if got.State != bridge.StateActive || (got.Owner != "ana" && got.Owner != "bob") {
		t.Fatalf("after the race: %s owned by %q", got.State, got.Owner)
	}
	e.toldPrivately(loser, "Already taken by "+winner.Name)
	if n := len(e.fake.Messages(teamsfake.PersonalChat(winner))); n != 0 {
		t.Fatalf("the winner got %d private messages", n)
	}
	e.threadHas(card, winner.Name+" joined")
}

// A click by someone who is not an agent of the team is refused
// privately and changes nothing.
func TestTeamsClickByNonAgentRefusedPrivately(t *testing.T) {
	e := newEnv(t)
	h, card := e.handoff("w1")
	e.waitButtons(card, "Join", "Decline")
	for _, u := range []teamsfake.User{e.eve, e.dave} { // no agent; an agent of another team
		e.click(card, u, "Join")
		e.toldPrivately(u, "permission")
	}
	if got := e.state(h); got.State != bridge.StatePending || got.Owner != "" {
		t.Fatalf("after refused clicks: %s owned by %q", got.State, got.Owner)
	}
	if b := e.fake.Messages(e.thread(card))[0].Buttons(); len(b) != 2 || b[0] != "Join" {
		t.Fatalf("card buttons changed: %v", b)
	}
	// Still open to a real agent.
	e.click(card, e.ana, "Join")
	e.waitButtons(card, "Resolve", "Hand back")
}
