package whatsapp_test

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// TestLeadThanksShowsTheNameAsTyped: the bot's thanks carries the name the
// user gave in the lead form as typed: no WhatsApp formatting, and a
// Markdown link stays as typed instead of becoming "text (address)".
func TestLeadThanksShowsTheNameAsTyped(t *testing.T) {
	r := newRig(t, withSettings(func(s *bridge.Settings) {
		s.Teams["support"].Fallback, s.Teams["support"].Hours = bridge.FallbackLeadForm, &bridge.BusinessHours{}
	}))
	msgs := bridge.DefaultMessages()
	const name = "*Verify* _now_ ~x~ ```y``` [your account](https://evil.example)"

	_, body := r.fake.UserText(sheena, "Sheena", "talk to a human")
	r.deliver(body)
	for _, s := range []struct{ answer, next string }{
		{"", msgs.LeadName}, {name, msgs.LeadContact}, {"+1 650 555 1234", msgs.LeadMessage}, {"call me", "Thank you"},
	} {
		if s.answer != "" {
			_, body := r.fake.UserText(sheena, "Sheena", s.answer)
			r.deliver(body)
		}
		r.waitSent("the step after "+s.answer, containsText(s.next))
	}
	var thanks string
	for _, m := range r.fake.Sent(sheena) {
		if strings.Contains(m.Text, "Thank you") {
			thanks = m.Text
		}
	}
	if got, want := strings.ReplaceAll(thanks, "\u2060", ""), "Thank you, "+name+"."; !strings.HasPrefix(got, want) {
		t.Errorf("the thanks reads %q, want it to start %q", got, want)
	}
	if bare := formattingOutsideJoiners(thanks); bare != "" {
		t.Errorf("the thanks %q has a bare formatting character %q", thanks, bare)
	}
}

// formattingOutsideJoiners returns the first of WhatsApp's formatting
// characters in s not between word joiners, or "".
func formattingOutsideJoiners(s string) string {
	r := []rune(s)
	for i, c := range r {
		if strings.ContainsRune("*_~`", c) && (i == 0 || i == len(r)-1 || r[i-1] != '\u2060' || r[i+1] != '\u2060') {
			return string(c)
		}
	}
	return ""
}
