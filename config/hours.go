package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time zones work without a system database

	"github.com/handoffbridge/handoff/bridge"
)

// Hours is a team's weekly opening window.
type Hours struct {
	// Timezone is an IANA name such as Europe/Paris; empty means UTC.
	Timezone string `mapstructure:"timezone"`
	// Days lists days ("mon", "tue", …) and ranges ("mon-fri"); empty means
	// mon-fri.
	Days []string `mapstructure:"days"`
	// Open and Close are HH:MM; a Close at or before Open means the window
	// ends the next day.
	Open  string `mapstructure:"open"`
	Close string `mapstructure:"close"`
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday,
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
}

// parseHours turns h into business hours, reporting problems under path.
func parseHours(p *problems, path string, h Hours) *bridge.BusinessHours {
	b := &bridge.BusinessHours{}
	ok := true
	loc, err := time.LoadLocation(h.Timezone)
	if err != nil {
		p.add(path+".timezone", fmt.Errorf("unknown time zone %q: %w", h.Timezone, err))
		ok = false
	}
	b.Location = loc
	days := h.Days
	if len(days) == 0 {
		days = []string{"mon-fri"}
	}
	for i, item := range days {
		if err := addDays(&b.Days, item); err != nil {
			p.add(index(path+".days", i), err)
			ok = false
		}
	}
	if b.Open, err = parseClock(h.Open, false); err != nil {
		p.add(path+".open", err)
		ok = false
	}
	if b.Close, err = parseClock(h.Close, true); err != nil {
		p.add(path+".close", err)
		ok = false
	}
	if ok && b.Open == b.Close {
		p.addf(path+".close", "equals open (%s): the window would be empty", h.Open)
		ok = false
	}
	if !ok {
		return nil
	}
	return b
}

// addDays marks the days named by item: "mon", "mon-fri", "fri-mon" or a
// comma-separated list of those.
func addDays(set *[7]bool, item string) error {
	for part := range strings.SplitSeq(item, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		from, to, isRange := strings.Cut(part, "-")
		first, ok1 := weekdays[strings.TrimSpace(from)]
		last, ok2 := first, true
		if isRange {
			last, ok2 = weekdays[strings.TrimSpace(to)]
		}
		if !ok1 || !ok2 {
			return fmt.Errorf("bad day %q, want mon, tue, wed, thu, fri, sat, sun or a range such as mon-fri", part)
		}
		for d := first; ; d = (d + 1) % 7 {
			set[d] = true
			if d == last {
				break
			}
		}
	}
	return nil
}

// parseClock reads "HH:MM" as a duration since midnight; "24:00" is allowed
// for a closing time.
func parseClock(s string, closing bool) (time.Duration, error) {
	hh, mm, found := strings.Cut(strings.TrimSpace(s), ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	valid := found && err1 == nil && err2 == nil && digits(hh) && digits(mm) && len(mm) == 2 && len(hh) <= 2 &&
		h >= 0 && m >= 0 && m < 60 && (h < 24 || (closing && h == 24 && m == 0))
	if !valid {
		return 0, fmt.Errorf("bad time %q, want HH:MM such as 09:00", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// digits reports whether s is a non-empty run of ASCII digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
