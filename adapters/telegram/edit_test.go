package telegram_test

import (
	"testing"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestUserEditReachesTheThread: a Telegram user's edit of a message they
// sent while waiting reaches the thread (this workspace cannot change a
// post, so as a marked correction), and the stored message has the new
// text; Telegram sending the same edit again changes nothing more.
func TestUserEditReachesTheThread(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	r := newRig(t, fo)
	cleo := telegramfake.User{ID: 3003, FirstName: "Cleo"}
	r.fake.UserSays(cleo, "talk to a human")
	ops := r.thread("thread opened", func(ops []bridgetest.ThreadOp) bool { _, ok := firstOpen(ops); return ok })
	open, _ := firstOpen(ops)
	_, id := r.fake.UserSays(cleo, "my order is 4211")
	r.thread("the message", func(ops []bridgetest.ThreadOp) bool { return len(postsContaining(ops, open.Thread, "4211")) > 0 })

	r.fake.UserEdits(cleo, id, "my order is 4221")
	r.fake.UserEdits(cleo, id, "my order is 4221")
	r.fake.UserSays(cleo, "thanks")
	ops = r.thread("the correction", func(ops []bridgetest.ThreadOp) bool { return len(postsContaining(ops, open.Thread, "thanks")) > 0 })
	if got := postsContaining(ops, open.Thread, "4221"); len(got) != 1 || got[0].Text != "✏️ Edited: my order is 4221" || got[0].Author != "Cleo" {
		t.Errorf("thread shows the edit as %+v, want one marked correction by Cleo", got)
	}
	var texts []string
	err := r.store.View(t.Context(), func(tx bridge.Tx) error {
		c, err := tx.ConversationByAddress(t.Context(), bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: "3003"})
		if err != nil {
			return err
		}
		ms, err := tx.Messages(t.Context(), c.ID, 0, 0)
		for _, m := range ms {
			if m.Role == bridge.RoleUser && !m.EditedAt.IsZero() {
				texts = append(texts, m.Text)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(texts) != 1 || texts[0] != "my order is 4221" {
		t.Errorf("edited messages in the history: %q, want the new text once", texts)
	}
}
