package discord

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFitLinesStaysWithinTheLimitAndCountsTheRest(t *testing.T) {
	lines := make([]string, 40)
	for i := range lines {
		lines[i] = fmt.Sprintf("• #%d %s", i+1, strings.Repeat("é", 90))
	}
	for _, tc := range []struct {
		name    string
		lines   []string
		limit   int
		shown   int
		trailer string
	}{
		{"all fit", lines[:3], 2000, 3, ""},
		{"cut with a count", lines, 2000, 20, "… and 20 more"},
		{"only the heading fits", lines, 120, 0, "… and 40 more"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fitLines("**Open handoffs**", tc.lines, tc.limit)
			if n := utf8.RuneCountInString(got); n > tc.limit {
				t.Fatalf("%d characters, limit %d", n, tc.limit)
			}
			if n := strings.Count(got, "• #"); n != tc.shown {
				t.Fatalf("%d lines shown, want %d:\n%s", n, tc.shown, got)
			}
			if tc.trailer != "" && !strings.HasSuffix(got, tc.trailer) || tc.trailer == "" && strings.Contains(got, "more") {
				t.Fatalf("ends %q, want trailer %q", got[max(0, len(got)-30):], tc.trailer)
			}
		})
	}
}
