package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/handoffbridge/handoff/adapters/api/apiclient"
	"github.com/handoffbridge/handoff/adapters/api/apitest"
)

// A callback receiver that fails and then asks to slow down still gets
// every event exactly once and in order: the outbox retries each event
// with the same id and holds the later ones of the conversation back.
func TestCallbacksSurviveAReceiverOutage(t *testing.T) {
	e := apitest.New(t, apitest.Options{})
	e.Receiver.FailNext(http.StatusInternalServerError, http.StatusTooManyRequests, http.StatusBadGateway)
	const id = "outage-1"
	h := e.Start(id, "")
	root := e.Thread(apitest.SupportChannel, h.ID)
	e.Click(apitest.SupportChannel, root, "handoff_join", h.ID)
	e.ThreadHas(apitest.SupportChannel, root, "joined") // clicks are handled after Slack's ack
	e.AgentSays(apitest.SupportChannel, root, "one")
	e.AgentSays(apitest.SupportChannel, root, "two")
	e.AgentSays(apitest.SupportChannel, root, "three")
	e.Click(apitest.SupportChannel, root, "handoff_resolve", h.ID)
	evs := e.WaitType(id, apiclient.EventResolved)

	want := []string{apiclient.EventPending, apiclient.EventJoined, apiclient.EventAgentMessage, apiclient.EventAgentMessage,
		apiclient.EventAgentMessage, apiclient.EventResolved}
	if got := apitest.Types(evs); !slices.Equal(got, want) {
		t.Fatalf("callbacks = %v, want %v", got, want)
	}
	var texts []string
	for _, ev := range evs[2:5] {
		texts = append(texts, ev.Message.Text)
	}
	if !slices.Equal(texts, []string{"one", "two", "three"}) {
		t.Errorf("replies arrived as %v", texts)
	}
	attempts := e.Receiver.Attempts()
	if attempts != len(want)+3 {
		t.Errorf("%d attempts, want %d (each event once, plus the 3 refused tries)", attempts, len(want)+3)
	}
}

// Cancelling a pending handoff abandons it and tells the bot; cancelling
// again answers the same; once an agent joined, or after resolve, a cancel
// is refused with 409.
func TestCancelPendingHandoff(t *testing.T) {
	e := apitest.New(t, apitest.Options{})
	h := e.Start("cancel-1", "")
	got, err := e.Shop.CancelHandoff(e.Ctx, "cancel-1")
	if err != nil || got.ID != h.ID || got.State != "abandoned" || got.ClosedAt == nil {
		t.Fatalf("cancel = %+v, %v", got, err)
	}
	evs := e.WaitType("cancel-1", apiclient.EventAbandoned)
	if last := evs[len(evs)-1]; last.BotPaused == nil || *last.BotPaused {
		t.Errorf("abandoned callback = %+v, want the bot to resume", last)
	}
	if again, err := e.Shop.CancelHandoff(e.Ctx, "cancel-1"); err != nil || again.State != "abandoned" {
		t.Errorf("second cancel = %+v, %v", again, err)
	}
	conv, err := e.Shop.Conversation(e.Ctx, "cancel-1")
	if err != nil || conv.BotPaused || conv.Handoff.State != "abandoned" {
		t.Errorf("conversation = %+v, %v", conv, err)
	}
}
