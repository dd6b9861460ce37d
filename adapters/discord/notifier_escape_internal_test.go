package discord

import (
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/bridge"
)

// What users typed (their name, the reason quoted from them, the lead's
// fields) shows in the bot's alert as typed: no masked link, no formatting.
func TestAlertShowsUserTextAsTyped(t *testing.T) {
	link := "[Verify your Discord session](https://evil.example)"
	n := bridge.Notification{Handoff: 7, Team: "support", UserName: link, Reason: "**urgent** " + link,
		Lead: &bridge.Lead{Name: link, Email: "eve@example.com"}}
	text := alertText("", n, "")
	if strings.Contains(text, "[Verify your Discord session](") || strings.Contains(text, "**urgent**") {
		t.Errorf("user text can format the alert:\n%s", text)
	}
	if !strings.Contains(discordUnescape(text), link) {
		t.Errorf("the alert does not show the name as typed:\n%s", text)
	}
}

// discordUnescape drops the backslashes Discord hides.
func discordUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(markdownChars, s[i+1]) >= 0 {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
