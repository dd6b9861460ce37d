package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/handoffbridge/handoff/adapters/api/apiclient"
)

// A callback receiver that fails and then asks to slow down still gets
// every event exactly once and in order: the outbox retries each event
// with the same id and holds the later ones of the conversation back.
func TestCallbacksSurviveAReceiverOutage(t *testing.T) {
	e := newEnv(t)
	e.recv.failNext(http.StatusInternalServerError, http.StatusTooManyRequests, http.StatusBadGateway)
	const id = "outage-1"
	h := e.start(id, "")
	root := e.thread(supportChannel, h.ID)
	e.click(supportChannel, root, "handoff_join", h.ID)
	e.threadHas(supportChannel, root, "joined") // clicks are handled after Slack's ack
	e.agentSays(supportChannel, root, "one")
	e.agentSays(supportChannel, root, "two")
	e.agentSays(supportChannel, root, "three")
	e.click(supportChannel, root, "handoff_resolve", h.ID)
	evs := e.waitType(id, apiclient.EventResolved)

	want := []string{apiclient.EventPending, apiclient.EventJoined, apiclient.EventAgentMessage, apiclient.EventAgentMessage,
		apiclient.EventAgentMessage, apiclient.EventResolved}
	if got := types(evs); !slices.Equal(got, want) {
		t.Fatalf("callbacks = %v, want %v", got, want)
	}
	var texts []string
	for _, ev := range evs[2:5] {
		texts = append(texts, ev.Message.Text)
	}
	if !slices.Equal(texts, []string{"one", "two", "three"}) {
		t.Errorf("replies arrived as %v", texts)
	}
	e.recv.mu.Lock()
	attempts := e.recv.attempts
	e.recv.mu.Unlock()
	if attempts != len(want)+3 {
		t.Errorf("%d attempts, want %d (each event once, plus the 3 refused tries)", attempts, len(want)+3)
	}
}

// Cancelling a pending handoff abandons it and tells the bot; cancelling
// again answers the same; once an agent joined, or after resolve, a cancel
// is refused with 409.
func TestCancelPendingHandoff(t *testing.T) {
	e := newEnv(t)
	h := e.start("cancel-1", "")
	got, err := e.shop.CancelHandoff(e.ctx, "cancel-1")
	if err != nil || got.ID != h.ID || got.State != "abandoned" || got.ClosedAt == nil {
		t.Fatalf("cancel = %+v, %v", got, err)
	}
	evs := e.waitType("cancel-1", apiclient.EventAbandoned)
	if last := evs[len(evs)-1]; last.BotPaused == nil || *last.BotPaused {
		t.Errorf("abandoned callback = %+v, want the bot to resume", last)
	}
	if again, err := e.shop.CancelHandoff(e.ctx, "cancel-1"); err != nil || again.State != "abandoned" {
		t.Errorf("second cancel = %+v, %v", again, err)
	}
	conv, err := e.shop.Conversation(e.ctx, "cancel-1")
	if err != nil || conv.BotPaused || conv.Handoff.State != "abandoned" {
		t.Errorf("conversation = %+v, %v", conv, err)
	}
}
