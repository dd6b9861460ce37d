package web_test

import (
	"testing"

	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/bridge"
)

// TestRepeatedSendReachesTabOnce: the outbox sends a message again when
// its first Send failed after the tabs here had it (telling the other
// replicas failed); an open tab shows it once.
func TestRepeatedSendReachesTabOnce(t *testing.T) {
	e := newEnv(t)
	c := e.dial(webfake.Options{})
	welcome, _ := c.Welcome()
	to := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: welcome.Session}
	send := func(id bridge.MessageID, text string) {
		t.Helper()
		m := bridge.OutgoingMessage{MessageID: id, Role: bridge.RoleAgent, Author: "Ana", Text: text}
		if _, err := e.widget.Send(e.ctx, to, m); err != nil {
			t.Fatal(err)
		}
	}
	send(101, "first")
	send(101, "first")
	send(102, "second")
	frames, err := c.WaitFor(e.ctx, "the second message", hasMessage(textIs("second")))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range frames { // as sent: webfake.Messages drops repeats
		if f.Type == "message" && f.ID == 101 {
			n++
		}
	}
	if n != 1 {
		t.Errorf("message 101, sent twice, reached the tab %d times; want once", n)
	}
}
