package bridge_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// 50 agents press Join at once: exactly one owns it, 49 are told who.
func TestJoinRace(t *testing.T) {
	const agents = 50
	h := newHarness(t, func(s *bridge.Settings) {
		s.Agents = nil
		for i := range agents {
			s.Agents = append(s.Agents, &bridge.Agent{ID: bridge.AgentID(fmt.Sprintf("a%d", i)), Name: fmt.Sprintf("Agent %d", i),
				Teams: []bridge.TeamID{"support"}, Identities: map[bridge.WorkspaceKind]string{bridge.WorkspaceSlack: fmt.Sprintf("U%d", i)}})
		}
	})
	hid := h.say(webUser, "1", "talk to a human").Handoff
	h.thread(hid)

	var wg sync.WaitGroup
	var won counter
	start := make(chan struct{})
	for i := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := h.engine.Handle(h.ctx, bridge.AgentAction{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack,
				UserID: fmt.Sprintf("U%d", i), DisplayName: fmt.Sprintf("Agent %d", i)}, Handoff: hid, Action: bridge.ActJoin})
			var taken *bridge.AlreadyTakenError
			switch {
			case err == nil:
				won.add("won")
			case errors.As(err, &taken):
				won.add("taken by " + taken.Name)
			default:
				won.add("error " + err.Error())
			}
		}()
	}
	close(start)
	wg.Wait()
	owner := h.handoff(hid)
	if won.n["won"] != 1 || won.n["taken by "+owner.OwnerName] != agents-1 || owner.State != bridge.StateActive {
		t.Fatalf("outcomes %v; handoff %s owned by %q", won.n, owner.State, owner.OwnerName)
	}
	joinedNotices := 0
	ds, _ := h.web.WaitFor(h.ctx, webUser.ChatID, "joined notice", func(ds []bridgetest.Delivery) bool {
		return bridgetest.Last(ds).Message.Notice == bridge.NoticeJoined
	})
	for _, d := range ds {
		if d.Message.Notice == bridge.NoticeJoined {
			joinedNotices++
		}
	}
	if joinedNotices != 1 {
		t.Fatalf("the user was told %d times that an agent joined", joinedNotices)
	}
}

func TestRejectSemantics(t *testing.T) {
	h := newHarness(t)
	hid := h.say(webUser, "1", "talk to a human").Handoff
	thread := h.thread(hid)

	// A decline while pending keeps it pending for the others.
	if err := h.act("U-BOB", hid, bridge.ActReject); err != nil {
		t.Fatal(err)
	}
	if got := h.handoff(hid); got.State != bridge.StatePending || len(got.Declined) != 1 || got.Declined[0] != "bob" {
		t.Fatalf("after decline: %s declined=%v", got.State, got.Declined)
	}
	h.slack.WaitFor(h.ctx, "decline shown", func(ops []bridgetest.ThreadOp) bool {
		posts := bridgetest.Posts(ops, thread)
		return strings.Contains(bridgetest.Last(posts).Text, "Bob declined")
	})
	if err := h.act("U-BOB", hid, bridge.ActReject); !errors.Is(err, bridge.ErrBadAction) {
		t.Fatalf("declining twice = %v", err)
	}

	// Ana joins, then hands it back: pending again, user told, team re-notified.
	if err := h.act("U-ANA", hid, bridge.ActJoin); err != nil {
		t.Fatal(err)
	}
	if err := h.act("U-BOB", hid, bridge.ActReject); !errors.Is(err, bridge.ErrNotOwner) {
		t.Fatalf("a non-owner rejecting an active handoff = %v", err)
	}
	if err := h.act("U-ANA", hid, bridge.ActReject); err != nil {
		t.Fatal(err)
	}
	got := h.handoff(hid)
	if got.State != bridge.StatePending || got.Owner != "" || got.Deadline.IsZero() {
		t.Fatalf("after owner's reject: %s owner=%q deadline=%v", got.State, got.Owner, got.Deadline)
	}
	d := waitText(t, h.web, webUser.ChatID, "had to step away")
	if d.Message.Notice != bridge.NoticeRequeued || !strings.Contains(d.Message.Text, "Ana S.") {
		t.Fatalf("requeued notice = %+v", d.Message)
	}
	n, _ := h.ops.WaitFor(h.ctx, "re-notified", func(n []bridge.Notification) bool {
		return len(n) >= 4
	})
	var kinds []string
	for _, x := range n {
		kinds = append(kinds, string(x.Event))
	}
	if strings.Join(kinds, ",") != "handoff.requested,handoff.rejected,handoff.joined,handoff.rejected" {
		t.Fatalf("notifications = %v", kinds)
	}
	// Bob may join now.
	if err := h.act("U-BOB", hid, bridge.ActJoin); err != nil {
		t.Fatalf("join after requeue: %v", err)
	}
}

