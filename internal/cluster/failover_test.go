package cluster

import (
	"testing"
	"time"

	"github.com/handoffbridge/handoff/internal/connlog"
)

var t0 = time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)

func ms(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }

func span(id, opened, closed int) connlog.Span {
	s := connlog.Span{ID: id, Opened: ms(opened)}
	if closed >= 0 {
		s.Closed = ms(closed)
	}
	return s
}

func kill(replica, at int) Death {
	return Death{Replica: replica, Signal: "SIGKILL", At: ms(at), Gone: ms(at + 5)}
}

const grace = time.Second

// TestTakeovers: a death that closed the singleton's connection is
// measured to the next connection; deaths of other replicas, and a
// connection still open long after the death, are not the holder's.
func TestTakeovers(t *testing.T) {
	tests := []struct {
		name   string
		spans  []connlog.Span
		deaths []Death
		want   []time.Duration // -1: never came back
	}{
		{"holder killed, back 12 s later", []connlog.Span{span(0, 0, 1010), span(1, 13000, -1)},
			[]Death{kill(1, 1000)}, []time.Duration{12 * time.Second}},
		{"another replica killed", []connlog.Span{span(0, 0, -1)}, []Death{kill(2, 1000)}, nil},
		{"connection closed long after the death is not the holder's", []connlog.Span{span(0, 0, 5000), span(1, 6000, -1)},
			[]Death{kill(1, 1000)}, nil},
		{"never came back", []connlog.Span{span(0, 0, 1002)}, []Death{kill(1, 1000)}, []time.Duration{-1}},
		{"two holders killed in turn", []connlog.Span{span(0, 0, 1001), span(1, 15000, 20001), span(2, 30000, -1)},
			[]Death{kill(1, 1000), kill(3, 7000), kill(2, 20000)}, []time.Duration{14 * time.Second, 10 * time.Second}},
		{"stopped with SIGTERM: closed before the process was gone",
			[]connlog.Span{span(0, 0, 1300), span(1, 2000, -1)},
			[]Death{{Replica: 1, Signal: "SIGTERM", At: ms(1000), Gone: ms(4000)}}, []time.Duration{time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Takeovers(tt.spans, tt.deaths, grace)
			if len(got) != len(tt.want) {
				t.Fatalf("%d takeovers, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				switch {
				case w < 0 && !got[i].Back.IsZero():
					t.Errorf("takeover %d came back at %v, want never", i, got[i].Back)
				case w >= 0 && got[i].Took() != w:
					t.Errorf("takeover %d took %v, want %v", i, got[i].Took(), w)
				}
			}
		})
	}
}

// TestUnexcused: two connections open at once are excused only when the
// older one belonged to a replica dying at the time.
func TestUnexcused(t *testing.T) {
	tests := []struct {
		name   string
		spans  []connlog.Span
		deaths []Death
		want   int
	}{
		{"no overlap", []connlog.Span{span(0, 0, 1000), span(1, 1000, -1)}, nil, 0},
		{"two at once, nobody died", []connlog.Span{span(0, 0, -1), span(1, 500, -1)}, nil, 1},
		{"the dying holder's socket closed just after the successor opened",
			[]connlog.Span{span(0, 0, 1200), span(1, 1100, -1)}, []Death{kill(1, 1000)}, 0},
		{"the newer one belonged to the dying replica: still two holders",
			[]connlog.Span{span(0, 0, -1), span(1, 500, 1003)}, []Death{kill(2, 1000)}, 1},
		{"overlap before the holder's death", []connlog.Span{span(0, 0, 1001), span(1, 100, 300)}, []Death{kill(1, 1000)}, 1},
		{"three at once", []connlog.Span{span(0, 0, -1), span(1, 10, -1), span(2, 20, -1)}, nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Unexcused(tt.spans, tt.deaths, grace); len(got) != tt.want {
				t.Errorf("%d unexcused overlaps, want %d: %+v", len(got), tt.want, got)
			}
		})
	}
}
