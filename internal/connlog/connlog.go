package connlog

import (
	"slices"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/internal/waitfor"
)

// Span is one connection: open from Opened until Closed (zero while still
// open). Peer is the client's address as the fake saw it.
type Span struct {
	ID     int
	Peer   string
	Opened time.Time
	Closed time.Time
}

// Open reports whether the span had not closed when the log was read.
func (s Span) Open() bool { return s.Closed.IsZero() }

// OpenAt reports whether the span was open at t.
func (s Span) OpenAt(t time.Time) bool {
	return !t.Before(s.Opened) && (s.Open() || t.Before(s.Closed))
}

// Log records spans; the zero value is ready. It is safe for concurrent
// use.
type Log struct {
	mu      sync.Mutex
	spans   []Span
	changes waitfor.Changes
	now     func() time.Time // for tests; time.Now when nil
}

// Opened records a connection of peer opening now and returns its id, for
// Closed.
func (l *Log) Opened(peer string) int {
	l.mu.Lock()
	id := len(l.spans)
	l.spans = append(l.spans, Span{ID: id, Peer: peer, Opened: l.clock()})
	l.mu.Unlock()
	l.changes.Notify()
	return id
}

// Closed records that connection id closed now; a second call changes
// nothing.
func (l *Log) Closed(id int) {
	l.mu.Lock()
	if id >= 0 && id < len(l.spans) && l.spans[id].Open() {
		l.spans[id].Closed = l.clock()
	}
	l.mu.Unlock()
	l.changes.Notify()
}

func (l *Log) clock() time.Time {
	if l.now != nil {
		return l.now()
	}
	return time.Now()
}

// Spans returns a copy of the spans, in the order they opened.
func (l *Log) Spans() []Span {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.spans)
}

// OpenNow counts the spans open now.
func (l *Log) OpenNow() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.spans {
		if s.Open() {
			n++
		}
	}
	return n
}

// Changes is notified at each open and close, for waiting on the log
// (waitfor.Changes.Until).
func (l *Log) Changes() *waitfor.Changes { return &l.changes }

// Overlap is two spans open at once, from From until To (zero To: both
// still open). First opened before (or with) Second.
type Overlap struct {
	First, Second Span
	From, To      time.Time
}

// Overlaps lists every pair of spans open at the same time, in the order
// the overlaps began. A span closing at the instant another opens does not
// overlap it.
func Overlaps(spans []Span) []Overlap {
	sorted := slices.Clone(spans)
	slices.SortStableFunc(sorted, func(a, b Span) int { return a.Opened.Compare(b.Opened) })
	var out []Overlap
	for i, a := range sorted {
		for _, b := range sorted[i+1:] {
			// b opened at or after a; they overlap while a is still open.
			if !a.Open() && !b.Opened.Before(a.Closed) {
				continue
			}
			o := Overlap{First: a, Second: b, From: b.Opened}
			switch {
			case a.Open():
				o.To = b.Closed
			case b.Open():
				o.To = a.Closed
			default:
				o.To = a.Closed
				if b.Closed.Before(a.Closed) {
					o.To = b.Closed
				}
			}
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(x, y Overlap) int { return x.From.Compare(y.From) })
	return out
}

// Chain joins spans that follow one another within gap into one: the
// calls of a client that connects anew for each request (Telegram's long
// polls) as one presence. Spans that overlap are never joined (that is
// two clients), nor is anything joined to a span still open.
func Chain(spans []Span, gap time.Duration) []Span {
	sorted := slices.Clone(spans)
	slices.SortStableFunc(sorted, func(a, b Span) int { return a.Opened.Compare(b.Opened) })
	var out []Span
	for _, s := range sorted {
		if n := len(out); n > 0 {
			last := &out[n-1]
			if !last.Open() && !s.Opened.Before(last.Closed) && s.Opened.Sub(last.Closed) <= gap {
				last.Closed = s.Closed
				continue
			}
		}
		out = append(out, s)
	}
	return out
}
