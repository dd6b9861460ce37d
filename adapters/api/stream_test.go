package api_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/handoffbridge/handoff/adapters/api/apiclient"
	"github.com/handoffbridge/handoff/adapters/api/apitest"
)

// A bot without a callback URL follows the conversation on the event
// stream: it starts with the state, then gets the handoff's events and the
// agent's replies as they are delivered.
func TestStreamForBotsWithoutCallbacks(t *testing.T) {
	e := apitest.New(t, apitest.Options{})
	const id = "sse-1"
	if _, _, err := e.Other.UpsertConversation(e.Ctx, apiclient.ConversationInput{ExternalID: id}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.Ctx)
	events := make(chan apiclient.Event, 64)
	done := make(chan error, 1)
	go func() {
		done <- e.Other.Stream(ctx, id, func(ev apiclient.Event) error {
			events <- ev
			return nil
		})
	}()
	next := func(what string) apiclient.Event {
		t.Helper()
		select {
		case ev := <-events:
			data, _ := json.Marshal(ev)
			apitest.CheckEvent(t, e.Doc, data)
			return ev
		case err := <-done:
			t.Fatalf("stream ended before %s: %v", what, err)
		case <-e.Ctx.Done():
			t.Fatalf("no %s on the stream", what)
		}
		return apiclient.Event{}
	}
	if ev := next("the state"); ev.Type != apiclient.EventState || ev.Conversation == nil || ev.Conversation.ID != id || ev.Conversation.BotPaused {
		t.Fatalf("first event = %+v", ev)
	}
	h, _, err := e.Other.RequestHandoff(e.Ctx, id, apiclient.HandoffInput{})
	if err != nil {
		t.Fatal(err)
	}
	if ev := next("pending"); ev.Type != apiclient.EventPending || ev.HandoffID != h.ID {
		t.Fatalf("event = %+v, want pending", ev)
	}
	root := e.Thread(apitest.SupportChannel, h.ID)
	e.Click(apitest.SupportChannel, root, "handoff_join", h.ID)
	if ev := next("joined"); ev.Type != apiclient.EventJoined || ev.Agent == nil {
		t.Fatalf("event = %+v, want joined", ev)
	}
	e.AgentSays(apitest.SupportChannel, root, "Hi from the stream")
	if ev := next("the reply"); ev.Type != apiclient.EventAgentMessage || ev.Message.Plain != "Hi from the stream" {
		t.Fatalf("event = %+v, want the reply", ev)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("stream ended with %v", err)
	}
}
