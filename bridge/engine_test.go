package bridge_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

var webUser = bridge.ChatAddress{Channel: bridge.ChannelWeb, ChatID: "session-1"}

// The whole handoff flow on the widget: topic → offer → accept → pending →
// join → relay both ways (owner only, notes internal) → resolve → AI again.
func TestHandoffLifecycle(t *testing.T) {
	h := newHarness(t)

	if out := h.say(webUser, "m1", "hello"); out.Handoff != 0 {
		t.Fatalf("a greeting started handoff %d", out.Handoff)
	}
	waitText(t, h.web, webUser.ChatID, "Hi there!")

	h.say(webUser, "m2", "What is your PRICING for 10 seats?")
	offer := waitText(t, h.web, webUser.ChatID, "Would you like to talk")
	if offer.Kind != "offer" || len(offer.Offer.Choices) != 2 || offer.Offer.Choices[0].ID != bridge.ChoiceAccept {
		t.Fatalf("offer on a channel with buttons = %+v, want buttons accept/decline", offer)
	}

	out, err := h.engine.Handle(h.ctx, bridge.UserChoice{Address: webUser, Choice: bridge.ChoiceAccept, PlatformID: "click-1"})
	if err != nil || out.Handoff == 0 {
		t.Fatalf("accept: %+v, %v", out, err)
	}
	hid := out.Handoff
	waiting := waitText(t, h.web, webUser.ChatID, "number 1 in the queue")
	if waiting.Message.Notice != bridge.NoticeWaiting || waiting.Message.QueuePosition != 1 ||
		len(waiting.Message.Choices) != 1 || waiting.Message.Choices[0] != (bridge.Choice{ID: bridge.ChoiceCancel, Label: "Stop waiting"}) {
		t.Fatalf("waiting message = %+v", waiting.Message)
	}

	thread := h.thread(hid)
	ops := h.slack.Ops()
	card, _ := bridgetest.LastCard(ops, thread)
	if ops[0].Channel != "C-SALES" || card.Team != "sales" || card.Priority != bridge.PriorityHigh || card.State != bridge.StatePending || card.UserName != "Uma" {
		t.Fatalf("thread opened in %q with card %+v, want sales team channel, high priority, pending", ops[0].Channel, card)
	}
	history := bridgetest.Posts(ops, thread)
	var texts []string
	for _, p := range history {
		texts = append(texts, p.Text)
	}
	if !slices.Contains(texts, "hello") || !slices.Contains(texts, "Hi there!") || !slices.Contains(texts, "What is your PRICING for 10 seats?") {
		t.Fatalf("history in thread = %q, want the conversation so far", texts)
	}

	// The AI is silent while pending: the message goes to the thread only.
	before := len(h.web.To(webUser.ChatID))
	h.say(webUser, "m3", "hello? anyone?")
	h.slack.WaitFor(h.ctx, "user message in thread", func(ops []bridgetest.ThreadOp) bool {
		posts := bridgetest.Posts(ops, thread)
		return bridgetest.Last(posts).Text == "hello? anyone?"
	})

	if err := h.act("U-ANA", hid, bridge.ActJoin); err != nil {
		t.Fatalf("Ana joins: %v", err)
	}
	joined := waitText(t, h.web, webUser.ChatID, "Ana S. has joined")
	if joined.Message.Notice != bridge.NoticeJoined {
		t.Fatalf("joined notice = %+v", joined.Message)
	}
	for _, d := range h.web.To(webUser.ChatID)[before:] {
		if d.Message.Role == bridge.RoleAI {
			t.Fatalf("the AI answered while a human was on the way: %+v", d.Message)
		}
	}

	// A second Join is told who owns it, privately.
	err = h.act("U-BOB", hid, bridge.ActJoin)
	var taken *bridge.AlreadyTakenError
	if !errors.As(err, &taken) || err.Error() != "already taken by Ana S." {
		t.Fatalf("Bob's join = %v, want already taken by Ana S.", err)
	}
	if tells := tellsTo(h.slack.Ops(), "U-BOB"); len(tells) != 1 || !strings.Contains(tells[0], "Already taken by Ana S.") {
		t.Fatalf("Bob was told %q", tells)
	}

	// Owner's reply reaches the user under the owner's name; notes don't.
	if out := h.reply("U-ANA", thread, "s1", "Hi, I'm **Ana**. How can I help?"); !out.Relayed {
		t.Fatal("owner's reply was not relayed")
	}
	d := waitText(t, h.web, webUser.ChatID, "I'm **Ana**")
	if d.Message.Author != "Ana S." || d.Message.Role != bridge.RoleAgent {
		t.Fatalf("agent reply delivered as %+v", d.Message)
	}
	if out := h.reply("U-ANA", thread, "s2", "// checking their invoice"); out.Relayed {
		t.Fatal("a note-prefixed reply was relayed")
	}
	if out := h.reply("U-BOB", thread, "s3", "I can take this one too"); out.Relayed {
		t.Fatal("a non-owner's reply was relayed")
	}
	h.slack.WaitFor(h.ctx, "both notes marked", func(ops []bridgetest.ThreadOp) bool { return bridgetest.CountKind(ops, "note") == 2 })

	h.say(webUser, "m4", "I need an invoice")
	h.slack.WaitFor(h.ctx, "user message relayed to thread", func(ops []bridgetest.ThreadOp) bool {
		posts := bridgetest.Posts(ops, thread)
		return bridgetest.Last(posts).Text == "I need an invoice"
	})

	if err := h.act("U-BOB", hid, bridge.ActResolve); !errors.Is(err, bridge.ErrNotOwner) {
		t.Fatalf("Bob resolving Ana's handoff = %v, want ErrNotOwner", err)
	}
	if err := h.act("U-ANA", hid, bridge.ActResolve); err != nil {
		t.Fatalf("Ana resolves: %v", err)
	}
	waitText(t, h.web, webUser.ChatID, "has closed this conversation")
	ops, _ = h.slack.WaitFor(h.ctx, "resolved card", func(ops []bridgetest.ThreadOp) bool {
		c, _ := bridgetest.LastCard(ops, thread)
		return c.State == bridge.StateResolved
	})
	if c, _ := bridgetest.LastCard(ops, thread); c.OwnerName != "Ana S." {
		t.Fatalf("resolved card owner = %q", c.OwnerName)
	}

	h.say(webUser, "m5", "hello again")
	waitText(t, h.web, webUser.ChatID, "Hi there!")
	var delivered []string
	for _, d := range h.web.To(webUser.ChatID) {
		delivered = append(delivered, d.Message.Text)
	}
	for _, secret := range []string{"// checking their invoice", "I can take this one too"} {
		if slices.Contains(delivered, secret) {
			t.Fatalf("internal note %q reached the user", secret)
		}
	}

	// Every event reached the notifier once, in order.
	notes, _ := h.ops.WaitFor(h.ctx, "four notifications", func(n []bridge.Notification) bool { return len(n) >= 3 })
	var kinds []bridge.HandoffEventKind
	for _, n := range notes {
		kinds = append(kinds, n.Event)
	}
	want := []bridge.HandoffEventKind{bridge.EventRequested, bridge.EventJoined, bridge.EventResolved}
	if !slices.Equal(kinds, want) {
		t.Fatalf("notifications = %v, want %v", kinds, want)
	}

	// The timeline records who did what, from which state to which.
	var events []bridge.HandoffEvent
	h.store.View(h.ctx, func(tx bridge.Tx) error {
		var err error
		events, err = tx.HandoffEvents(h.ctx, hid)
		return err
	})
	var timeline []string
	for _, ev := range events {
		timeline = append(timeline, fmt.Sprintf("%s %s %s->%s", ev.Actor, ev.Kind, ev.From, ev.To))
	}
	wantTimeline := []string{"user handoff.requested ->pending", "ana handoff.joined pending->active", "ana handoff.resolved active->resolved"}
	if !slices.Equal(timeline, wantTimeline) {
		t.Fatalf("timeline = %q, want %q", timeline, wantTimeline)
	}

	// A new handoff after resolve links the previous one.
	out2 := h.say(webUser, "m6", "can I talk to a human again?")
	if out2.Handoff == 0 || out2.Handoff == hid {
		t.Fatalf("second handoff = %d", out2.Handoff)
	}
	if got := h.handoff(out2.Handoff); got.Previous != hid || got.Team != "support" {
		t.Fatalf("second handoff previous=%d team=%s, want %d support", got.Previous, got.Team, hid)
	}
}

