package connlog

import (
	"testing"
	"time"
)

var t0 = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

func span(id, opened, closed int) Span {
	s := Span{ID: id, Opened: at(opened)}
	if closed >= 0 {
		s.Closed = at(closed)
	}
	return s
}

// TestOverlaps: pairs open at once are found, with when they overlapped;
// a hand-over at the same instant, or with a gap, is no overlap.
func TestOverlaps(t *testing.T) {
	type want struct{ first, second, from, to int } // to -1: still open
	tests := []struct {
		name  string
		spans []Span
		want  []want
	}{
		{"one after the other", []Span{span(0, 0, 5), span(1, 7, 9)}, nil},
		{"handed over at the same instant", []Span{span(0, 0, 5), span(1, 5, -1)}, nil},
		{"second inside the first", []Span{span(0, 0, 10), span(1, 3, 4)}, []want{{0, 1, 3, 4}}},
		{"second outlives the first", []Span{span(0, 0, 5), span(1, 3, 8)}, []want{{0, 1, 3, 5}}},
		{"both still open", []Span{span(0, 0, -1), span(1, 3, -1)}, []want{{0, 1, 3, -1}}},
		{"first still open, second closed", []Span{span(0, 0, -1), span(1, 3, 4)}, []want{{0, 1, 3, 4}}},
		{"listed out of order", []Span{span(1, 3, 8), span(0, 0, 5)}, []want{{0, 1, 3, 5}}},
		{"three at once", []Span{span(0, 0, 10), span(1, 2, 10), span(2, 4, 6)},
			[]want{{0, 1, 2, 10}, {0, 2, 4, 6}, {1, 2, 4, 6}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Overlaps(tt.spans)
			if len(got) != len(tt.want) {
				t.Fatalf("%d overlaps, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				to := time.Time{}
				if w.to >= 0 {
					to = at(w.to)
				}
				if g.First.ID != w.first || g.Second.ID != w.second || !g.From.Equal(at(w.from)) || !g.To.Equal(to) {
					t.Errorf("overlap %d: %d and %d from %v to %v, want %+v", i, g.First.ID, g.Second.ID, g.From, g.To, w)
				}
			}
		})
	}
}

// TestLog: spans are recorded as they open and close, a second close
// changes nothing, and OpenNow counts the open ones.
func TestLog(t *testing.T) {
	now := at(0)
	l := &Log{now: func() time.Time { return now }}
	a := l.Opened("127.0.0.1:1")
	now = at(2)
	b := l.Opened("127.0.0.1:2")
	if n := l.OpenNow(); n != 2 {
		t.Errorf("%d open, want 2", n)
	}
	now = at(3)
	l.Closed(a)
	now = at(9)
	l.Closed(a)
	spans := l.Spans()
	if len(spans) != 2 || !spans[0].Closed.Equal(at(3)) || !spans[1].Open() || spans[1].ID != b || spans[1].Peer != "127.0.0.1:2" {
		t.Fatalf("spans %+v", spans)
	}
	if !spans[0].OpenAt(at(1)) || spans[0].OpenAt(at(3)) || !spans[1].OpenAt(at(100)) {
		t.Errorf("OpenAt wrong for %+v", spans)
	}
	if n := l.OpenNow(); n != 1 {
		t.Errorf("%d open, want 1", n)
	}
}

// TestChain: spans following one another closely are one presence; a
// longer gap, an overlap or an open span keeps them apart.
func TestChain(t *testing.T) {
	tests := []struct {
		name  string
		spans []Span
		want  [][2]int // opened, closed (-1: open)
	}{
		{"calls back to back", []Span{span(0, 0, 2), span(1, 3, 5), span(2, 5, -1)}, [][2]int{{0, -1}}},
		{"a gap longer than allowed", []Span{span(0, 0, 2), span(1, 10, 12)}, [][2]int{{0, 2}, {10, 12}}},
		{"overlapping calls are two clients", []Span{span(0, 0, 5), span(1, 3, 8)}, [][2]int{{0, 5}, {3, 8}}},
		{"nothing joins an open span", []Span{span(0, 0, -1), span(1, 3, 4)}, [][2]int{{0, -1}, {3, 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Chain(tt.spans, 2*time.Second)
			if len(got) != len(tt.want) {
				t.Fatalf("chained %+v, want %v", got, tt.want)
			}
			for i, w := range tt.want {
				closed := time.Time{}
				if w[1] >= 0 {
					closed = at(w[1])
				}
				if !got[i].Opened.Equal(at(w[0])) || !got[i].Closed.Equal(closed) {
					t.Errorf("span %d: %+v, want %v", i, got[i], w)
				}
			}
		})
	}
}
