package discordfake

import (
	"strconv"
	"sync"
	"time"
)

// discordEpoch is the first millisecond of 2015, where snowflakes start.
const discordEpoch = 1420070400000

// snowflakes makes increasing Discord ids: the time in milliseconds since
// the Discord epoch, shifted left 22 bits, plus a counter. Ids made later
// always compare greater, which ?after= paging relies on.
type snowflakes struct {
	mu   sync.Mutex
	last uint64
}

func (s *snowflakes) next() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := uint64(time.Now().UnixMilli()-discordEpoch) << 22
	if id <= s.last {
		id = s.last + 1
	}
	s.last = id
	return strconv.FormatUint(id, 10)
}

// Less orders two snowflakes numerically.
func Less(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
