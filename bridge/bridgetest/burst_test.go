package bridgetest

import (
	"strings"
	"testing"
)

func TestReadBurst(t *testing.T) {
	for _, tt := range []struct {
		name     string
		texts    []string
		carriers int
		problem  string // "" for none
	}{
		{"merged in order", []string{"Ana\n" + BurstReply(0) + "\n\n" + BurstReply(1), "joined", BurstReply(2)}, 2, ""},
		{"one missing", []string{BurstReply(0), BurstReply(2)}, 2, "reply 1 never came"},
		{"one twice", []string{BurstReply(0), BurstReply(1), BurstReply(1), BurstReply(2)}, 4, "reply 1 came 2 times"},
		{"out of order", []string{BurstReply(1), BurstReply(0), BurstReply(2)}, 3, "reply 1 came where 0 was due"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			carriers, problems := ReadBurst(tt.texts, 3)
			if carriers != tt.carriers {
				t.Errorf("carriers = %d, want %d", carriers, tt.carriers)
			}
			if got := strings.Join(problems, "; "); tt.problem == "" && got != "" || !strings.Contains(got, tt.problem) {
				t.Errorf("problems = %q, want %q", got, tt.problem)
			}
		})
	}
}
