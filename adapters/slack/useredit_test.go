package slack_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/slack/slackfake"
	"github.com/handoffbridge/handoff/bridge"
)

// TestUserEditsChangeThePost: a user's edit rewrites their relayed post in
// the Slack thread with chat.update (marked edited), a deletion leaves only
// a line saying so, and nothing new is posted for either.
func TestUserEditsChangeThePost(t *testing.T) {
	e := newEnv(t, envOptions{})
	_, root := e.requestThread("u-edit")
	addr := bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "u-edit"}
	e.userSays("u-edit", "my order is 4211")
	seq := msgSeq
	var post slackfake.Message
	e.waitFake("the user's post", func() bool {
		for _, m := range e.fake.Replies(channel, root) {
			if strings.Contains(texts(m), "4211") {
				post = m
				return true
			}
		}
		return false
	})
	replies := len(e.fake.Replies(channel, root))

	edit := func(ev bridge.UserEdit) {
		t.Helper()
		ev.Address, ev.PlatformID = addr, "m"+strconv.Itoa(seq)
		if out, err := e.engine.Handle(e.ctx, ev); err != nil || !out.Relayed {
			t.Fatalf("user edit %+v: %+v, %v", ev, out, err)
		}
	}
	edit(bridge.UserEdit{Text: "my order is 4221"})
	e.waitFake("the post edited", func() bool {
		m, _ := e.fake.Message(channel, post.TS)
		return m.Updates == 1 && strings.Contains(texts(m), "my order is 4221") && strings.Contains(texts(m), "(edited)")
	})
	edit(bridge.UserEdit{Deleted: true})
	e.waitFake("the post withdrawn", func() bool {
		m, _ := e.fake.Message(channel, post.TS)
		return m.Updates == 2 && strings.Contains(texts(m), "deleted this message") && !strings.Contains(texts(m), "4221")
	})
	if n := len(e.fake.Replies(channel, root)); n != replies {
		t.Errorf("the thread has %d replies after the edits, want still %d", n, replies)
	}
}
