package console

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// The page enables the buttons the engine would accept: an admin may
// resolve a pending request, a team agent may join or reject it; once
// joined, the owner may reject or resolve and a colleague nothing.
func TestAllowedActionsAreTheEngines(t *testing.T) {
	w := newWorld(t)
	ana, bob, ada := w.loggedIn(anaToken), w.loggedIn(bobToken), w.loggedIn(adminToken)
	id := w.requestHuman("u1", ana)
	allowed := func(a *agent) []bridge.Action { return a.detail(id).Handoff.Allowed }
	for _, tt := range []struct {
		who  *agent
		want []bridge.Action
	}{
		{ana, []bridge.Action{bridge.ActJoin, bridge.ActReject}},
		{ada, []bridge.Action{bridge.ActJoin, bridge.ActReject, bridge.ActResolve}},
	} {
		if got := allowed(tt.who); !slices.Equal(got, tt.want) {
			t.Errorf("%s on a pending request may %v, want %v", tt.who.name, got, tt.want)
		}
	}
	if code, msg := ana.act(id, "join"); code != http.StatusOK {
		t.Fatalf("join: %d %s", code, msg)
	}
	if got := allowed(ana); !slices.Equal(got, []bridge.Action{bridge.ActReject, bridge.ActResolve, bridge.ActTransfer}) {
		t.Errorf("the owner may %v, want reject, resolve and transfer", got)
	}
	if got := allowed(bob); len(got) != 0 {
		t.Errorf("a colleague may %v on Ana's conversation, want nothing", got)
	}
}

// An admin resolves a pending request nobody joined: the engine allows it
// and the user is told.
func TestAdminResolvesPendingRequest(t *testing.T) {
	w := newWorld(t)
	ada := w.loggedIn(adminToken)
	id := w.requestHuman("u1", ada)
	if code, msg := ada.act(id, "resolve"); code != http.StatusOK {
		t.Fatalf("admin resolve of a pending request: %d %s", code, msg)
	}
	if got := w.handoff(id).State; got != bridge.StateResolved {
		t.Errorf("state = %s, want resolved", got)
	}
	w.waitText("u1", "has closed this conversation")
}

// A join shows once in the history: the bridge's "Ana S. joined." line,
// not also the user's notice of the same instant.
func TestJoinShownOnce(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	id := w.requestHuman("u1", ana)
	if code, msg := ana.act(id, "join"); code != http.StatusOK {
		t.Fatalf("join: %d %s", code, msg)
	}
	w.waitText("u1", "Ana S. has joined")
	d := ana.waitDetail(id, "the joined line", func(d detailResponse) bool {
		return slices.ContainsFunc(d.Entries, func(e entry) bool { return e.Kind == "line" && strings.Contains(e.Text, "joined") })
	})
	var joins []string
	for _, e := range d.Entries {
		if strings.Contains(e.Text, "joined") {
			joins = append(joins, e.Kind+": "+e.Text)
		}
	}
	if len(joins) != 1 {
		t.Errorf("the history shows the join %d times: %q", len(joins), joins)
	}
}

// The list says when the handoff module is off, for the page's banner.
func TestListSaysWhenHandoffModuleIsDisabled(t *testing.T) {
	w := newWorld(t)
	ana := w.loggedIn(anaToken)
	enabled := func() bool {
		var l listResponse
		if code, msg := ana.do("GET", "/api/handoffs", nil, &l); code != http.StatusOK {
			t.Fatalf("list: %d %s", code, msg)
		}
		return l.HandoffEnabled
	}
	if !enabled() {
		t.Error("the list says the module is off while it is on")
	}
	s := testSettings()
	s.Enabled = false
	w.engine.Apply(s)
	if enabled() {
		t.Error("the list says the module is on after handoff.enabled: false")
	}
}
