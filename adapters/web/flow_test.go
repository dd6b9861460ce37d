package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/web"
	"github.com/handoffbridge/handoff/adapters/web/webfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// A <script> typed by a user or an agent reaches the widget as text: user
// text has no HTML at all, agent Markdown is rendered without raw HTML, and
// links get rel="noopener noreferrer".
func TestScriptFromUserOrAgentIsShownAsText(t *testing.T) {
	e := newEnv(t)
	c := e.dial(webfake.Options{})
	thread := e.requestHuman(c)
	e.agent(bridge.AgentAction{Agent: anaRef, ThreadID: thread, Action: bridge.ActJoin})
	const attack = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	if _, err := c.Say(e.ctx, attack); err != nil {
		t.Fatal(err)
	}
	e.agent(bridge.AgentMessage{Agent: anaRef, ThreadID: thread, PlatformID: "a1",
		Text: "**Sure**, see [the guide](https://example.com/guide) " + attack + " [x](javascript:alert(1))"})
	frames, err := c.WaitFor(e.ctx, "agent reply", hasMessage(func(f webfake.Frame) bool { return f.Role == "agent" }))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range webfake.Messages(frames) {
		switch f.Role {
		case "user":
			if f.Text == attack && f.HTML != "" {
				t.Errorf("user text sent with HTML %q", f.HTML)
			}
		case "agent":
			for _, bad := range []string{"<script", "<img", "onerror", "javascript:"} {
				if strings.Contains(f.HTML, bad) {
					t.Errorf("agent HTML %q contains %q", f.HTML, bad)
				}
			}
			for _, good := range []string{"<strong>Sure</strong>", `href="https://example.com/guide"`, `rel="noopener noreferrer"`, `target="_blank"`} {
				if !strings.Contains(f.HTML, good) {
					t.Errorf("agent HTML %q lacks %q", f.HTML, good)
				}
			}
		}
	}
}

// The agent sees where the user is: IP (X-Forwarded-For only from a trusted
// proxy), browser, page, referrer and when the session started.
func TestUserContextReachesTheThread(t *testing.T) {
	tests := []struct {
		name    string
		trusted []string
		xff     string
		wantIP  string
	}{
		{"direct", nil, "", "127.0.0.1"},
		{"forged header from an untrusted peer is ignored", nil, "203.0.113.9", "127.0.0.1"},
		{"trusted proxy", []string{"127.0.0.1/32"}, "198.51.100.7", "198.51.100.7"},
		{"spoofed hop left of the real client is ignored", []string{"127.0.0.1/32"}, "6.6.6.6, 198.51.100.7", "198.51.100.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *web.Options) { o.TrustedProxies = prefixes(tt.trusted) })
			h := http.Header{"User-Agent": {"TestBrowser/1.0"}}
			if tt.xff != "" {
				h.Set("X-Forwarded-For", tt.xff)
			}
			c := e.dial(webfake.Options{Page: "https://shop.example.com/cart", Referrer: "https://search.example/?q=x", Header: h})
			e.requestHuman(c)
			card, ok := bridgetest.LastCard(e.ws.Ops(), e.ws.Ops()[0].Thread)
			if !ok {
				t.Fatal("no card")
			}
			ctx := card.Context
			if ctx.IP != tt.wantIP || ctx.UserAgent != "TestBrowser/1.0" || ctx.PageURL != "https://shop.example.com/cart" ||
				ctx.Referrer != "https://search.example/?q=x" || !ctx.SessionStart.Equal(t0) {
				t.Errorf("context = %+v, want IP %s, the browser, page, referrer and start %s", ctx, tt.wantIP, t0)
			}
		})
	}
}

