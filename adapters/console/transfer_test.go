package console

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

func (a *agent) transfer(id, to string) (int, string) {
	return a.do("POST", "/api/handoffs/"+id+"/actions", map[string]string{"action": "transfer", "to": to}, nil)
}

// The owner transfers from the console: to Bob (the user is told Bob is
// with them, Bob may reply), then to the sales team, where Sam sees a new
// request with the history and joins it.
func TestTransferFromConsole(t *testing.T) {
	w := newWorld(t)
	ana, bob, sam := w.loggedIn(anaToken), w.loggedIn(bobToken), w.loggedIn(salesToken)
	id := w.requestHuman("u1", ana)
	if code, msg := ana.act(id, "join"); code != http.StatusOK {
		t.Fatalf("join: %d %s", code, msg)
	}
	d := ana.detail(id)
	var names []string
	for _, tt := range d.Handoff.TransferTargets {
		names = append(names, tt.Kind+":"+tt.ID)
	}
	if want := []string{"agent:bob", "agent:cara", "agent:ada", "team:sales"}; !slices.Equal(names, want) {
		t.Errorf("transfer targets %v, want %v", names, want)
	}
	if code, msg := bob.transfer(id, "cara"); code != http.StatusConflict || !strings.Contains(msg, "Only the agent who joined") {
		t.Errorf("Bob's transfer of Ana's conversation: %d %q", code, msg)
	}
	if code, msg := ana.transfer(id, "nobody"); code != http.StatusConflict || !strings.Contains(msg, "no agent or team by that name") {
		t.Errorf("transfer to nobody: %d %q", code, msg)
	}
	if code, msg := ana.transfer(id, "bob"); code != http.StatusOK {
		t.Fatalf("transfer to Bob: %d %s", code, msg)
	}
	got := w.waitText("u1", "Bob is now with you")
	if got.Message.Notice != bridge.NoticeJoined || got.Message.Agent != "Bob" {
		t.Errorf("the user's notice: %+v", got.Message)
	}
	if r := bob.reply(id, "Bob here"); !r.Relayed {
		t.Fatalf("Bob's reply was not relayed: %+v", r)
	}
	w.waitText("u1", "Bob here")
	from := sam.eventCount()
	if code, msg := bob.transfer(id, "sales"); code != http.StatusOK {
		t.Fatalf("transfer to sales: %d %s", code, msg)
	}
	w.waitText("u1", "passed your conversation to our sales team")
	if h := w.handoff(id); h.State != bridge.StateResolved {
		t.Errorf("the old handoff is %s, want resolved", h.State)
	}
	var next string
	for _, s := range sam.list() {
		if s.State == bridge.StatePending && s.Team == "sales" {
			next = s.ID
		}
	}
	if next == "" {
		t.Fatal("no pending sales request in Sam's list")
	}
	// The thread's history and lines arrive as deliveries; each shows as
	// a change on Sam's live socket.
	has := func() bool {
		text := ""
		for _, e := range sam.detail(next).Entries {
			text += e.Text + "\n"
		}
		return strings.Contains(text, "talk to a human") && strings.Contains(text, "Bob here") &&
			strings.Contains(text, "its earlier thread: #"+id)
	}
	for i := from; !has(); i++ {
		i = sam.waitEvent(i, "a change of the sales request", func(ev liveEvent) bool { return ev.Handoff == next })
	}
	if code, msg := sam.act(next, "join"); code != http.StatusOK {
		t.Fatalf("Sam joins: %d %s", code, msg)
	}
	w.waitText("u1", "has joined")
}
