package console

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/internal/browsertest"
)

// TestBrowserStatusToggle: the header's status toggle shows the agent's
// stored status (offline until set), sets it, says what it means, and the
// status is still there after a reload.
func TestBrowserStatusToggle(t *testing.T) {
	b := browsertest.Start(t)
	w := newWorld(t)
	ctx := b.NewContext()
	step := stepper(t, ctx)
	choose := func(status string) chromedp.Action[chromedp.Void] {
		return until("choosing "+status, `(() => { const s = document.querySelector("#status-select");
			if (!s || s.closest("[hidden]")) return false;
			s.value = "`+status+`"; s.dispatchEvent(new Event("change")); return true })()`)
	}
	stored := func() bridge.AgentStatus {
		t.Helper()
		st, err := w.engine.AgentStatus(w.ctx, bridge.AgentRef{Workspace: bridge.WorkspaceConsole, UserID: "ana"})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	step("log in: offline until set", append(loginSteps(w.srv.URL, anaToken),
		until("the toggle, offline", `!document.querySelector("#status-toggle").hidden && document.querySelector("#status-select").value === "offline"`))...)
	step("set available",
		choose("available"),
		until("the confirmation", `document.querySelector("#status-note").textContent.includes("You are now available")`),
	)
	if got := stored(); got != bridge.StatusAvailable {
		t.Fatalf("stored status after the toggle = %s, want available", got)
	}
	step("set away",
		choose("away"),
		until("the confirmation", `document.querySelector("#status-note").textContent.includes("You are now away")`),
	)
	if got := stored(); got != bridge.StatusAway {
		t.Fatalf("stored status after the toggle = %s, want away", got)
	}
	step("the status survives a reload",
		chromedp.Navigate(w.srv.URL+Prefix),
		chromedp.WaitVisible("#app-view"),
		until("the toggle, away", `!document.querySelector("#status-toggle").hidden && document.querySelector("#status-select").value === "away"
			&& document.querySelector("#status-note").textContent === ""`),
	)
}

// The status API refuses an unknown status and changes nothing.
func TestStatusAPIRefusesUnknownStatus(t *testing.T) {
	w := newWorld(t)
	a := w.loggedIn(anaToken)
	var ok statusResponse
	if code, msg := a.do("POST", "/api/status", map[string]string{"status": "available"}, &ok); code != 200 || ok.Status != bridge.StatusAvailable {
		t.Fatalf("set available: %d %s %+v", code, msg, ok)
	}
	if code, msg := a.do("POST", "/api/status", map[string]string{"status": "napping"}, nil); code != 400 || msg == "" {
		t.Fatalf("set napping: %d %q, want 400 with a reason", code, msg)
	}
	var me meResponse
	if code, _ := a.do("GET", "/api/me", nil, &me); code != 200 || me.Status != bridge.StatusAvailable {
		t.Fatalf("me after the refusal: %d %+v", code, me)
	}
}
