package discord_test

import "testing"

// The card's Summary field quotes the user's last messages, escaped: what
// the user wrote never becomes Discord markup on the card.
func TestCardSummaryExtractive(t *testing.T) {
	e := newEnv(t)
	e.webSays("s1", "s1-1", "my **order** 42 never arrived")
	out := e.webSays("s1", "s1-2", "talk to a human")
	if out.Handoff == 0 {
		t.Fatal("no handoff")
	}
	thread := e.card(out.Handoff)
	want := "Reason: The user asked for a human \\(\"talk to a human\"\\)\n" +
		"User: “my \\*\\*order\\*\\* 42 never arrived”\nUser: “talk to a human”"
	var got string
	for _, m := range e.fake.Messages(e.desk) {
		if m.ID == thread {
			for _, f := range m.Embeds[0].Fields {
				if f.Name == "Summary" {
					got = f.Value
				}
			}
		}
	}
	if got != want {
		t.Fatalf("card summary =\n%s\nwant\n%s", got, want)
	}
}
