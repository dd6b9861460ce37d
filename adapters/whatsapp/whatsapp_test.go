package whatsapp_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/whatsapp/whatsappfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

const sheena = "16505551234"

var ana = bridge.AgentRef{Workspace: bridge.WorkspaceSlack, UserID: "U-ANA", DisplayName: "Ana S."}

func (r *rig) deliver(body []byte) {
	r.t.Helper()
	code, err := r.fake.Deliver(r.t.Context(), r.web.URL+"/whatsapp/webhook", body, "")
	if err != nil || code != http.StatusOK {
		r.t.Fatalf("webhook delivery answered %d, %v", code, err)
	}
}

func (r *rig) waitSent(what string, ok func([]whatsappfake.Sent) bool) []whatsappfake.Sent {
	r.t.Helper()
	var got []whatsappfake.Sent
	if err := r.fake.WaitFor(r.t.Context(), func() bool { got = r.fake.Sent(sheena); return ok(got) }); err != nil {
		r.t.Fatalf("waiting for %s: %v (sent %+v)", what, err, got)
	}
	return got
}

func containsText(want string) func([]whatsappfake.Sent) bool {
	return func(s []whatsappfake.Sent) bool {
		for _, m := range s {
			if strings.Contains(m.Text, want) {
				return true
			}
		}
		return false
	}
}

// openThread waits for the first thread, once stored, and returns it.
func (r *rig) openThread() bridgetest.ThreadOp {
	r.t.Helper()
	var open bridgetest.ThreadOp
	if _, err := r.slack.WaitFor(r.t.Context(), "thread", func(ops []bridgetest.ThreadOp) bool {
		for _, op := range ops {
			if op.Kind == "open" {
				open = op
				return len(bridgetest.Posts(ops, op.Thread)) > 0
			}
		}
		return false
	}); err != nil {
		r.t.Fatal(err)
	}
	return open
}

func (r *rig) waitPost(thread, want string) {
	r.t.Helper()
	if _, err := r.slack.WaitFor(r.t.Context(), "post "+want, func(ops []bridgetest.ThreadOp) bool {
		for _, p := range bridgetest.Posts(ops, thread) {
			if strings.Contains(p.Text, want) {
				return true
			}
		}
		return false
	}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) active() bridgetest.ThreadOp {
	r.t.Helper()
	_, body := r.fake.UserText(sheena, "Sheena Nelson", "talk to a human")
	r.deliver(body)
	open := r.openThread()
	if _, err := r.engine.Handle(r.t.Context(), bridge.AgentAction{Agent: ana, ThreadID: open.Thread, Action: bridge.ActJoin}); err != nil {
		r.t.Fatal(err)
	}
	r.waitSent("joined", containsText("has joined"))
	return open
}

func TestVerification(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct {
		name, query string
		code        int
		body        string
	}{
		{"right token", "hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444", 200, "1158201444"},
		{"wrong token", "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1", 403, ""},
		{"wrong mode", "hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1", 403, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Get(r.web.URL + "/whatsapp/webhook?" + tc.query)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b strings.Builder
			_, _ = io.Copy(&b, resp.Body)
			if resp.StatusCode != tc.code || (tc.body != "" && b.String() != tc.body) {
				t.Errorf("answered %d %q, want %d %q", resp.StatusCode, b.String(), tc.code, tc.body)
			}
		})
	}
}

func TestBadSignature(t *testing.T) {
	r := newRig(t)
	_, body := r.fake.UserText(sheena, "Sheena", "talk to a human")
	for _, sig := range []string{"sha256=00", "sha1=abc", "sha256=" + strings.Repeat("ab", 32), r.fake.Sign(append([]byte(" "), body...))} {
		code, err := r.fake.Deliver(t.Context(), r.web.URL+"/whatsapp/webhook", body, sig)
		if err != nil || code != http.StatusUnauthorized {
			t.Errorf("signature %q: answered %d, %v; want 401", sig, code, err)
		}
	}
	if len(r.slack.Ops()) != 0 || len(r.fake.Sent(sheena)) != 0 || len(r.fake.Read()) != 0 {
		t.Error("a delivery with a bad signature was processed")
	}
}

