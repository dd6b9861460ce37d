package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/bridgetest"
)

// TestLeadFormOnSLAFallback: no agent joins within the SLA, so the user is
// asked for a lead step by step in the chat; a bad contact is asked
// again; the lead is stored and shown in the thread.
func TestLeadFormOnSLAFallback(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	clock := bridgetest.NewClock(time.Now())
	r := newRig(t, fo, withLeadForm(clock))
	ivy := telegramfake.User{ID: 1201, FirstName: "Ivy"}
	msgs := bridge.DefaultMessages()

	r.fake.UserSays(ivy, "talk to a human")
	ops := r.thread("thread opened", func(ops []bridgetest.ThreadOp) bool { _, ok := firstOpen(ops); return ok })
	open, _ := firstOpen(ops)
	r.waitVisible(ivy.ID, "asked a member of our team")
	deadline := clock.Now().Add(3 * time.Minute)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := clock.WaitTimer(ctx, deadline); err != nil {
		t.Fatal(err)
	}
	clock.Advance(3*time.Minute + time.Second)
	r.waitVisible(ivy.ID, msgs.LeadName)

	steps := []struct{ answer, next string }{
		{"Ivy Jones", msgs.LeadContact},
		{"call me maybe", msgs.LeadBadContact},
		{"ivy@example.com", msgs.LeadMessage},
		{"Please call back about <b>invoice</b> 42", "Thank you, Ivy Jones."},
	}
	for _, s := range steps {
		before := len(r.fake.Sent(ivy.ID))
		r.fake.UserSays(ivy, s.answer)
		if _, err := r.fake.WaitSent(t.Context(), ivy.ID, "the step after "+s.answer, func(sent []telegramfake.Sent) bool {
			for _, m := range sent[min(before, len(sent)):] {
				if strings.Contains(m.Visible, s.next) {
					return true
				}
			}
			return false
		}); err != nil {
			t.Fatal(err)
		}
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
	if l := leads[0]; l.Name != "Ivy Jones" || l.Email != "ivy@example.com" || l.Phone != "" || l.Message != "Please call back about <b>invoice</b> 42" || l.Team != "support" {
		t.Errorf("lead %+v", l)
	}
	r.thread("the lead in the thread", func(ops []bridgetest.ThreadOp) bool {
		return len(postsContaining(ops, open.Thread, `Lead captured: Ivy Jones, ivy\@example.com: "Please call back about \<b\>invoice\</b\> 42"`)) == 1
	})
}
