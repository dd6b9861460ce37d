package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"
)

// Bounds are what a rate must keep to count as sustained in -find-max.
type Bounds struct {
	// MaxP99 bounds the p99 delay of every direction with traffic.
	MaxP99 time.Duration
	// MinDelivered is the share of the offered rate that must be delivered
	// within the phase: below it the bridge lags behind (a backlog grows).
	MinDelivered float64
}

// verdict says whether r kept the bounds, and if not, why.
func (b Bounds) verdict(r *Report) (ok bool, why string) {
	if lost := r.UserToAgent.Lost + r.AgentToUser.Lost + r.UserToAgent.Duplicated + r.AgentToUser.Duplicated; lost > 0 {
		return false, fmt.Sprintf("%d lost or duplicated", lost)
	}
	offered := r.Scenario.Rate + r.Scenario.AgentRate
	if r.Scenario.handedOff() == 0 {
		offered = r.Scenario.Rate
	}
	if got := r.RelayedPerSecond; got < b.MinDelivered*offered {
		return false, fmt.Sprintf("lags: %.0f of %.0f msgs/s delivered within the phase", got, offered)
	}
	for _, d := range []struct {
		name string
		p99  float64
		n    int
	}{{"user→agent", r.UserToAgent.Delay.P99, r.UserToAgent.Sent}, {"agent→user", r.AgentToUser.Delay.P99, r.AgentToUser.Sent}, {"AI", r.AI.Delay.P99, r.AI.Asked}} {
		if d.n > 0 && d.p99 > float64(b.MaxP99.Microseconds())/1000 {
			return false, fmt.Sprintf("%s p99 %.1f ms over %s", d.name, d.p99, b.MaxP99)
		}
	}
	return true, ""
}

// findMax raises the rate from the scenario's (×1.5 a step) until a run
// breaks the bounds, then halves the gap between the highest rate kept and
// the lowest broken until it is under 10% of the former. Each step is a
// whole run on a fresh bridge, with conversations enough for the rate. The
// agent rate, if any, rises in proportion. It returns the report of the
// highest rate kept (nil if even the first broke the bounds).
func findMax(ctx context.Context, o options, b Bounds, log io.Writer) (*Report, error) {
	base := o.scenario
	try := func(rate float64) (*Report, bool, error) {
		step := o
		step.scenario.Rate = rate
		step.scenario.AgentRate = base.AgentRate * rate / base.Rate
		step.scenario.Conversations = max(base.Conversations, int(math.Ceil(rate/sessionRate)))
		r, err := run(ctx, step)
		if err != nil {
			if ctx.Err() != nil {
				return nil, false, fmt.Errorf("at %.0f msgs/s: %w", rate, err)
			}
			// A run that could not even be set up at this rate broke it.
			fmt.Fprintf(log, "find-max: %.0f msgs/s offered: broken: %v\n", rate, err)
			return nil, false, nil
		}
		ok, why := b.verdict(r)
		verdict := "kept"
		if !ok {
			verdict = "broken: " + why
		}
		fmt.Fprintf(log, "find-max: %.0f msgs/s offered, %.0f relayed, p99 u→a %.2f a→u %.2f AI %.2f ms, bridge %.0f µs/msg: %s\n",
			rate, r.RelayedPerSecond, r.UserToAgent.Delay.P99, r.AgentToUser.Delay.P99, r.AI.Delay.P99, r.Bridge.CPUMicrosPerMessage, verdict)
		return r, ok, nil
	}
	var best *Report
	kept, broken := 0.0, 0.0
	for rate := base.Rate; broken == 0; rate *= 1.5 {
		r, ok, err := try(rate)
		if err != nil {
			return best, err
		}
		if !ok {
			broken = rate
			break
		}
		best, kept = r, rate
	}
	for kept > 0 && broken-kept > 0.1*kept {
		rate := math.Round((kept + broken) / 2)
		r, ok, err := try(rate)
		if err != nil {
			return best, err
		}
		if ok {
			best, kept = r, rate
		} else {
			broken = rate
		}
	}
	return best, nil
}
