package bridge_test

import (
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// SLA elapsed on a text channel: the lead form step by step, with
// validation, then the Lead stored and announced; a late join still works.
func TestSLAFallbackLeadForm(t *testing.T) {
	h := newHarness(t)
	tg := bridge.ChatAddress{Channel: bridge.ChannelTelegram, ChatID: "77"}
	hid := h.say(tg, "1", "talk to a human please").Handoff
	thread := h.thread(hid)
	waitText(t, h.tg, "77", "in the queue")

	deadline := t0.Add(3 * time.Minute)
	if err := h.clock.WaitTimer(h.ctx, deadline); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(3 * time.Minute)
	waitText(t, h.tg, "77", "What is your name?")
	if got := h.handoff(hid); got.State != bridge.StateFallback {
		t.Fatalf("state after SLA = %s", got.State)
	}

	h.say(tg, "2", "Uma Thurman")
	waitText(t, h.tg, "77", "email address or phone number")
	h.say(tg, "3", "not an address")
	waitText(t, h.tg, "77", "doesn't look like an email")
	h.say(tg, "4", "uma@example.com")
	waitText(t, h.tg, "77", "help you with?")
	h.say(tg, "5", "Call me about the enterprise plan")
	waitText(t, h.tg, "77", "Thank you, Uma Thurman")

	var leads []bridge.Lead
	h.store.View(h.ctx, func(tx bridge.Tx) error {
		var err error
		leads, err = tx.Leads(h.ctx, 10)
		return err
	})
	if len(leads) != 1 || leads[0].Email != "uma@example.com" || leads[0].Name != "Uma Thurman" || leads[0].Message != "Call me about the enterprise plan" || leads[0].HandoffID != hid {
		t.Fatalf("leads = %+v", leads)
	}
	notes, err := h.ops.WaitFor(h.ctx, "lead.captured", func(n []bridge.Notification) bool {
		return len(n) > 0 && bridgetest.Last(n).Event == bridge.EventLead
	})
	if err != nil {
		t.Fatal(err)
	}
	if l := notes[len(notes)-1].Lead; l == nil || l.Email != "uma@example.com" {
		t.Fatalf("lead.captured carries %+v", l)
	}
	ops, _ := h.slack.WaitFor(h.ctx, "card with the lead", func(ops []bridgetest.ThreadOp) bool {
		c, _ := bridgetest.LastCard(ops, thread)
		return c.Lead != nil
	})
	if c, _ := bridgetest.LastCard(ops, thread); c.State != bridge.StateFallback {
		t.Fatalf("card state = %s", c.State)
	}

	// A late agent can still join.
	if err := h.act("U-BOB", hid, bridge.ActJoin); err != nil {
		t.Fatalf("late join: %v", err)
	}
	waitText(t, h.tg, "77", "Bob has joined")
}

// No fallback configured: the user is told no agents are available.
func TestSLAFallbackNoAgents(t *testing.T) {
	h := newHarness(t)
	hid := h.say(webUser, "1", "pricing please").Handoff
	if hid != 0 {
		t.Fatal("an offer trigger handed off directly")
	}
	h.say(webUser, "2", "yes")
	ds, _ := h.web.WaitFor(h.ctx, webUser.ChatID, "waiting", func(ds []bridgetest.Delivery) bool {
		return len(ds) > 0 && bridgetest.Last(ds).Message.Notice == bridge.NoticeWaiting
	})
	_ = ds
	if err := h.clock.WaitTimer(h.ctx, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(2 * time.Minute)
	d := waitText(t, h.web, webUser.ChatID, "no one from our team is available")
	if d.Message.Notice != bridge.NoticeNoAgents {
		t.Fatalf("notice = %q", d.Message.Notice)
	}
	n, _ := h.ops.WaitFor(h.ctx, "fallback event", func(n []bridge.Notification) bool {
		return len(n) > 0 && bridgetest.Last(n).Event == bridge.EventFallback
	})
	if bridgetest.Last(n).Team != "sales" {
		t.Fatalf("fallback notification = %+v", bridgetest.Last(n))
	}
	// After the fallback without a form the AI helps meanwhile.
	h.say(webUser, "3", "hello")
	waitText(t, h.web, webUser.ChatID, "Hi there!")
}

// The widget submits the whole form at once; a bad contact is sent back.
func TestLeadFormSubmittedWhole(t *testing.T) {
	h := newHarness(t)
	hid := h.say(webUser, "1", "talk to a human").Handoff
	h.clock.WaitTimer(h.ctx, t0.Add(3*time.Minute))
	h.clock.Advance(3 * time.Minute)
	form, _ := h.web.WaitFor(h.ctx, webUser.ChatID, "lead form", func(ds []bridgetest.Delivery) bool {
		return len(ds) > 0 && bridgetest.Last(ds).Kind == "lead_form"
	})
	if form[len(form)-1].Step.Field != bridge.LeadName {
		t.Fatalf("form = %+v", form[len(form)-1])
	}
	_, err := h.engine.Handle(h.ctx, bridge.UserLeadForm{Address: webUser, Name: "Uma", Contact: "12", Message: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := h.web.WaitFor(h.ctx, webUser.ChatID, "form again", func(ds []bridgetest.Delivery) bool {
		return bridgetest.Last(ds).Kind == "lead_form" && bridgetest.Last(ds).Step.Problem != ""
	})
	if got := d[len(d)-1].Step; got.Field != bridge.LeadContact || !strings.Contains(got.Problem, "phone number") {
		t.Fatalf("re-asked %+v", got)
	}
	if _, err := h.engine.Handle(h.ctx, bridge.UserLeadForm{Address: webUser, Name: "Uma", Contact: "+33 6 12 34 56 78", Message: "call me"}); err != nil {
		t.Fatal(err)
	}
	waitText(t, h.web, webUser.ChatID, "Thank you, Uma")
	if got := h.handoff(hid); got.LeadStep != bridge.LeadDone || got.LeadDraft.Phone != "+33612345678" {
		t.Fatalf("handoff lead = %+v", got.LeadDraft)
	}
	if _, err := h.engine.Handle(h.ctx, bridge.UserLeadForm{Address: webUser, Name: "x", Contact: "x@y.z", Message: "again"}); err == nil {
		t.Fatal("a second form after the lead was captured was accepted")
	}
}

// Outside business hours the fallback is immediate.
func TestOutsideBusinessHours(t *testing.T) {
	h := newHarness(t, func(s *bridge.Settings) {
		// t0 is a Friday 10:00 UTC; open only on Sundays.
		s.Teams["support"].Hours = &bridge.BusinessHours{Location: time.UTC, Days: [7]bool{time.Sunday: true}, Open: 9 * time.Hour, Close: 17 * time.Hour}
	})
	h.say(webUser, "1", "talk to a human")
	waitText(t, h.web, webUser.ChatID, "What is your name?")
}

func TestBusinessHours(t *testing.T) {
	weekdays := [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}
	day := &bridge.BusinessHours{Location: time.UTC, Days: weekdays, Open: 9 * time.Hour, Close: 18 * time.Hour}
	night := &bridge.BusinessHours{Location: time.UTC, Days: weekdays, Open: 22 * time.Hour, Close: 6 * time.Hour}
	tests := []struct {
		name  string
		hours *bridge.BusinessHours
		at    time.Time
		open  bool
	}{
		{"friday morning", day, time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), true},
		{"friday before opening", day, time.Date(2026, 11, 27, 8, 59, 0, 0, time.UTC), false},
		{"friday at closing", day, time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC), false},
		{"saturday", day, time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC), false},
		{"no hours: always open", nil, time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC), true},
		{"overnight, friday late", night, time.Date(2026, 11, 27, 23, 0, 0, 0, time.UTC), true},
		{"overnight, saturday early belongs to friday", night, time.Date(2026, 11, 28, 5, 0, 0, 0, time.UTC), true},
		{"overnight, sunday early", night, time.Date(2026, 11, 29, 5, 0, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		if got := tt.hours.IsOpen(tt.at); got != tt.open {
			t.Errorf("%s: IsOpen = %v, want %v", tt.name, got, tt.open)
		}
	}
}
