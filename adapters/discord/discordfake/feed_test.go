package discordfake_test

import (
	"testing"

	"github.com/handoffbridge/handoff/adapters/discord/discordfake"
)

// TestCreatedReadsWhatIsNew: each message of any channel is returned once,
// in creation order, and Changed wakes the reader when one is added.
func TestCreatedReadsWhatIsNew(t *testing.T) {
	f := discordfake.New(discordfake.Options{})
	t.Cleanup(f.Close)
	desk, u := f.NewTextChannel("desk"), f.NewUser("uma")
	dm := f.NewDM(u)
	say := func(ch, text string) {
		t.Helper()
		if _, err := f.Say(ch, u, text); err != nil {
			t.Fatal(err)
		}
	}
	say(desk, "one")
	say(dm, "two")
	first, next := f.Created(0)
	changed := f.Changed()
	select {
	case <-changed:
		t.Fatal("Changed closed before any change")
	default:
	}
	say(desk, "three")
	<-changed // a hang here fails the test by its timeout
	second, last := f.Created(next)
	tests := []struct {
		name string
		got  []discordfake.Message
		want []string
	}{
		{"from the start", first, []string{"one", "two"}},
		{"only what is new", second, []string{"three"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.got) != len(tt.want) {
				t.Fatalf("got %d messages, want %v", len(tt.got), tt.want)
			}
			for i, m := range tt.got {
				if m.Content != tt.want[i] {
					t.Errorf("message %d is %q, want %q", i, m.Content, tt.want[i])
				}
			}
		})
	}
	if first[1].ChannelID != dm || last != 3 {
		t.Fatalf("second message in %s (want the DM %s); count %d, want 3", first[1].ChannelID, dm, last)
	}
	if none, n := f.Created(last); len(none) != 0 || n != last {
		t.Fatalf("nothing new: got %d messages, count %d", len(none), n)
	}
}
