package whatsapp_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/whatsapp/whatsappfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestLeadFormOnSLAFallback: no agent joins within the SLA, so the user is
// asked for a lead step by step in WhatsApp; a bad contact is asked again;
// the lead is stored (the phone in E.164) and shown in the thread.
func TestLeadFormOnSLAFallback(t *testing.T) {
	clock := bridgetest.NewClock(time.Now())
	r := newRig(t, withClock(clock), withSettings(func(s *bridge.Settings) {
		s.Teams["support"].Fallback, s.Teams["support"].SLA = bridge.FallbackLeadForm, 3*time.Minute
	}))
	msgs := bridge.DefaultMessages()

	_, body := r.fake.UserText(sheena, "Sheena Nelson", "talk to a human")
	r.deliver(body)
	open := r.openThread()
	r.waitSent("the waiting notice", containsText("asked a member of our team"))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := clock.WaitTimer(ctx, clock.Now().Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(3*time.Minute + time.Second)
	r.waitSent("the name question", containsText(msgs.LeadName))

	for _, s := range []struct{ answer, next string }{
		{"Sheena Nelson", msgs.LeadContact},
		{"nope", msgs.LeadBadContact},
		{"+1 (650) 555-1234", msgs.LeadMessage},
		{"Please call me about *my order*", "Thank you, Sheena Nelson."},
	} {
		before := len(r.fake.Sent(sheena))
		_, body := r.fake.UserText(sheena, "Sheena Nelson", s.answer)
		r.deliver(body)
		r.waitSent("the step after "+s.answer, func(sent []whatsappfake.Sent) bool {
			for _, m := range sent[min(before, len(sent)):] {
				if strings.Contains(m.Text, s.next) {
					return true
				}
			}
			return false
		})
	}

	var leads []bridge.Lead
	if err := r.store.View(t.Context(), func(tx bridge.Tx) error {
		var err error
		leads, err = tx.Leads(t.Context(), 10)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(leads) != 1 {
		t.Fatalf("%d leads stored, want 1", len(leads))
	}
	if l := leads[0]; l.Name != "Sheena Nelson" || l.Phone != "+16505551234" || l.Email != "" || l.Message != "Please call me about *my order*" {
		t.Errorf("lead %+v", l)
	}
	r.waitPost(open.Thread, `Lead captured: Sheena Nelson, \+16505551234: "Please call me about \*my order\*"`)
}
