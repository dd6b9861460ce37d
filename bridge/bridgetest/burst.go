package bridgetest

import (
	"fmt"
	"regexp"
	"strconv"
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
