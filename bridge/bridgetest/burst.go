package bridgetest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// BurstReply is the text of the i-th reply of a burst an agent sends, as
// the merged-replies tests of each platform send them.
func BurstReply(i int) string { return fmt.Sprintf("burst reply %03d", i) }

var burstReply = regexp.MustCompile(`burst reply (\d{3})`)

// ReadBurst reads the replies of a burst of n out of the texts a user was
// sent, in order: carriers is how many texts held at least one, and
// problems says which reply is missing, came twice or out of order (none
// when all n came once each, in order).
func ReadBurst(texts []string, n int) (carriers int, problems []string) {
	seen := make([]int, n)
	next := 0
	for _, text := range texts {
		found := burstReply.FindAllStringSubmatch(text, -1)
		if len(found) > 0 {
			carriers++
		}
		for _, f := range found {
			i, _ := strconv.Atoi(f[1])
			if i >= n {
				problems = append(problems, fmt.Sprintf("reply %d is not of the burst", i))
				continue
			}
			seen[i]++
			if i != next {
				problems = append(problems, fmt.Sprintf("reply %d came where %d was due", i, next))
			}
			next = i + 1
		}
	}
	for i, c := range seen {
		switch {
		case c == 0:
			problems = append(problems, fmt.Sprintf("reply %d never came", i))
		case c > 1:
			problems = append(problems, fmt.Sprintf("reply %d came %d times", i, c))
		}
	}
	return carriers, problems
}

// CheckBurst fails t unless texts (what a user was sent, in order) hold
// the n replies of a burst once each, in order, in at most maxMessages
// messages, each of which starts with header (the agent's name as the
// channel shows it).
func CheckBurst(t testing.TB, texts []string, n, maxMessages int, header string) {
	t.Helper()
	for _, text := range texts {
		if burstReply.MatchString(text) && !strings.HasPrefix(text, header) {
			t.Errorf("a message of the burst does not start with %q: %.60q", header, text)
		}
	}
	carriers, problems := ReadBurst(texts, n)
	for _, p := range problems {
		t.Error(p)
	}
	if carriers > maxMessages {
		t.Errorf("the burst took %d messages, want at most %d", carriers, maxMessages)
	}
	t.Logf("%d replies in %d messages", n, carriers)
}