// An offer shows buttons; a tab opened later shows them too (from the
// state frame); pressing accept puts the user in the queue with a cancel
// button, and the agent's joining names them.
func TestOfferButtonsWaitingAndJoin(t *testing.T) {
	e := newEnv(t)
	c := e.dial(webfake.Options{})
	if _, err := c.Say(e.ctx, "what is your pricing?"); err != nil {
		t.Fatal(err)
	}
	frames, err := c.WaitFor(e.ctx, "offer", hasMessage(func(f webfake.Frame) bool { return len(f.Choices) == 2 }))
	if err != nil {
		t.Fatal(err)
	}
	var offer webfake.Frame
	for _, f := range webfake.Messages(frames) {
		if len(f.Choices) > 0 {
			offer = f
		}
	}
	if offer.Choices[0].ID != string(bridge.ChoiceAccept) || offer.Choices[1].ID != string(bridge.ChoiceDecline) {
		t.Errorf("offer choices = %+v", offer.Choices)
	}
	welcome, _ := c.Welcome()
	tab := e.dial(webfake.Options{Token: welcome.Token})
	state := lastOf(tab.Frames(), "state")
	if state.ID != offer.ID || len(state.Choices) != 2 {
		t.Errorf("new tab state = %+v, want the offer %d's buttons", state, offer.ID)
	}

	if err := c.Choose(e.ctx, string(bridge.ChoiceAccept)); err != nil {
		t.Fatal(err)
	}
	frames, err = c.WaitFor(e.ctx, "waiting", hasMessage(func(f webfake.Frame) bool { return f.Notice == "waiting" }))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range webfake.Messages(frames) {
		if f.Notice == "waiting" && f.Position != 1 {
			t.Errorf("waiting notice position %d, want 1", f.Position)
		}
	}
	reload := e.dial(webfake.Options{Token: welcome.Token})
	if s := lastOf(reload.Frames(), "state"); s.Handoff != "pending" || s.Position != 1 || s.Cancel == nil || len(s.Choices) != 0 {
		t.Errorf("state while waiting = %+v, want pending, position 1, a cancel button and no offer", s)
	}

	ops, err := e.ws.WaitFor(e.ctx, "thread", func(ops []bridgetest.ThreadOp) bool { return bridgetest.CountKind(ops, "post") > 0 })
	if err != nil {
		t.Fatal(err)
	}
	e.agent(bridge.AgentAction{Agent: anaRef, ThreadID: ops[0].Thread, Action: bridge.ActJoin})
	frames, err = c.WaitFor(e.ctx, "joined", hasMessage(func(f webfake.Frame) bool { return f.Notice == "joined" }))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range webfake.Messages(frames) {
		if f.Notice == "joined" && f.Agent != "Ana" {
			t.Errorf("joined notice names %q, want Ana", f.Agent)
		}
	}
}

// Typing goes both ways: the agent's reaches the widget, the user's reaches
// the thread (at most once per two seconds).
func TestTypingBothWays(t *testing.T) {
	e := newEnv(t)
	c := e.dial(webfake.Options{})
	thread := e.requestHuman(c)
	e.agent(bridge.AgentAction{Agent: anaRef, ThreadID: thread, Action: bridge.ActJoin})
	e.agent(bridge.AgentTyping{Agent: anaRef, ThreadID: thread})
	frames, err := c.WaitFor(e.ctx, "typing", hasType("typing"))
	if err != nil {
		t.Fatal(err)
	}
	if f := lastOf(frames, "typing"); f.Author != "Ana" {
		t.Errorf("typing frame = %+v, want Ana", f)
	}
	for range 3 {
		if err := c.Typing(e.ctx); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case ref := <-e.ws.typed:
		if ref.ThreadID != thread {
			t.Errorf("user typing shown in thread %s, want %s", ref.ThreadID, thread)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the user's typing never reached the thread")
	}
	// The two other frames came within two seconds: passed on never. A
	// message after them proves they were all read.
	if _, err := c.Say(e.ctx, "done typing"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ws.WaitFor(e.ctx, "message in thread", func(ops []bridgetest.ThreadOp) bool {
		for _, p := range bridgetest.Posts(ops, thread) {
			if p.Text == "done typing" {
				return true
			}
		}
		return false
	}); err != nil {
		t.Fatal(err)
	}
	if n := len(e.ws.typed); n != 0 {
		t.Errorf("%d more typing indications passed on within the rate limit", n)
	}
}

// When nobody joins in time, the widget shows the lead form; a bad contact
// comes back with the engine's problem; a good form is thanked.
func TestLeadFormOnFallback(t *testing.T) {
	e := newEnv(t)
	c := e.dial(webfake.Options{})
	e.requestHuman(c)
	if err := e.clock.WaitTimer(e.ctx, t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(3 * time.Minute)
	if _, err := c.WaitFor(e.ctx, "lead form", hasMessage(func(f webfake.Frame) bool { return f.Form != nil })); err != nil {
		t.Fatal(err)
	}
	welcome, _ := c.Welcome()
	if s := lastOf(e.dial(webfake.Options{Token: welcome.Token}).Frames(), "state"); s.Handoff != "fallback" || s.Form == nil {
		t.Errorf("state of a reloaded tab = %+v, want fallback with the form", s)
	}
	if err := c.SubmitLead(e.ctx, "Zoé", "not a contact", "Call me"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitFor(e.ctx, "form again with a problem", hasMessage(func(f webfake.Frame) bool {
		return f.Form != nil && f.Form.Field == "contact" && f.Form.Problem != ""
	})); err != nil {
		t.Fatal(err)
	}
	if err := c.SubmitLead(e.ctx, "Zoé", "zoe@example.com", "Call me"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitFor(e.ctx, "thanks", hasMessage(func(f webfake.Frame) bool { return f.Notice == "lead_saved" })); err != nil {
		t.Fatal(err)
	}
}

func lastOf(frames []webfake.Frame, typ string) webfake.Frame {
	var out webfake.Frame
	for _, f := range frames {
		if f.Type == typ {
			out = f
		}
	}
	return out
}
