package bridge_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// A restart in the middle loses no outbox entry and no timer: the workspace
// is down when the handoff starts, the process restarts, and the thread, the
// history and the SLA fallback all still happen, once.
func TestRestartKeepsOutboxAndTimers(t *testing.T) {
	h := newHarness(t)
	down := errors.New("503 service unavailable")
	h.slack.FailNext(down) // the first attempt to open the thread fails
	hid := h.say(webUser, "1", "talk to a human").Handoff
	waitText(t, h.web, webUser.ChatID, "in the queue")
	// Wait until the failed attempt is recorded and its retry timer armed.
	if err := h.clock.WaitTimer(h.ctx, t0.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}

	h.restart()
	if h.slack.ThreadOf(hid) != "" {
		t.Fatal("thread opened although the workspace was down")
	}
	// The retry is due after its backoff: the restarted engine finds it.
	if err := h.clock.WaitTimer(h.ctx, t0.Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(2 * time.Second)
	thread := h.thread(hid)
	if n := bridgetest.CountKind(h.slack.Ops(), "open"); n != 1 {
		t.Fatalf("thread opened %d times", n)
	}

	// The SLA deadline set before the restart fires after another restart.
	h.restart()
	if err := h.clock.WaitTimer(h.ctx, t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(3 * time.Minute)
	waitText(t, h.web, webUser.ChatID, "What is your name?")
	if got := h.handoff(hid); got.State != bridge.StateFallback {
		t.Fatalf("state = %s", got.State)
	}
	ops, _ := h.slack.WaitFor(h.ctx, "fallback line", func(ops []bridgetest.ThreadOp) bool {
		for _, p := range bridgetest.Posts(ops, thread) {
			if strings.Contains(p.Text, "Nobody joined in time") {
				return true
			}
		}
		return false
	})
	fallbacks := 0
	for _, p := range bridgetest.Posts(ops, thread) {
		if strings.Contains(p.Text, "Nobody joined in time") {
			fallbacks++
		}
	}
	if fallbacks != 1 {
		t.Fatalf("the SLA timer fired %d times", fallbacks)
	}
}

// A deadline that passed while the bridge was down fires at start.
func TestDeadlinePassedWhileDown(t *testing.T) {
	h := newHarness(t)
	hid := h.say(webUser, "1", "talk to a human").Handoff
	h.thread(hid)
	h.shutdown()
	h.clock.Advance(10 * time.Minute)
	h.start()
	waitText(t, h.web, webUser.ChatID, "What is your name?")
}

func TestDeliveryRetriesAndFailures(t *testing.T) {
	h := newHarness(t)
	hid := h.say(webUser, "1", "talk to a human").Handoff
	thread := h.thread(hid)
	if err := h.act("U-ANA", hid, bridge.ActJoin); err != nil {
		t.Fatal(err)
	}
	waitText(t, h.web, webUser.ChatID, "has joined")

	// 429 with Retry-After: the same message goes out once, after the wait,
	// and the next one keeps its place behind it.
	h.web.FailNext(&bridge.RetryAfterError{After: 30 * time.Second, Err: errors.New("429")})
	h.reply("U-ANA", thread, "r1", "first")
	h.reply("U-ANA", thread, "r2", "second")
	if err := h.clock.WaitTimer(h.ctx, h.clock.Now().Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, d := range h.web.To(webUser.ChatID) {
		if d.Message.Text == "second" {
			t.Fatal("a later message overtook one waiting for its retry")
		}
	}
	h.clock.Advance(30 * time.Second)
	ds, err := h.web.WaitFor(h.ctx, webUser.ChatID, "both replies", func(ds []bridgetest.Delivery) bool {
		return bridgetest.Last(ds).Message.Text == "second"
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		if d.Message.Role == bridge.RoleAgent {
			got = append(got, d.Message.Text)
		}
	}
	if strings.Join(got, ",") != "first,second" {
		t.Fatalf("agent messages delivered = %v, want first,second once each", got)
	}

	// A permanent failure stops retrying and is reported in the thread.
	h.web.FailNext(bridge.Permanent(errors.New("403 bot was blocked by the user")))
	h.reply("U-ANA", thread, "r3", "are you there?")
	_, err = h.slack.WaitFor(h.ctx, "failure note", func(ops []bridgetest.ThreadOp) bool {
		for _, p := range bridgetest.Posts(ops, thread) {
			if strings.Contains(p.Text, "could not be delivered") && strings.Contains(p.Text, "blocked") {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatal(err)
	}

	// A failing notifier does not stall the user's messages: the resolve
	// notice reaches the user while the notification waits for its retry.
	h.ops.FailNext(errors.New("smtp down"))
	if err := h.act("U-ANA", hid, bridge.ActResolve); err != nil {
		t.Fatal(err)
	}
	waitText(t, h.web, webUser.ChatID, "has closed this conversation")
	if err := h.clock.WaitTimer(h.ctx, h.clock.Now().Add(2*time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, n := range h.ops.All() {
		if n.Event == bridge.EventResolved {
			t.Fatal("the failed notification was counted as delivered")
		}
	}
	h.clock.Advance(2 * time.Second)
	notes, err := h.ops.WaitFor(h.ctx, "resolved after retry", func(n []bridge.Notification) bool {
		return bridgetest.Last(n).Event == bridge.EventResolved
	})
	if err != nil {
		t.Fatal(err)
	}
	resolved := 0
	for _, n := range notes {
		if n.Event == bridge.EventResolved {
			resolved++
		}
	}
	if resolved != 1 {
		t.Fatalf("resolved notified %d times", resolved)
	}
}

// A crash between storing a user's message and storing the AI's answer
// leaves the message marked as awaiting; the next start answers it, once.
func TestUnansweredMessageAnsweredAfterRestart(t *testing.T) {
	h := newHarness(t)
	h.shutdown()
	st, err := sqlite.Open(h.ctx, h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	// What the first transaction of a user message leaves behind.
	err = st.Update(h.ctx, func(tx bridge.Tx) error {
		c := &bridge.Conversation{Address: webUser, User: bridge.User{DisplayName: "Uma"}}
		if err := tx.CreateConversation(h.ctx, c); err != nil {
			return err
		}
		m := &bridge.Message{ConversationID: c.ID, Role: bridge.RoleUser, Text: "hello, anyone?", Source: "web", PlatformID: "m1"}
		if err := tx.AddMessage(h.ctx, m); err != nil {
			return err
		}
		c.Awaiting = m.ID
		return tx.UpdateConversation(h.ctx, c)
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	h.start()
	waitText(t, h.web, webUser.ChatID, "Hi there!")
	h.restart()
	// A later message is answered normally; the old one is not answered twice.
	h.say(webUser, "m2", "unknown thing")
	waitText(t, h.web, webUser.ChatID, "Sorry, I don't know")
	n := 0
	for _, d := range h.web.To(webUser.ChatID) {
		if d.Message.Text == "Hi there!" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the recovered answer was sent %d times", n)
	}
}

// Thread posts queued behind a rate-limited one go out together, in order,
// once each: a busy thread catches up instead of falling further behind.
func TestBackedUpThreadPostsAreMerged(t *testing.T) {
	h := newHarness(t)
	hid := h.say(webUser, "1", "talk to a human").Handoff
	thread := h.thread(hid)
	if err := h.act("U-ANA", hid, bridge.ActJoin); err != nil {
		t.Fatal(err)
	}
	h.slack.WaitFor(h.ctx, "joined line", func(ops []bridgetest.ThreadOp) bool {
		return strings.Contains(bridgetest.Last(bridgetest.Posts(ops, thread)).Text, "joined")
	})
	before := len(h.slack.Ops())
	h.slack.FailNext(&bridge.RetryAfterError{After: 30 * time.Second, Err: errors.New("429 ratelimited")})
	h.say(webUser, "2", "first")
	if err := h.clock.WaitTimer(h.ctx, h.clock.Now().Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	h.say(webUser, "3", "second")
	h.say(webUser, "4", "third")
	h.clock.Advance(30 * time.Second)
	ops, err := h.slack.WaitFor(h.ctx, "the backlog", func(ops []bridgetest.ThreadOp) bool {
		return bridgetest.Last(bridgetest.Posts(ops, thread)).Text == "third"
	})
	if err != nil {
		t.Fatal(err)
	}
	var calls [][]string
	for _, op := range ops[before:] {
		if op.Kind == "post" {
			var texts []string
			for _, p := range op.Posts {
				texts = append(texts, p.Text)
			}
			calls = append(calls, texts)
		}
	}
	if len(calls) != 1 || strings.Join(calls[0], ",") != "first,second,third" {
		t.Fatalf("thread posts after the 429 = %q, want one post of first,second,third", calls)
	}
}
