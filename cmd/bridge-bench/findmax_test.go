package main

import (
	"strings"
	"testing"
	"time"
)

func TestBoundsVerdict(t *testing.T) {
	b := Bounds{MaxP99: 5 * time.Millisecond, MinDelivered: 0.95}
	kept := func() *Report {
		return &Report{Scenario: Scenario{Conversations: 600, Rate: 500, HandoffShare: 1}, RelayedPerSecond: 498,
			UserToAgent: Direction{Sent: 5000, Delay: Latency{P99: 4.9}}}
	}
	for _, tt := range []struct {
		name   string
		change func(r *Report)
		why    string // "" when kept
	}{
		{"within the bounds", func(*Report) {}, ""},
		{"p99 over", func(r *Report) { r.UserToAgent.Delay.P99 = 5.1 }, "user→agent p99 5.1 ms"},
		{"lagging", func(r *Report) { r.RelayedPerSecond = 400 }, "lags: 400 of 500"},
		{"a lost message", func(r *Report) { r.UserToAgent.Lost = 1 }, "1 lost or duplicated"},
		{"no agent traffic: its p99 does not count", func(r *Report) { r.AgentToUser.Delay.P99 = 50 }, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := kept()
			tt.change(r)
			ok, why := b.verdict(r)
			if ok != (tt.why == "") || !strings.Contains(why, tt.why) {
				t.Errorf("verdict = %v %q, want kept=%v %q", ok, why, tt.why == "", tt.why)
			}
		})
	}
}