func tellsTo(ops []bridgetest.ThreadOp, agent string) []string {
	var out []string
	for _, op := range ops {
		if op.Kind == "tell" && op.AgentRef == agent {
			out = append(out, op.Text)
		}
	}
	return out
}

// On a channel without buttons the offer is text and a typed yes accepts.
func TestTypedOfferOnTextChannel(t *testing.T) {
	h := newHarness(t)
	tg := bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: "42"}
	h.say(tg, "1", "I want to speak to a lawyer")
	d := waitText(t, h.tg, "42", "Reply yes or no.")
	if d.Kind != "message" {
		t.Fatalf("offer on a text channel = %+v", d)
	}
	out := h.say(tg, "2", "Yes!")
	if out.Handoff == 0 {
		t.Fatal("typed yes did not start a handoff")
	}
	got := h.handoff(out.Handoff)
	if got.Team != "support" || got.Priority != bridge.PriorityUrgent || got.Trigger != "sensitive" {
		t.Fatalf("sensitive topic routed to %+v", got)
	}
	waitText(t, h.tg, "42", "number 1 in the queue")
}

func TestTypedNoDeclines(t *testing.T) {
	h := newHarness(t)
	tg := bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: "43"}
	h.say(tg, "1", "enterprise plan?")
	waitText(t, h.tg, "43", "Reply yes or no.")
	if out := h.say(tg, "2", "no thanks"); out.Handoff != 0 {
		t.Fatal("a typed no started a handoff")
	}
	waitText(t, h.tg, "43", "No problem")
}

