package teams_test

import (
	"net/http"
	"testing"
)

// An agent writing "handoffs" to the bot gets the open handoffs of their
// teams in their personal chat; someone who is no agent is told so.
func TestTeamsHandoffsCommand(t *testing.T) {
	e := newEnv(t)
	h, card := e.handoff("w1")
	e.waitButtons(card, "Join", "Decline")
	if status, err := e.fake.SayPersonal(e.ctx, e.ana, "handoffs"); err != nil || status != http.StatusOK {
		t.Fatalf("command: %d %v", status, err)
	}
	e.toldPrivately(e.ana, "#"+h.String()+" · team sales · normal · pending")
	if status, err := e.fake.SayPersonal(e.ctx, e.eve, "handoffs"); err != nil || status != http.StatusOK {
		t.Fatalf("command: %d %v", status, err)
	}
	e.toldPrivately(e.eve, "not an agent")
}
