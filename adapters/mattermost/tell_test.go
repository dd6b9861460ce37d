package mattermost_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/handoffbridge/handoff/adapters/mattermost/mattermostfake"
	"github.com/handoffbridge/handoff/bridge"
)

// Telling an agent something outside a click is an ephemeral post in the
// thread; a bot without the permission for those mentions the agent in
// the thread instead, so the message is not lost.
func TestTellAgentOutsideAClick(t *testing.T) {
	for _, noEphemeral := range []bool{false, true} {
		e := newEnv(t, mattermostfake.Options{NoEphemeral: noEphemeral})
		_, root := e.requestThread("w1")
		ref := bridge.ThreadRef{Workspace: bridge.WorkspaceMattermost, Channel: channel, ThreadID: root}
		if err := e.ws.TellAgent(e.ctx, ref, bobID, "Your reply could not be delivered."); err != nil {
			t.Fatalf("noEphemeral=%v: %v", noEphemeral, err)
		}
		eph := e.mm.Ephemerals()
		switch {
		case !noEphemeral && (len(eph) != 1 || eph[0].UserID != bobID || eph[0].RootID != root):
			t.Errorf("ephemerals = %+v, want one to Bob in the thread", eph)
		case noEphemeral && (len(eph) != 0 || !strings.Contains(e.threadText(root), "@bob Your reply could not be delivered.")):
			t.Errorf("without ephemerals: %+v, thread:\n%s", eph, e.threadText(root))
		}
	}
}

// A user's message longer than a Mattermost post reaches the thread whole,
// over several posts, none over the server's limit.
func TestLongMessageSplit(t *testing.T) {
	e := newEnv(t, mattermostfake.Options{})
	const chat = "w1"
	_, root := e.requestThread(chat)
	e.click(anaID, root, "join")
	long := strings.Repeat("lorem ipsum dolor sit amet ", 1500) + "THE END"
	e.userSays(chat, long)
	e.waitFake("the long message's end in the thread", func() bool { return strings.Contains(e.threadText(root), "THE END") })
	n := 0
	for _, p := range e.mm.Replies(channel, root) {
		if utf8.RuneCountInString(p.Message) > 16383 {
			t.Errorf("a post of %d characters", utf8.RuneCountInString(p.Message))
		}
		n += strings.Count(p.Message, "lorem ipsum")
	}
	if n != 1500 {
		t.Errorf("%d of 1500 pieces reached the thread", n)
	}
}