func TestDirectTriggerAccentAndLanguageInsensitive(t *testing.T) {
	h := newHarness(t)
	out := h.say(webUser, "1", "Je veux PARLER a un humain, svp!")
	if out.Handoff == 0 {
		t.Fatal("a French request without its accent did not hand off")
	}
	if got := h.handoff(out.Handoff); got.Trigger != "human" || got.State != bridge.StatePending {
		t.Fatalf("handoff = %+v", got)
	}
}

func TestSameInboundIDTwiceIsOneMessage(t *testing.T) {
	h := newHarness(t)
	first := h.say(webUser, "dup-1", "hello")
	second := h.say(webUser, "dup-1", "hello")
	if first.Duplicate || !second.Duplicate {
		t.Fatalf("duplicate flags = %v, %v", first.Duplicate, second.Duplicate)
	}
	waitText(t, h.web, webUser.ChatID, "Hi there!")
	msgs := h.messages(first.Conversation)
	users := 0
	for _, m := range msgs {
		if m.Role == bridge.RoleUser {
			users++
		}
	}
	if users != 1 || len(msgs) != 2 {
		t.Fatalf("stored %d messages (%d from the user), want 2 (1)", len(msgs), users)
	}

	// Agent replies are de-duplicated by the workspace's message id too.
	hid := h.say(webUser, "dup-2", "talk to a human").Handoff
	thread := h.thread(hid)
	if err := h.act("U-ANA", hid, bridge.ActJoin); err != nil {
		t.Fatal(err)
	}
	h.reply("U-ANA", thread, "s-1", "hi")
	if out := h.reply("U-ANA", thread, "s-1", "hi"); !out.Duplicate {
		t.Fatal("a redelivered agent reply was not flagged duplicate")
	}
}

func TestDisabledModuleNeverOffers(t *testing.T) {
	h := newHarness(t, func(s *bridge.Settings) { s.Enabled = false })
	if out := h.say(webUser, "1", "talk to a human"); out.Handoff != 0 {
		t.Fatal("handoff started with the module disabled")
	}
	waitText(t, h.web, webUser.ChatID, "I can help with that.")
	h.say(webUser, "2", "something vague")
	d := waitText(t, h.web, webUser.ChatID, "Maybe this?")
	if d.Kind == "offer" {
		t.Fatal("an offer was shown with the module disabled")
	}
}
