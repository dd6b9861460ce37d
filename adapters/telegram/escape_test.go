package telegram_test

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/telegram/telegramfake"
	"github.com/handoffbridge/handoff/bridge"
)

// withClosedLeadForm makes the support team fall back to the lead form at
// once: its business hours are open on no day.
func withClosedLeadForm() rigOption {
	return func(r *rig) {
		r.mutate = func(s *bridge.Settings) {
			s.Teams["support"].Fallback, s.Teams["support"].Hours = bridge.FallbackLeadForm, &bridge.BusinessHours{}
		}
	}
}

// TestLeadThanksShowsTheNameAsTyped: the bot's thanks carries the name the
// user gave in the lead form as text, never as a link or markup.
func TestLeadThanksShowsTheNameAsTyped(t *testing.T) {
	fo := telegramfake.Options{}
	fast(&fo)
	r := newRig(t, fo, withClosedLeadForm())
	ivy := telegramfake.User{ID: 1301, FirstName: "Ivy"}
	msgs := bridge.DefaultMessages()
	const name = `[Verify your session](https://evil.example) <a href="https://evil.example">now</a> **x**`

	r.fake.UserSays(ivy, "talk to a human")
	r.waitVisible(ivy.ID, msgs.LeadName)
	r.fake.UserSays(ivy, name)
	r.waitVisible(ivy.ID, msgs.LeadContact)
	r.fake.UserSays(ivy, "ivy@example.com")
	r.waitVisible(ivy.ID, msgs.LeadMessage)
	r.fake.UserSays(ivy, "call me")
	thanks := r.waitVisible(ivy.ID, "Thank you")

	if want := "Thank you, " + name + "."; !strings.Contains(thanks.Visible, want) {
		t.Errorf("the thanks shows %q, want %q", thanks.Visible, want)
	}
	if thanks.ParseMode != "HTML" || strings.Contains(thanks.Text, "<a") || strings.Contains(thanks.Text, "<b>") {
		t.Errorf("the thanks was sent as %s %q: want the name's markup escaped", thanks.ParseMode, thanks.Text)
	}
}
