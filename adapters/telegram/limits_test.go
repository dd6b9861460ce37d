package telegram_test

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/telegram"
	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// userLines lists the user posts of a thread whose text starts with prefix.
func userLines(ops []bridgetest.ThreadOp, thread, prefix string) []string {
	var out []string
	for _, p := range bridgetest.Posts(ops, thread) {
		if p.Role == bridge.RoleUser && strings.HasPrefix(p.Text, prefix) {
			out = append(out, p.Text)
		}
	}
	return out
}

// TestRestartResumesOffset: updates sent before, during and after a restart
// reach the thread once each, in order, and the stored offset confirms the
// last one.
func TestRestartResumesOffset(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	r := newRig(t, fo)
	dan := telegramfake.User{ID: 5005, FirstName: "Dan"}
	r.fake.UserSays(dan, "talk to a human")
	ops := r.thread("thread", func(ops []bridgetest.ThreadOp) bool { _, ok := firstOpen(ops); return ok })
	open, _ := firstOpen(ops)
	var want []string
	say := func(i int) int {
		text := fmt.Sprintf("line %02d", i)
		want = append(want, text)
		u, _ := r.fake.UserSays(dan, text)
		return u
	}
	for i := 1; i <= 5; i++ {
		say(i)
	}
	r.thread("first lines", func(ops []bridgetest.ThreadOp) bool { return len(userLines(ops, open.Thread, "line")) >= 3 })
	r.shutdown()
	for i := 6; i <= 10; i++ {
		say(i) // arrive while the bridge is down
	}
	r.start()
	last := say(11)
	ops = r.thread("all lines", func(ops []bridgetest.ThreadOp) bool { return len(userLines(ops, open.Thread, "line")) >= len(want) })
	if got := userLines(ops, open.Thread, "line"); !slices.Equal(got, want) {
		t.Fatalf("thread got\n%q\nwant\n%q", got, want)
	}
	// The offset is stored after handling: wait for the last one to land.
	var cursor string
	if err := r.fake.WaitChange(t.Context(), func() bool {
		cursor, _ = r.engine.AdapterState("telegram").Get(t.Context(), telegram.OffsetKey)
		return cursor == strconv.Itoa(last+1)
	}); err != nil {
		t.Fatalf("stored offset %q, want %d", cursor, last+1)
	}
}

// TestWebhookSecret: a delivery with the wrong secret token is refused
// with 401 and nothing is processed; the right one is handled.
func TestWebhookSecret(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	r := newRig(t, fo, withWebhook("s3cret-token"))
	if err := r.fake.WaitChange(t.Context(), func() bool { u, _ := r.fake.Webhook(); return u != "" }); err != nil {
		t.Fatal("webhook never set")
	}
	url, secret := r.fake.Webhook()
	if url != r.web.URL+"/telegram/webhook" || secret != "s3cret-token" {
		t.Fatalf("webhook set to %q with secret %q", url, secret)
	}
	erin := telegramfake.User{ID: 6006, FirstName: "Erin"}
	r.fake.UserSays(erin, "talk to a human")
	for _, wrong := range []string{"", "s3cret-tokeN", "s3cret-token-and-more"} {
		if _, err := r.fake.DeliverTo(t.Context(), url, wrong); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("secret %q: delivery error %v, want 401", wrong, err)
		}
	}
	if r.fake.Pending() != 1 || len(r.slack.Ops()) != 0 || len(r.fake.Sent(erin.ID)) != 0 {
		t.Fatalf("a refused delivery was processed: pending %d, workspace %d ops", r.fake.Pending(), len(r.slack.Ops()))
	}
	if n, err := r.fake.DeliverWebhook(t.Context()); err != nil || n != 1 {
		t.Fatalf("delivery with the right secret: %d, %v", n, err)
	}
	r.thread("thread", func(ops []bridgetest.ThreadOp) bool { _, ok := firstOpen(ops); return ok })
}

// TestFloodControl: Telegram answers 429 to the first sends; every answer
// still arrives once, in order.
func TestFloodControl(t *testing.T) {
	r := newRig(t, telegramfake.Options{PerChat: 1000, PerChatBurst: 1000, Global: 1000, GlobalBurst: 1000})
	fay := telegramfake.User{ID: 7007, FirstName: "Fay"}
	r.fake.Throttle(fay.ID, 2)
	var want []string
	for i := 1; i <= 6; i++ {
		r.fake.UserSays(fay, fmt.Sprintf("echo %d", i))
		want = append(want, fmt.Sprintf("echo: %d", i))
	}
	sent, err := r.fake.WaitSent(t.Context(), fay.ID, "six answers", func(s []telegramfake.Sent) bool { return len(s) >= 6 })
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range sent {
		got = append(got, m.Visible)
	}
	if !slices.Equal(got, want) {
		t.Errorf("user got %q, want %q", got, want)
	}
	if st := r.fake.Stats(); st.TooMany != 2 {
		t.Errorf("fake answered %d 429s, want 2", st.TooMany)
	}
}

// TestBlockedUser: an agent's reply to a user who blocked the bot is not
// retried forever: the thread is told.
func TestBlockedUser(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	r := newRig(t, fo)
	gus := telegramfake.User{ID: 8008, FirstName: "Gus"}
	r.fake.UserSays(gus, "talk to a human")
	ops := r.thread("thread", func(ops []bridgetest.ThreadOp) bool { _, ok := firstOpen(ops); return ok })
	open, _ := firstOpen(ops)
	r.agent(bridge.AgentAction{Agent: ana, ThreadID: open.Thread, Action: bridge.ActJoin})
	r.waitVisible(gus.ID, "has joined")
	r.fake.Block(gus.ID)
	r.agent(bridge.AgentMessage{Agent: ana, ThreadID: open.Thread, PlatformID: "S9", Text: "are you there?"})
	r.thread("failure noted", func(ops []bridgetest.ThreadOp) bool {
		return len(postsContaining(ops, open.Thread, "bot was blocked by the user")) == 1
	})
	if st := r.fake.Stats(); st.Forbidden != 1 {
		t.Errorf("fake answered %d 403s, want exactly 1 (no retries)", st.Forbidden)
	}
}
