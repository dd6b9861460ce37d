package web

import "testing"

func TestLimiterBucketsAreSweptWhenIdle(t *testing.T) {
	l := newLimiters(1, 1, 1, 1)
	for i := range sweepEvery - 1 {
		s, ip := l.acquire("s"+string(rune('a'+i%26))+string(rune(i)), "ip")
		l.release(s, ip)
	}
	if l.size() < 2 {
		t.Fatalf("buckets before the sweep: %d", l.size())
	}
	s, ip := l.acquire("kept", "ip")
	if got := l.size(); got != 2 {
		t.Errorf("after the sweep %d buckets, want the 2 in use", got)
	}
	l.release(s, ip)
}
