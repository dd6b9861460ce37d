package webhook

import (
	"net/http"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", defaultRetryAfter},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"0", minRetryAfter},
		{"-3", minRetryAfter},
		{"99999999999999999", maxRetryAfter},
		{"999999999999999999999999", defaultRetryAfter}, // overflows int64: unreadable
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), minRetryAfter},
		{now.Add(48 * time.Hour).Format(http.TimeFormat), maxRetryAfter},
		{"soon", defaultRetryAfter},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "1", "120", "-1", "Wed, 21 Oct 2015 07:28:00 GMT", "1e9", "soon"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d := parseRetryAfter(v, now)
		if d < minRetryAfter || d > maxRetryAfter {
			t.Fatalf("parseRetryAfter(%q) = %v, outside [%v, %v]", v, d, minRetryAfter, maxRetryAfter)
		}
	})
}
