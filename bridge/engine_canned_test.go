package bridge_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

func withCannedReplies(s *bridge.Settings) {
	s.Teams["support"].CannedReplies = []bridge.CannedReply{
		{Name: "hello", Text: "Hi {user_name}, I'm {agent_name} from {team}."},
		{Name: "refund", Text: "Refunds take *5 days*."},
	}
}

func (h *harness) canned(agent string, hid bridge.HandoffID, name string) (bridge.Outcome, error) {
	return h.engine.Handle(h.ctx, bridge.AgentCannedReply{Agent: bridge.AgentRef{Workspace: bridge.WorkspaceSlack,
		UserID: agent, DisplayName: displayOf(agent)}, Handoff: hid, Name: name})
}

func TestCannedReplyReachesUserAndThread(t *testing.T) {
	h := newHarness(t, withCannedReplies)
	hid := h.say(webUser, "c1", "talk to a human").Handoff
	thread := h.thread(hid)
	if err := h.act("U-ANA", hid, bridge.ActJoin); err != nil {
		t.Fatal(err)
	}
	out, err := h.canned("U-ANA", hid, "HELLO")
	if err != nil || !out.Relayed {
		t.Fatalf("canned reply: %+v, %v", out, err)
	}
	want := "Hi Uma, I'm Ana S. from support."
	got := waitText(t, h.web, webUser.ChatID, want)
	if got.Message.Role != bridge.RoleAgent || got.Message.Author != "Ana S." {
		t.Fatalf("the user got %+v, want the agent's reply", got.Message)
	}
	h.slack.WaitFor(h.ctx, "the reply in the thread", func(ops []bridgetest.ThreadOp) bool {
		p := bridgetest.Last(bridgetest.Posts(ops, thread))
		return p.Text == want && p.Role == bridge.RoleAgent && p.Author == "Ana S."
	})
	msgs := h.messages(out.Conversation)
	if last := msgs[len(msgs)-1]; last.Text != want || last.Internal || last.AgentID != "ana" {
		t.Fatalf("stored %+v", last)
	}
}

func TestCannedReplyRefusals(t *testing.T) {
	h := newHarness(t, withCannedReplies)
	hid := h.say(webUser, "c1", "talk to a human").Handoff
	h.thread(hid)
	if _, err := h.canned("U-ANA", hid, "hello"); !errors.Is(err, bridge.ErrNotOwner) {
		t.Fatalf("canned reply while pending: %v, want ErrNotOwner", err)
	}
	if err := h.act("U-ANA", hid, bridge.ActJoin); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		agent, name string
		want        error
	}{
		{"U-BOB", "hello", bridge.ErrNotOwner},
		{"U-NOBODY", "hello", bridge.ErrNotAllowed},
		{"U-ANA", "nosuch", bridge.ErrNoCannedReply},
	} {
		if _, err := h.canned(tc.agent, hid, tc.name); !errors.Is(err, tc.want) {
			t.Errorf("%s sends %q: %v, want %v", tc.agent, tc.name, err, tc.want)
		}
	}
	h.slack.WaitFor(h.ctx, "the refusals told privately", func(ops []bridgetest.ThreadOp) bool {
		n := 0
		for _, op := range ops {
			if op.Kind == "tell" && (strings.Contains(op.Text, "Only the agent who joined") || strings.Contains(op.Text, "no canned reply")) {
				n++
			}
		}
		return n >= 3
	})
	for _, d := range h.web.To(webUser.ChatID) {
		if d.Message.Role == bridge.RoleAgent {
			t.Fatalf("a refused canned reply reached the user: %+v", d.Message)
		}
	}
	if err := h.act("U-ANA", hid, bridge.ActResolve); err != nil {
		t.Fatal(err)
	}
	if _, err := h.canned("U-ANA", hid, "hello"); !errors.Is(err, bridge.ErrHandoffClosed) {
		t.Fatalf("canned reply after resolve: %v, want ErrHandoffClosed", err)
	}
}

func TestUnknownPlaceholders(t *testing.T) {
	got := bridge.UnknownPlaceholders("Hi {user_name} {customer}, {agent_name} of {team} {x1} {not a placeholder}")
	if strings.Join(got, ",") != "{customer},{x1}" {
		t.Fatalf("UnknownPlaceholders = %q", got)
	}
}
