package rig

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Direction of a tagged message.
type Direction string

// Directions.
const (
	UserToAgent Direction = "u" // typed by the user, shown in the agent's thread
	AgentToUser Direction = "a" // typed by the agent, shown to the user
	UserToAI    Direction = "q" // asked by the user, answered by the AI (the answer quotes no tag)
)

// Tag is the unique marker a message carries in its text:
// "<direction>-<conversation>-<sequence>", e.g. u-c12-7. Conversations are
// named c<number>.
func Tag(d Direction, conv string, n int) string {
	return string(d) + "-" + conv + "-" + strconv.Itoa(n)
}

var tagPattern = regexp.MustCompile(`\b([uaq])-(c[0-9]+)-([0-9]+)\b`)

// TagRef is a parsed tag.
type TagRef struct {
	Dir  Direction
	Conv string
	N    int
}

// ParseTags returns the tags in a text, in order.
func ParseTags(text string) []TagRef {
	var out []TagRef
	for _, m := range tagPattern.FindAllStringSubmatch(text, -1) {
		n, err := strconv.Atoi(m[3])
		if err != nil {
			continue
		}
		out = append(out, TagRef{Dir: Direction(m[1]), Conv: m[2], N: n})
	}
	return out
}

type stream struct {
	dir  Direction
	conv string
}

// Ledger records every tagged message sent and every one seen at its
// destination, and tells lost, duplicated and out-of-order ones apart. It
// is safe for concurrent use.
type Ledger struct {
	mu   sync.Mutex
	sent map[stream]map[int]time.Time
	seen map[stream][]seenAt
	// pending counts sent messages not seen yet, of the directions whose
	// destination reports what it shows (see Direction.awaited).
	pending int
	changed chan struct{}
}

type seenAt struct {
	n  int
	at time.Time
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{sent: map[stream]map[int]time.Time{}, seen: map[stream][]seenAt{}, changed: make(chan struct{})}
}

// Sent records that a tagged message left at time at.
func (l *Ledger) Sent(d Direction, conv string, n int, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := stream{d, conv}
	if l.sent[s] == nil {
		l.sent[s] = map[int]time.Time{}
	}
	l.sent[s][n] = at
	if d.awaited() {
		l.pending++
	}
}

// awaited reports whether messages of d are looked for at their
// destination. A question to the AI is not: its answer quotes no tag, so
// nothing ever reports it seen, and counting it would keep Pending above
// zero for good (the askers count their answers themselves).
func (d Direction) awaited() bool { return d != UserToAI }

// Seen records the tags of one message as its destination shows it (one
// call per distinct platform message: a Slack ts, a widget message id), at
// time at. Tags of direction d only are counted.
func (l *Ledger) Seen(d Direction, text string, at time.Time) {
	tags := ParseTags(text)
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, t := range tags {
		if t.Dir != d {
			continue
		}
		s := stream{t.Dir, t.Conv}
		if !slices.ContainsFunc(l.seen[s], func(x seenAt) bool { return x.n == t.N }) {
			if _, ok := l.sent[s][t.N]; ok {
				l.pending--
			}
		}
		l.seen[s] = append(l.seen[s], seenAt{t.N, at})
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

// Pending is how many sent messages have not been seen yet (questions to
// the AI left out: see Direction.awaited), and a channel closed at the
// next change.
func (l *Ledger) Pending() (int, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pending, l.changed
}

// Result is the ledger's verdict for one direction.
type Result struct {
	Sent       int
	Delivered  int // distinct messages seen
	Lost       int
	Duplicated int // extra copies seen
	OutOfOrder int // messages seen before one sent earlier in their conversation
	// Problems describes the first lost, duplicated or reordered messages.
	Problems []string
	// Delays are the times from sending to the first sight, sorted.
	Delays []time.Duration
}

// maxProblems bounds the problems listed.
const maxProblems = 20

// Result checks direction d: each message sent is seen exactly once, in
// the order sent within its conversation.
func (l *Ledger) Result(d Direction) Result { return l.ResultFor(d, nil) }

// ResultFor is Result restricted to the conversations keep accepts (nil:
// all), e.g. those of one user channel.
func (l *Ledger) ResultFor(d Direction, keep func(conv string) bool) Result {
	l.mu.Lock()
	defer l.mu.Unlock()
	var r Result
	problem := func(format string, a ...any) {
		if len(r.Problems) < maxProblems {
			r.Problems = append(r.Problems, fmt.Sprintf(format, a...))
		}
	}
	for s, sent := range l.sent {
		if s.dir != d || keep != nil && !keep(s.conv) {
			continue
		}
		r.Sent += len(sent)
		copies := map[int]int{}
		last := 0
		for _, x := range l.seen[s] {
			copies[x.n]++
			if copies[x.n] > 1 {
				r.Duplicated++
				problem("%s seen %d times", Tag(d, s.conv, x.n), copies[x.n])
				continue
			}
			at, ok := sent[x.n]
			if !ok {
				problem("%s seen but never sent", Tag(d, s.conv, x.n))
				continue
			}
			r.Delivered++
			r.Delays = append(r.Delays, x.at.Sub(at))
			if x.n < last {
				r.OutOfOrder++
				problem("%s seen after %s", Tag(d, s.conv, x.n), Tag(d, s.conv, last))
			}
			last = max(last, x.n)
		}
		for n := range sent {
			if copies[n] == 0 {
				r.Lost++
				problem("%s lost", Tag(d, s.conv, n))
			}
		}
	}
	slices.Sort(r.Delays)
	slices.Sort(r.Problems)
	return r
}

// DeliveredBy counts the distinct messages of direction d first seen at or
// before t: what was relayed within a measured phase, without the drain.
func (l *Ledger) DeliveredBy(d Direction, t time.Time) int { return l.DeliveredByFor(d, t, nil) }

// DeliveredByFor is DeliveredBy restricted to the conversations keep
// accepts (nil: all).
func (l *Ledger) DeliveredByFor(d Direction, t time.Time, keep func(conv string) bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for s, seen := range l.seen {
		if s.dir != d || keep != nil && !keep(s.conv) {
			continue
		}
		first := map[int]bool{}
		for _, x := range seen {
			if !first[x.n] {
				first[x.n] = true
				if _, ok := l.sent[s][x.n]; ok && !x.at.After(t) {
					n++
				}
			}
		}
	}
	return n
}

// Percentile of sorted delays (p in 0..1); 0 when there are none.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p * float64(len(sorted)))
	return sorted[min(i, len(sorted)-1)]
}