// TestFlow: reply buttons, duplicate deliveries, agent replies, read
// receipts.
func TestFlow(t *testing.T) {
	r := newRig(t)
	wamid, body := r.fake.UserText(sheena, "Sheena Nelson", "pricing?")
	r.deliver(body)
	sent := r.waitSent("offer", func(s []whatsappfake.Sent) bool { return len(s) > 0 && s[len(s)-1].Type == "interactive" })
	offer := sent[len(sent)-1]
	if len(offer.Buttons) != 2 || offer.Buttons[0].ID != string(bridge.ChoiceAccept) {
		t.Fatalf("offer buttons %+v", offer.Buttons)
	}
	_, press := r.fake.UserButton(sheena, "Sheena Nelson", offer.ID, offer.Buttons[0].ID, offer.Buttons[0].Title)
	r.deliver(press)
	open := r.openThread()
	if open.Card.UserName != "Sheena Nelson" || open.Card.Context.Phone != "+"+sheena {
		t.Errorf("card user %q phone %q", open.Card.UserName, open.Card.Context.Phone)
	}
	if _, err := r.engine.Handle(t.Context(), bridge.AgentAction{Agent: ana, ThreadID: open.Thread, Action: bridge.ActJoin}); err != nil {
		t.Fatal(err)
	}
	// The same message delivered twice (Meta retries) reaches the thread once.
	_, dup := r.fake.UserText(sheena, "Sheena Nelson", "is anyone there?")
	r.deliver(dup)
	r.deliver(dup)
	_, after := r.fake.UserText(sheena, "Sheena Nelson", "marker")
	r.deliver(after)
	r.waitPost(open.Thread, "marker")
	n := 0
	for _, p := range bridgetest.Posts(r.slack.Ops(), open.Thread) {
		if p.Text == "is anyone there?" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("duplicate delivery posted %d times, want 1", n)
	}
	if _, err := r.engine.Handle(t.Context(), bridge.AgentMessage{Agent: ana, ThreadID: open.Thread, PlatformID: "S1", Text: "**Yes**, here"}); err != nil {
		t.Fatal(err)
	}
	r.waitSent("agent reply", containsText("*Ana S.*\n*Yes*, here"))
	if err := r.fake.WaitFor(t.Context(), func() bool {
		for _, id := range r.fake.Read() {
			if id == wamid {
				return true
			}
		}
		return false
	}); err != nil {
		t.Error("the user's message was never marked read")
	}
}

// TestOutsideWindow: an agent reply after the 24-hour window is not lost
// silently: the thread says so, and the template goes out when configured.
func TestOutsideWindow(t *testing.T) {
	for _, tc := range []struct {
		name, template string
		closeWindow    func(r *rig)
		note           string
	}{
		{"api refuses, no template", "", func(r *rig) { r.fake.CloseWindow(sheena) }, "no template is configured"},
		{"api refuses, template sent", "reopen_conversation", func(r *rig) { r.fake.CloseWindow(sheena) }, `template "reopen\_conversation" was sent`},
		{"known locally, template sent", "reopen_conversation", func(r *rig) { r.fake.CloseWindow(sheena); r.now.Store(25) }, `template "reopen\_conversation" was sent`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, withTemplate(tc.template))
			open := r.active()
			tc.closeWindow(r)
			if _, err := r.engine.Handle(t.Context(), bridge.AgentMessage{Agent: ana, ThreadID: open.Thread, PlatformID: "S1", Text: "late reply"}); err != nil {
				t.Fatal(err)
			}
			r.waitPost(open.Thread, tc.note)
			var templates int
			for _, m := range r.fake.Sent(sheena) {
				if m.Type == "template" {
					templates++
				}
				if strings.Contains(m.Text, "late reply") {
					t.Error("the late reply was delivered as free text")
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tc.template != ""]; templates != want {
				t.Errorf("%d templates sent, want %d", templates, want)
			}
		})
	}
}

// TestFailedStatus: WhatsApp reporting a message as failed reaches the
// thread once, even when the status is delivered twice.
func TestFailedStatus(t *testing.T) {
	r := newRig(t)
	open := r.active()
	sent := r.fake.Sent(sheena)
	body := r.fake.Status(sent[len(sent)-1].ID, "failed", sheena, 131026, "Message undeliverable")
	r.deliver(body)
	r.deliver(body)
	r.deliver(r.fake.Status(sent[len(sent)-1].ID, "read", sheena, 0, ""))
	// A user message after the statuses goes through the same ordered
	// thread stream: once it is posted, any second report would be too.
	_, after := r.fake.UserText(sheena, "Sheena Nelson", "marker")
	r.deliver(after)
	r.waitPost(open.Thread, "marker")
	n := 0
	for _, p := range bridgetest.Posts(r.slack.Ops(), open.Thread) {
		if strings.Contains(p.Text, "Message undeliverable") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("failure reported %d times, want 1", n)
	}
}
