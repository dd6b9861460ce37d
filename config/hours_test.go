package config

import (
	"testing"
	"time"
)

func TestParseHours(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	tests := []struct {
		name string
		h    Hours
		open []time.Time
		shut []time.Time
	}{
		{
			name: "weekdays in Paris",
			h:    Hours{Timezone: "Europe/Paris", Days: []string{"mon-fri"}, Open: "09:00", Close: "18:00"},
			open: []time.Time{time.Date(2025, 6, 2, 9, 0, 0, 0, paris)},                                             // Monday
			shut: []time.Time{time.Date(2025, 6, 2, 18, 0, 0, 0, paris), time.Date(2025, 6, 7, 12, 0, 0, 0, paris)}, // Saturday
		},
		{
			name: "default days are mon-fri, default zone UTC",
			h:    Hours{Open: "8:30", Close: "24:00"},
			open: []time.Time{time.Date(2025, 6, 6, 23, 59, 0, 0, time.UTC)},
			shut: []time.Time{time.Date(2025, 6, 8, 12, 0, 0, 0, time.UTC), time.Date(2025, 6, 6, 8, 29, 0, 0, time.UTC)},
		},
		{
			name: "wrapping range and overnight window",
			h:    Hours{Days: []string{"fri-sun"}, Open: "22:00", Close: "02:00"},
			open: []time.Time{time.Date(2025, 6, 6, 23, 0, 0, 0, time.UTC), time.Date(2025, 6, 9, 1, 0, 0, 0, time.UTC)}, // Fri night, early Monday
			shut: []time.Time{time.Date(2025, 6, 5, 23, 0, 0, 0, time.UTC)},                                              // Thursday
		},
		{
			name: "list and comma-separated items",
			h:    Hours{Days: []string{"Monday", "wed,fri"}, Open: "00:00", Close: "12:00"},
			open: []time.Time{time.Date(2025, 6, 4, 11, 0, 0, 0, time.UTC)},
			shut: []time.Time{time.Date(2025, 6, 3, 11, 0, 0, 0, time.UTC)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p problems
			b := parseHours(&p, "h", tt.h)
			if err := p.err(); err != nil {
				t.Fatal(err)
			}
			for _, at := range tt.open {
				if !b.IsOpen(at) {
					t.Errorf("closed at %v", at)
				}
			}
			for _, at := range tt.shut {
				if b.IsOpen(at) {
					t.Errorf("open at %v", at)
				}
			}
		})
	}
}

func TestParseClockRejects(t *testing.T) {
	for _, s := range []string{"", "9", "09:0", "09:60", "24:01", "+9:00", "-1:00", "09:00:00", "ab:cd"} {
		if _, err := parseClock(s, true); err == nil {
			t.Errorf("parseClock(%q) accepted", s)
		}
	}
	if _, err := parseClock("24:00", false); err == nil {
		t.Error("24:00 accepted as an opening time")
	}
}