func TestRefusalsChangeNothing(t *testing.T) {
	h := newHarness(t)
	hid := h.say(webUser, "1", "enterprise plan").Handoff // an offer: nothing yet
	if hid != 0 {
		t.Fatal("offer handed off")
	}
	out, _ := h.engine.Handle(h.ctx, bridge.UserChoice{Address: webUser, Choice: bridge.ChoiceAccept})
	hid = out.Handoff // sales team: Dave is support only
	h.thread(hid)
	tests := []struct {
		name   string
		agent  bridge.AgentRef
		action bridge.Action
		want   error
	}{
		{"unknown user", bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U-STRANGER"}, bridge.ActJoin, bridge.ErrNotAllowed},
		{"agent of another team", bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U-DAVE"}, bridge.ActJoin, bridge.ErrNotAllowed},
		{"right id, wrong workspace", bridge.AgentRef{Workspace: bridge.WorkspaceDiscord, UserID: "U-ANA"}, bridge.ActJoin, bridge.ErrNotAllowed},
		{"resolve while pending, not admin", bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U-ANA"}, bridge.ActResolve, bridge.ErrBadAction},
	}
	for _, tt := range tests {
		_, err := h.engine.Handle(h.ctx, bridge.AgentAction{Agent: tt.agent, Handoff: hid, Action: tt.action})
		if !errors.Is(err, tt.want) || !bridge.IsRefusal(err) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
		if got := h.handoff(hid); got.State != bridge.StatePending || got.Owner != "" {
			t.Fatalf("%s changed the handoff: %s %q", tt.name, got.State, got.Owner)
		}
	}
	if tells := tellsTo(h.slack.Ops(), "U-STRANGER"); len(tells) != 1 || !strings.Contains(tells[0], "Handoff permission") {
		t.Fatalf("the stranger was told %q", tells)
	}

	// A member of the team's role may act without being listed.
	role := bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U-ROLE", DisplayName: "Rita", Roles: []string{"R-SALES"}}
	if _, err := h.engine.Handle(h.ctx, bridge.AgentAction{Agent: role, Handoff: hid, Action: bridge.ActJoin}); err != nil {
		t.Fatalf("role member join: %v", err)
	}
	// An admin may resolve someone else's handoff.
	if err := h.act("U-CAROL", hid, bridge.ActResolve); err != nil {
		t.Fatalf("admin resolve: %v", err)
	}
	if err := h.act("U-ANA", hid, bridge.ActJoin); !errors.Is(err, bridge.ErrHandoffClosed) {
		t.Fatalf("joining a resolved handoff = %v", err)
	}
}

func TestDisabledModuleRefusesButtons(t *testing.T) {
	h := newHarness(t)
	hid := h.say(webUser, "1", "talk to a human").Handoff
	h.thread(hid)
	s := testSettings()
	s.Enabled = false
	h.engine.Apply(s)
	if err := h.act("U-ANA", hid, bridge.ActJoin); !errors.Is(err, bridge.ErrDisabled) {
		t.Fatalf("join with the module disabled = %v", err)
	}
}

func TestCancelWhilePending(t *testing.T) {
	h := newHarness(t)
	hid := h.say(webUser, "1", "talk to a human").Handoff
	thread := h.thread(hid)
	h.say(webUser, "2", "how do I cancel my plan?") // not a cancel: goes to the thread
	if got := h.handoff(hid); got.State != bridge.StatePending {
		t.Fatalf("a sentence containing cancel cancelled: %s", got.State)
	}
	h.say(webUser, "3", "Cancel!")
	d := waitText(t, h.web, webUser.ChatID, "no longer waiting")
	if d.Message.Notice != bridge.NoticeCancelled {
		t.Fatalf("notice = %q", d.Message.Notice)
	}
	if got := h.handoff(hid); got.State != bridge.StateAbandoned || got.ClosedAt.IsZero() {
		t.Fatalf("after cancel: %+v", got)
	}
	h.slack.WaitFor(h.ctx, "abandoned card", func(ops []bridgetest.ThreadOp) bool {
		c, _ := bridgetest.LastCard(ops, thread)
		return c.State == bridge.StateAbandoned
	})
	h.say(webUser, "4", "hello")
	waitText(t, h.web, webUser.ChatID, "Hi there!")

	// The cancel button works the same.
	hid2 := h.say(webUser, "5", "talk to a human").Handoff
	if _, err := h.engine.Handle(h.ctx, bridge.UserChoice{Address: webUser, Choice: bridge.ChoiceCancel}); err != nil {
		t.Fatal(err)
	}
	if got := h.handoff(hid2); got.State != bridge.StateAbandoned || got.Previous != hid {
		t.Fatalf("second handoff after cancel button: %s previous=%d", got.State, got.Previous)
	}
}

func TestAgentEditsReachTheUser(t *testing.T) {
	h := newHarness(t)
	for _, ch := range []struct {
		addr bridge.ChatAddress
		rich bool
	}{{webUser, true}, {bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: "9"}, false}} {
		hid := h.say(ch.addr, "1", "talk to a human").Handoff
		thread := h.thread(hid)
		if err := h.act("U-ANA", hid, bridge.ActJoin); err != nil {
			t.Fatal(err)
		}
		h.reply("U-ANA", thread, "s1-"+ch.addr.ChatID, "Your refund is 10 EUR")
		edit := bridge.AgentEdit{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U-ANA"}, ThreadID: thread, PlatformID: "s1-" + ch.addr.ChatID, Text: "Your refund is 12 EUR"}
		if _, err := h.engine.Handle(h.ctx, edit); err != nil {
			t.Fatal(err)
		}
		var last bridgetest.Delivery
		if ch.rich {
			ds, _ := h.web.WaitFor(h.ctx, ch.addr.ChatID, "edit", func(ds []bridgetest.Delivery) bool { return bridgetest.Last(ds).Kind == "edit" })
			last = bridgetest.Last(ds)
			orig := waitText(t, h.web, ch.addr.ChatID, "10 EUR")
			if last.PlatformID != orig.PlatformID || last.Message.Text != "Your refund is 12 EUR" {
				t.Fatalf("edit %+v of %+v", last, orig)
			}
		} else {
			last = waitText(t, h.tg, ch.addr.ChatID, "Correction:")
			if !strings.Contains(last.Message.Text, "12 EUR") {
				t.Fatalf("correction = %q", last.Message.Text)
			}
		}
		// Deletion: removed where possible, withdrawn otherwise.
		edit.Deleted = true
		if _, err := h.engine.Handle(h.ctx, edit); err != nil {
			t.Fatal(err)
		}
		if ch.rich {
			h.web.WaitFor(h.ctx, ch.addr.ChatID, "delete", func(ds []bridgetest.Delivery) bool { return bridgetest.Last(ds).Kind == "delete" })
		} else {
			waitText(t, h.tg, ch.addr.ChatID, "withdrew a message")
		}
	}
}

func TestTypingReachesUserFromOwnerOnly(t *testing.T) {
	h := newHarness(t)
	hid := h.say(webUser, "1", "talk to a human").Handoff
	thread := h.thread(hid)
	h.act("U-ANA", hid, bridge.ActJoin)
	for _, who := range []string{"U-BOB", "U-ANA"} {
		if _, err := h.engine.Handle(h.ctx, bridge.AgentTyping{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: who, DisplayName: displayOf(who)}, ThreadID: thread}); err != nil {
			t.Fatal(err)
		}
	}
	typing := 0
	for _, d := range h.web.To(webUser.ChatID) {
		if d.Kind == "typing" {
			typing++
			if d.Message.Author != "Ana S." {
				t.Fatalf("typing shown for %q", d.Message.Author)
			}
		}
	}
	if typing != 1 {
		t.Fatalf("typing shown %d times, want once (the owner's)", typing)
	}
}
