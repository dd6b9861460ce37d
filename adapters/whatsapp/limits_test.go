package whatsapp_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/whatsapp"
	"github.com/handoffbridge/handoff/adapters/whatsapp/whatsappfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// seen lists what the user got after the agent joined: texts, and media
// as "image <link>". Ana's replies merged into one message while they
// waited (a retry, the pacing) are listed one by one, as sent.
func seen(sent []whatsappfake.Sent) []string {
	const ana = "*Ana S.*\n"
	var out []string
	joined := false
	for _, m := range sent {
		body, byAna := strings.CutPrefix(m.Text, ana)
		switch {
		case strings.Contains(m.Text, "has joined"):
			joined = true
		case !joined:
		case m.Type == "text" && byAna:
			for _, reply := range strings.Split(body, "\n\n") {
				out = append(out, ana+reply)
			}
		case m.Type == "text":
			out = append(out, m.Text)
		default:
			out = append(out, m.Type+" "+m.Link)
		}
	}
	return out
}

// TestRateLimitStorm: WhatsApp answers 429 to several sends, one of them
// in the middle of a message with an attachment; every part still arrives
// once, in order, and the throttled ones are retried after Retry-After.
func TestRateLimitStorm(t *testing.T) {
	r := newRig(t)
	open := r.active()
	r.fake.Throttle(2)
	r.fake.ThrottleType("image", 1)
	var want []string
	for i, text := range numbered("reply", 4) {
		ev := bridge.AgentMessage{Agent: ana, ThreadID: open.Thread, PlatformID: "S" + text, Text: text}
		want = append(want, "*Ana S.*\n"+text)
		if i == 0 {
			ev.Attachments = []bridge.Attachment{{Name: "plan.png", ContentType: "image/png", URL: "https://files.example.com/plan.png"}}
			want = append(want, "image https://files.example.com/plan.png")
		}
		if _, err := r.engine.Handle(t.Context(), ev); err != nil {
			t.Fatal(err)
		}
	}
	sent := r.waitSent("every reply", func(s []whatsappfake.Sent) bool { return len(seen(s)) >= len(want) })
	if got := seen(sent); !slices.Equal(got, want) {
		t.Errorf("user got\n%q\nwant\n%q", got, want)
	}
	if st := r.fake.Stats(); st.TooMany != 3 {
		t.Errorf("fake answered %d 429s, want 3", st.TooMany)
	}
}

