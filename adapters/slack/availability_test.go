package slack_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/slack"
	"github.com/handoffbridge/handoff/bridge"
)

// slashText runs a slash command and returns its ephemeral answer.
func (e *env) slashText(user, command, text string) string {
	e.t.Helper()
	res, err := e.fake.Slash(e.ctx, user, channel, command, text)
	if err != nil {
		e.t.Fatal(err)
	}
	var answer struct {
		ResponseType string `json:"response_type"`
		Text         string `json:"text"`
	}
	if err := json.Unmarshal(res.Response, &answer); err != nil {
		e.t.Fatalf("answer %s: %v", res.Response, err)
	}
	if answer.ResponseType != "ephemeral" {
		e.t.Errorf("%s %s: response_type %q, want ephemeral", command, text, answer.ResponseType)
	}
	return answer.Text
}

// /handoff available|away|offline sets the agent's status, stored; a
// stranger and a typo get a private explanation and change nothing.
func TestHandoffStatusCommand(t *testing.T) {
	for _, mode := range []string{slack.ModeSocket, slack.ModeHTTP} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, envOptions{mode: mode})
			status := func(user string) bridge.AgentStatus {
				t.Helper()
				st, err := e.engine.AgentStatus(e.ctx, bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: user})
				if err != nil {
					t.Fatal(err)
				}
				return st
			}
			if got := status("UANA"); got != bridge.StatusOffline {
				t.Fatalf("status before any command = %s, want offline", got)
			}
			if got := e.slashText("UANA", "/handoff", "available"); !strings.Contains(got, "You are now available") {
				t.Errorf("/handoff available answered %q", got)
			}
			if got := status("UANA"); got != bridge.StatusAvailable {
				t.Errorf("status after /handoff available = %s", got)
			}
			if got := e.slashText("UANA", "/handoff", "Away"); !strings.Contains(got, "You are now away") {
				t.Errorf("/handoff Away answered %q", got)
			}
			if got := status("UANA"); got != bridge.StatusAway {
				t.Errorf("status after /handoff Away = %s", got)
			}
			if got := e.slashText("UANA", "/handoff", "sleeping"); !strings.Contains(got, "Usage: `/handoff available`") {
				t.Errorf("/handoff sleeping answered %q", got)
			}
			if got := status("UANA"); got != bridge.StatusAway {
				t.Errorf("a typo changed the status to %s", got)
			}
			if got := e.slashText("UEVE", "/handoff", "available"); !strings.Contains(got, "not a configured agent") {
				t.Errorf("a stranger's /handoff available answered %q", got)
			}
			if got := status("UBOB"); got != bridge.StatusOffline {
				t.Errorf("Bob's status = %s, want offline (never set)", got)
			}
		})
	}
}

// With max_active_per_agent 1, an agent who owns an active handoff is
// refused a second Join privately, and can join once the first is resolved.
func TestCapacityRefusesJoin(t *testing.T) {
	e := newEnv(t, envOptions{settings: func(s *bridge.Settings) { s.Teams["support"].MaxActivePerAgent = 1 }})
	id1, root1 := e.requestThread("w1")
	id2, root2 := e.requestThread("w2")
	if _, err := e.fake.Click(e.ctx, "UANA", channel, root1, "handoff_join", id1.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w1", "joined", hasMessage("has joined"))
	if _, err := e.fake.Click(e.ctx, "UANA", channel, root2, "handoff_join", id2.String()); err != nil {
		t.Fatal(err)
	}
	e.waitFake("the refusal", func() bool {
		for _, m := range e.fake.Ephemerals() {
			if m.User == "UANA" && m.ThreadTS == root2 && strings.Contains(m.Text, "already have 1 active conversations") {
				return true
			}
		}
		return false
	})
	h, err := e.engine.Handoff(e.ctx, id2)
	if err != nil || h.State != bridge.StatePending {
		t.Fatalf("second handoff after the refused join: %+v, %v; want pending", h, err)
	}
	// Bob, with nothing active, may join it.
	if _, err := e.fake.Click(e.ctx, "UBOB", channel, root2, "handoff_join", id2.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w2", "Bob joined", hasMessage("has joined"))
	// Resolving frees Ana's place.
	if _, err := e.fake.Click(e.ctx, "UANA", channel, root1, "handoff_resolve", id1.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w1", "resolved", hasMessage("has closed this conversation"))
	id3, root3 := e.requestThread("w3")
	if _, err := e.fake.Click(e.ctx, "UANA", channel, root3, "handoff_join", id3.String()); err != nil {
		t.Fatal(err)
	}
	e.waitWeb("w3", "Ana joined again", hasMessage("has joined"))
}
