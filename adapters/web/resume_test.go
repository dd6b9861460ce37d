package web_test

import (
	"fmt"
	"testing"

	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// A widget that loses its connection while the agent writes gets, on
// reconnect, exactly the messages it missed, once each and in order, in the
// same conversation.
func TestResumeAfterDisconnectCatchesUpExactlyOnce(t *testing.T) {
	e := newEnv(t)
	c := e.dial(webfake.Options{})
	welcome, _ := c.Welcome()
	if welcome.Token == "" || welcome.Session == "" || welcome.Resumed {
		t.Fatalf("welcome of a new session = %+v", welcome)
	}
	if _, err := c.Say(e.ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitFor(e.ctx, "AI answer", hasMessage(textIs("You said: hello"))); err != nil {
		t.Fatal(err)
	}
	thread := e.requestHuman(c)
	seen := c.LastID()
	c.Drop() // the network goes away

	e.agent(bridge.AgentAction{Agent: anaRef, ThreadID: thread, Action: bridge.ActJoin})
	var sent []bridge.MessageID
	for i := 1; i <= 3; i++ {
		out := e.agent(bridge.AgentMessage{Agent: anaRef, ThreadID: thread, PlatformID: fmt.Sprint("p", i), Text: fmt.Sprintf("answer %d", i)})
		sent = append(sent, out.Message)
	}
	e.agent(bridge.AgentMessage{Agent: anaRef, ThreadID: thread, PlatformID: "note", Text: "// internal: do not show"})
	// Wait until the outbox has delivered everything to the (absent) widget,
	// so that catch-up comes from the store, not from a live push.
	if _, err := e.ws.WaitFor(e.ctx, "the note marked", func(ops []bridgetestOp) bool { return bridgetest.CountKind(ops, "note") >= 1 }); err != nil {
		t.Fatal(err)
	}

	again := e.dial(webfake.Options{Token: welcome.Token, LastID: seen})
	w2, _ := again.Welcome()
	if !w2.Resumed || w2.Session != welcome.Session {
		t.Fatalf("reconnect welcome = %+v, want session %s resumed", w2, welcome.Session)
	}
	frames, err := again.WaitFor(e.ctx, "the three answers", hasMessage(textIs("answer 3")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	count := map[int64]int{}
	var last int64
	for _, f := range frames {
		if f.Type != "message" {
			continue
		}
		count[f.ID]++
		if f.ID <= seen {
			t.Errorf("message %d (%q) was seen before the disconnect but sent again", f.ID, f.Text)
		}
		if f.ID < last {
			t.Errorf("message %d came after %d: out of order", f.ID, last)
		}
		last = f.ID
		got = append(got, f.Text)
	}
	for id, n := range count {
		if n != 1 {
			t.Errorf("message %d sent %d times", id, n)
		}
	}
	want := []string{"Ana has joined the conversation.", "answer 1", "answer 2", "answer 3"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("caught up %q, want %q", got, want)
	}
	if bridge.MessageID(last) != sent[2] {
		t.Errorf("last id %d, want the stored id %d", last, sent[2])
	}
	state := frames[len(frames)-1]
	for _, f := range frames {
		if f.Type == "state" {
			state = f
		}
	}
	if state.Handoff != "active" || state.Agent != "Ana" {
		t.Errorf("state after catch-up = %+v, want active with Ana", state)
	}

	// Live again: the next reply is pushed, once.
	out := e.agent(bridge.AgentMessage{Agent: anaRef, ThreadID: thread, PlatformID: "p4", Text: "answer 4"})
	frames, err = again.WaitFor(e.ctx, "live answer", hasMessage(textIs("answer 4")))
	if err != nil {
		t.Fatal(err)
	}
	if m := webfake.Messages(frames); m[len(m)-1].ID != int64(out.Message) || m[len(m)-1].Author != "Ana" {
		t.Errorf("live push = %+v, want id %d by Ana", m[len(m)-1], out.Message)
	}
}

// A new tab (the same token, nothing seen) gets the whole conversation,
// including the user's own messages, and both tabs get what comes next.
func TestSecondTabResumesTheSameConversation(t *testing.T) {
	e := newEnv(t)
	first := e.dial(webfake.Options{})
	welcome, _ := first.Welcome()
	if _, err := first.Say(e.ctx, "hello"); err != nil {
		t.Fatal(err)
	}
	if _, err := first.WaitFor(e.ctx, "answer", hasMessage(textIs("You said: hello"))); err != nil {
		t.Fatal(err)
	}
	second := e.dial(webfake.Options{Token: welcome.Token})
	got := webfake.Messages(second.Frames())
	if len(got) != 2 || got[0].Role != "user" || got[0].Text != "hello" || got[1].Text != "You said: hello" {
		t.Fatalf("second tab history = %+v", got)
	}
	if _, err := second.Say(e.ctx, "from tab two"); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*webfake.Client{"first": first, "second": second} {
		if _, err := c.WaitFor(e.ctx, name+" tab sees both", hasMessage(textIs("You said: from tab two"))); err != nil {
			t.Fatal(err)
		}
		if _, err := c.WaitFor(e.ctx, name+" tab sees the user's message", hasMessage(func(f webfake.Frame) bool {
			return f.Role == "user" && f.Text == "from tab two"
		})); err != nil {
			t.Fatal(err)
		}
	}
}

// A message resent after a lost acknowledgement (same client id) is stored
// once.
func TestResentMessageIsStoredOnce(t *testing.T) {
	e := newEnv(t)
	c := e.dial(webfake.Options{})
	if err := c.SayAs(e.ctx, "same-id", "hello"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitFor(e.ctx, "answer", hasMessage(textIs("You said: hello"))); err != nil {
		t.Fatal(err)
	}
	if err := c.SayAs(e.ctx, "same-id", "hello"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitFor(e.ctx, "ack of the resend", hasType("ack")); err != nil {
		t.Fatal(err)
	}
	welcome, _ := c.Welcome()
	fresh := e.dial(webfake.Options{Token: welcome.Token})
	got := webfake.Messages(fresh.Frames())
	if len(got) != 2 {
		t.Errorf("history after a resend has %d messages, want 2: %+v", len(got), got)
	}
	// The catch-up names the user's message by the id the tab gave it, so
	// a tab still holding it as unsent can settle it.
	if len(got) > 0 && got[0].ClientID != "same-id" {
		t.Errorf("caught-up user message has client id %q, want same-id", got[0].ClientID)
	}
}