// TestRestartLosesNothing: agent replies queued while the Graph API is
// down and user messages answered but not processed when the bridge stops
// all arrive after the restart, once each, in order, followed by those
// sent after it.
func TestRestartLosesNothing(t *testing.T) {
	r := newRig(t)
	open := r.active()
	r.shutdown()
	r.start(false)
	r.fake.Outage(true)
	var wantUser, wantAgent []string
	agentSays := func(text string) {
		wantAgent = append(wantAgent, "*Ana S.*\n"+text)
		if _, err := r.engine.Handle(t.Context(), bridge.AgentMessage{Agent: ana, ThreadID: open.Thread, PlatformID: "S" + text, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	userSays := func(text string) {
		wantUser = append(wantUser, text)
		_, body := r.fake.UserText(sheena, "Sheena Nelson", text)
		r.deliverQuickly(body)
	}
	for i := range 3 {
		agentSays(numbered("before", 3)[i])
		userSays(numbered("waiting", 3)[i])
	}
	r.shutdown()
	r.fake.Outage(false)
	r.start(true)
	agentSays("after restart")
	userSays("after restart too")
	sent := r.waitSent("every agent reply", func(s []whatsappfake.Sent) bool { return len(seen(s)) >= len(wantAgent) })
	if got := seen(sent); !slices.Equal(got, wantAgent) {
		t.Errorf("user got\n%q\nwant\n%q", got, wantAgent)
	}
	r.waitPost(open.Thread, "after restart too")
	var got []string
	for _, p := range bridgetest.Posts(r.slack.Ops(), open.Thread) {
		if p.Role == bridge.RoleUser && p.Text != "talk to a human" {
			got = append(got, p.Text)
		}
	}
	if !slices.Equal(got, wantUser) {
		t.Errorf("thread got\n%q\nwant\n%q", got, wantUser)
	}
}

// TestTypingIndicator: the owner typing shows WhatsApp's typing indicator
// on the user's last message; outside the 24-hour window it is skipped.
func TestTypingIndicator(t *testing.T) {
	r := newRig(t)
	open := r.active()
	wamid, body := r.fake.UserText(sheena, "Sheena Nelson", "still there?")
	r.deliver(body)
	r.waitPost(open.Thread, "still there?")
	typing := bridge.AgentTyping{Agent: ana, ThreadID: open.Thread}
	if _, err := r.engine.Handle(t.Context(), typing); err != nil {
		t.Fatal(err)
	}
	if got := r.fake.Typing(); !slices.Equal(got, []string{wamid}) {
		t.Fatalf("typing shown on %q, want on %q", got, wamid)
	}
	r.now.Store(25)
	if _, err := r.engine.Handle(t.Context(), typing); err != nil {
		t.Fatal(err)
	}
	if got := r.fake.Typing(); len(got) != 1 {
		t.Errorf("typing shown %d times, want the one inside the window only", len(got))
	}
}

// TestHealth: /readyz's view of WhatsApp follows the Graph API calls.
func TestHealth(t *testing.T) {
	to := bridge.ChatAddress{Channel: bridge.ChannelWhatsApp, ChatID: sheena}
	msg := bridge.OutgoingMessage{MessageID: 1, Role: bridge.RoleSystem, Text: "ping"}
	for _, tc := range []struct {
		name   string
		setup  func(r *rig) *whatsapp.Adapter
		calls  int
		want   bridge.HealthState
		detail string
	}{
		{"answering", func(r *rig) *whatsapp.Adapter { return r.adapter }, 1, bridge.HealthUp, ""},
		{"one failure is not yet trouble", func(r *rig) *whatsapp.Adapter { r.fake.Outage(true); return r.adapter }, 1, bridge.HealthUp, ""},
		{"outage", func(r *rig) *whatsapp.Adapter { r.fake.Outage(true); return r.adapter }, 3, bridge.HealthDegraded, "Graph API calls failed in a row"},
		{"token refused", func(r *rig) *whatsapp.Adapter {
			o := r.fake.Options()
			a, err := whatsapp.New(whatsapp.Options{PhoneNumberID: o.PhoneNumberID, Token: "revoked", AppSecret: o.AppSecret, VerifyToken: "v",
				APIURL: r.fake.URL(), APIVersion: o.Version, Handler: r.engine, State: r.engine.AdapterState("whatsapp"), Inbox: r.store})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}, 1, bridge.HealthDown, "refuses the access token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			r.fake.UserText(sheena, "Sheena", "hello") // opens the window at the fake
			a := tc.setup(r)
			for range tc.calls {
				_, _ = a.Send(t.Context(), to, msg)
			}
			h := a.Health(t.Context())
			if h.State != tc.want || !strings.Contains(h.Detail, tc.detail) {
				t.Errorf("health %+v, want %s with %q", h, tc.want, tc.detail)
			}
		})
	}
}

// TestStalledInboxIsDegraded: deliveries stored but left unprocessed for
// over a minute show on /readyz.
func TestStalledInboxIsDegraded(t *testing.T) {
	r := newRig(t, withClock(bridgetest.NewClock(time.Now().Add(-2*time.Minute))))
	r.shutdown()
	r.start(false)
	if h := r.adapter.Health(t.Context()); h.State != bridge.HealthUp {
		t.Fatalf("health before any delivery: %+v", h)
	}
	_, body := r.fake.UserText(sheena, "Sheena", "hello")
	r.deliverQuickly(body)
	if h := r.adapter.Health(t.Context()); h.State != bridge.HealthDegraded || !strings.Contains(h.Detail, "1 webhook deliveries wait") {
		t.Errorf("health with a delivery stored two minutes ago: %+v", h)
	}
}
