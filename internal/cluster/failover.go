package cluster

import (
	"slices"
	"time"

	"github.com/handoffbridge/handoff/internal/connlog"
)

// Death is a replica killed (SIGKILL) or stopped (SIGTERM) by the test:
// signalled At, its process gone by Gone.
type Death struct {
	Replica int
	Signal  string // SIGKILL or SIGTERM
	At      time.Time
	Gone    time.Time
}

// Takeover is how a singleton came back after the death of the replica
// that held it.
type Takeover struct {
	Death Death
	// Down is when the dead holder's connection closed, Back when the
	// next one opened (zero: it never came back).
	Down, Back time.Time
}

// Took is the time from the holder's death to the next connection; it
// is meaningful only when Back is set.
func (t Takeover) Took() time.Duration { return t.Back.Sub(t.Death.At) }

// heldBy reports whether span s was the connection of the replica that
// died in d: open when it was signalled, closed while it went away (within
// grace after its process was gone, the time a fake takes to notice a
// closed socket).
func heldBy(s connlog.Span, d Death, grace time.Duration) bool {
	return s.OpenAt(d.At) && !s.Open() && !s.Closed.After(d.Gone.Add(grace))
}

// Takeovers lists, for each death that took the singleton's connection
// down, when the next connection opened. spans are one singleton's
// connections as its fake logged them.
func Takeovers(spans []connlog.Span, deaths []Death, grace time.Duration) []Takeover {
	var out []Takeover
	for _, d := range deaths {
		for _, s := range spans {
			if !heldBy(s, d, grace) {
				continue
			}
			t := Takeover{Death: d, Down: s.Closed}
			for _, next := range spans {
				if !next.Opened.Before(s.Closed) && next.Opened.After(d.At) && (t.Back.IsZero() || next.Opened.Before(t.Back)) {
					t.Back = next.Opened
				}
			}
			out = append(out, t)
			break
		}
	}
	slices.SortStableFunc(out, func(a, b Takeover) int { return a.Death.At.Compare(b.Death.At) })
	return out
}

// Unexcused returns the overlaps of spans that no failover explains: an
// overlap is excused only when the older connection was that of a replica
// dying at the time (see heldBy), which the fake had not seen close yet
// when the newer one opened after the death. Any other pair open at once
// is two replicas holding the singleton.
func Unexcused(spans []connlog.Span, deaths []Death, grace time.Duration) []connlog.Overlap {
	var out []connlog.Overlap
	for _, o := range connlog.Overlaps(spans) {
		excused := slices.ContainsFunc(deaths, func(d Death) bool { return !o.From.Before(d.At) && heldBy(o.First, d, grace) })
		if !excused {
			out = append(out, o)
		}
	}
	return out
}
