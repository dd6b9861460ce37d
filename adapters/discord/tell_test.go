package discord_test

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// Telling an agent something without a click to answer goes into the
// thread, mentioning them; a retry of the same telling (the outbox tries
// again when the answer was lost) does not post it twice.
func TestTellAgentInThreadIsPostedOnce(t *testing.T) {
	e := newEnv(t)
	h := e.webSays("w1", "m1", "talk to a human").Handoff
	card := e.card(h)
	ref := bridge.ThreadRef{Workspace: bridge.WorkspaceDiscord, Channel: e.desk, ThreadID: card}
	ws := e.adapter.Workspace()
	for _, text := range []string{"Only the owner can resolve.", "Only the owner can resolve.", "The user left."} {
		if err := ws.TellAgent(e.ctx, ref, e.bob.ID, text); err != nil {
			t.Fatal(err)
		}
	}
	count := func(text string) (n int) {
		for _, m := range e.fake.Messages(card) {
			if strings.Contains(m.Content, text) {
				n++
				if !strings.HasPrefix(m.Content, "<@"+e.bob.ID+">") || strings.Join(m.Pings, ",") != "user:"+e.bob.ID {
					t.Errorf("telling %q pings %v, want only Bob", m.Content, m.Pings)
				}
			}
		}
		return n
	}
	if n := count("Only the owner can resolve."); n != 1 {
		t.Fatalf("the retried telling shows %d times, want 1", n)
	}
	if n := count("The user left."); n != 1 {
		t.Fatalf("another telling shows %d times, want 1", n)
	}
}
