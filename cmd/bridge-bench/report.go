package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/handoffbridge/handoff/internal/rig"
)

// Report is the outcome of one run; -json prints it as is.
type Report struct {
	Scenario     Scenario      `json:"scenario"`
	Duration     time.Duration `json:"duration_ns"`
	SetupSeconds float64       `json:"setup_seconds"`
	// BridgeCPUs and LoadCPUs are the CPUs the bridge and the load tool
	// were pinned to, as the kernel reports them; empty when not pinned.
	BridgeCPUs string `json:"bridge_cpus,omitempty"`
	LoadCPUs   string `json:"load_cpus,omitempty"`
	// RelayedPerSecond counts every message delivered during the phase:
	// both directions of the handoffs and the AI answers.
	RelayedPerSecond float64     `json:"relayed_per_second"`
	UserToAgent      Direction   `json:"user_to_agent"`
	AgentToUser      Direction   `json:"agent_to_user"`
	AI               AIResult    `json:"ai"`
	Bridge           BridgeUsage `json:"bridge"`
	// Refusals are user messages the bridge refused for a while (rate
	// limits), then took when resent.
	Refusals int `json:"refusals"`
	// BenchCPUSeconds is the load generator's and the fakes' own CPU time
	// during the phase, on the same machine.
	BenchCPUSeconds  float64 `json:"bench_cpu_seconds"`
	AgentPostErrors  int     `json:"agent_post_errors"`
	SlackRateLimited int     `json:"slack_429s"`
	// Channels splits both directions by user channel when the scenario
	// mixes channels or has no web users.
	Channels map[string]ChannelResult `json:"channels,omitempty"`
	// Workspaces splits both directions of the handoffs by agent
	// workspace when the scenario mixes them or has no Slack team.
	Workspaces map[string]WorkspaceResult `json:"workspaces,omitempty"`
	Telegram   *TelegramStats             `json:"telegram,omitempty"`
	WhatsApp   *WhatsAppStats             `json:"whatsapp,omitempty"`
	Discord    *DiscordStats              `json:"discord,omitempty"`
	// Store is the bridges' store (sqlite or postgres), Replicas each
	// bridge process's cost and Postgres the PostgreSQL server's, when the
	// bench started them.
	Store    string         `json:"store,omitempty"`
	Replicas []ReplicaUsage `json:"replicas,omitempty"`
	Postgres *PostgresUsage `json:"postgres,omitempty"`
	// LoadAverage is the machine's (1, 5, 15 min) when the phase began.
	LoadAverage string `json:"load_average,omitempty"`
}

// WorkspaceResult is one agent workspace's share of the handoff traffic.
type WorkspaceResult = ChannelResult

// DiscordStats are the Discord fake's 429 answers to the bridge's message
// posts and edits.
type DiscordStats struct {
	TooMany int `json:"429s"`
}

// ChannelResult is one user channel's (or agent workspace's) share of the
// handoff traffic.
type ChannelResult struct {
	Conversations int       `json:"conversations"`
	UserToAgent   Direction `json:"user_to_agent"`
	AgentToUser   Direction `json:"agent_to_user"`
}

// TelegramStats are the Telegram fake's error answers to the bridge.
type TelegramStats struct {
	TooMany     int `json:"429s"`
	Forbidden   int `json:"403s"`
	BadRequests int `json:"400s"`
	UpdateCalls int `json:"get_updates_calls"`
}

// WhatsAppStats are the WhatsApp fake's error answers to the bridge and
// the webhook deliveries the bridge did not take at once.
type WhatsAppStats struct {
	TooMany       int `json:"429s"`
	OutsideWindow int `json:"outside_window"`
	Invalid       int `json:"invalid"`
	Redeliveries  int `json:"webhook_redeliveries"`
}

// Direction is one direction's count and delays, checked by tags end to
// end.
type Direction struct {
	Sent      int `json:"sent"`
	Delivered int `json:"delivered"`
	// InPhase were delivered before the phase ended; PerSecond is their
	// rate (what arrived during the drain shows in Delivered only).
	InPhase    int      `json:"delivered_in_phase"`
	PerSecond  float64  `json:"per_second"`
	Lost       int      `json:"lost"`
	Duplicated int      `json:"duplicated"`
	OutOfOrder int      `json:"out_of_order"`
	Problems   []string `json:"problems,omitempty"`
	Delay      Latency  `json:"delay"`
}

// AIResult is the AI path: questions asked and answers received.
type AIResult struct {
	Asked     int     `json:"asked"`
	Answered  int     `json:"answered"`
	InPhase   int     `json:"answered_in_phase"`
	PerSecond float64 `json:"per_second"`
	Delay     Latency `json:"delay"`
}

// Latency percentiles, in milliseconds.
type Latency struct {
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// BridgeUsage is what the bridge process cost.
type BridgeUsage struct {
	CPUSeconds          float64 `json:"cpu_seconds"`
	CPUMicrosPerMessage float64 `json:"cpu_us_per_message"`
	// The CPU per message split into user space and the kernel (zero
	// for an attached bridge).
	UserMicrosPerMessage float64 `json:"user_us_per_message,omitempty"`
	SysMicrosPerMessage  float64 `json:"sys_us_per_message,omitempty"`
	// SetupCPUSeconds is what connecting the users and opening and
	// joining the handoffs cost the bridge, before the phase.
	SetupCPUSeconds float64 `json:"setup_cpu_seconds,omitempty"`
	PeakRSSBytes    uint64  `json:"peak_rss_bytes"`
	PeakGoroutines  int     `json:"peak_goroutines"`
}

func latencyOf(sorted []time.Duration) Latency {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	if len(sorted) == 0 {
		return Latency{}
	}
	return Latency{P50: ms(rig.Percentile(sorted, 0.50)), P90: ms(rig.Percentile(sorted, 0.90)),
		P99: ms(rig.Percentile(sorted, 0.99)), Max: ms(sorted[len(sorted)-1])}
}

func directionOf(r rig.Result, inPhase int, d time.Duration) Direction {
	return Direction{Sent: r.Sent, Delivered: r.Delivered, InPhase: inPhase, PerSecond: float64(inPhase) / d.Seconds(), Lost: r.Lost,
		Duplicated: r.Duplicated, OutOfOrder: r.OutOfOrder, Problems: r.Problems, Delay: latencyOf(r.Delays)}
}

// print writes the human-readable report.
func (r *Report) print(w io.Writer) {
	s := r.Scenario
	fmt.Fprintf(w, "scenario: %d conversations (%d handed off to agents), %g user msgs/s, %g agent msgs/s, %s\n",
		s.Conversations, s.handedOff(), s.Rate, s.AgentRate, s.Duration)
	if len(r.Channels) > 0 {
		var mix []string
		for _, c := range userChannels {
			if n := r.Channels[c].Conversations; n > 0 {
				mix = append(mix, fmt.Sprintf("%d %s", n, c))
			}
		}
		fmt.Fprintf(w, "users: %s\n", strings.Join(mix, ", "))
	}
	if len(r.Workspaces) > 0 {
		var mix []string
		for _, ws := range agentWorkspaces {
			if n := r.Workspaces[ws].Conversations; n > 0 {
				mix = append(mix, fmt.Sprintf("%d %s", n, ws))
			}
		}
		fmt.Fprintf(w, "handoffs: %s\n", strings.Join(mix, ", "))
	}
	if r.BridgeCPUs != "" || r.LoadCPUs != "" {
		fmt.Fprintf(w, "pinned: bridge to CPUs %s, load generator and fakes to CPUs %s\n", orAll(r.BridgeCPUs), orAll(r.LoadCPUs))
	}
	fmt.Fprintf(w, "relayed: %.0f msgs/s during the phase (both directions and AI answers)\n", r.RelayedPerSecond)
	dir := func(name string, d Direction) {
		if d.Sent == 0 {
			return
		}
		fmt.Fprintf(w, "%-12s sent %d, delivered %d (%d in the phase: %.0f/s), lost %d, duplicated %d, out of order %d; delay p50 %.2fms p90 %.2fms p99 %.2fms max %.2fms\n",
			name, d.Sent, d.Delivered, d.InPhase, d.PerSecond, d.Lost, d.Duplicated, d.OutOfOrder, d.Delay.P50, d.Delay.P90, d.Delay.P99, d.Delay.Max)
		for _, p := range d.Problems {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	dir("user→agent", r.UserToAgent)
	dir("agent→user", r.AgentToUser)
	for _, c := range userChannels {
		if ch, ok := r.Channels[c]; ok && ch.Conversations > 0 {
			dir("  "+c+" user→agent", ch.UserToAgent)
			dir("  "+c+" agent→user", ch.AgentToUser)
		}
	}
	for _, ws := range agentWorkspaces {
		if res, ok := r.Workspaces[ws]; ok && res.Conversations > 0 {
			dir("  "+ws+" team user→agent", res.UserToAgent)
			dir("  "+ws+" team agent→user", res.AgentToUser)
		}
	}
	if r.AI.Asked > 0 {
		fmt.Fprintf(w, "%-12s asked %d, answered %d (%d in the phase: %.0f/s); delay p50 %.2fms p90 %.2fms p99 %.2fms max %.2fms\n", "AI",
			r.AI.Asked, r.AI.Answered, r.AI.InPhase, r.AI.PerSecond, r.AI.Delay.P50, r.AI.Delay.P90, r.AI.Delay.P99, r.AI.Delay.Max)
	}
	fmt.Fprintf(w, "bridge: %.2f CPU s (%.0f µs per relayed msg: user %.0f, system %.0f), peak RSS %.1f MiB, peak goroutines %d, set-up %.2f CPU s\n",
		r.Bridge.CPUSeconds, r.Bridge.CPUMicrosPerMessage, r.Bridge.UserMicrosPerMessage, r.Bridge.SysMicrosPerMessage,
		float64(r.Bridge.PeakRSSBytes)/(1<<20), r.Bridge.PeakGoroutines, r.Bridge.SetupCPUSeconds)
	r.printCluster(w)
	fmt.Fprintf(w, "load generator and fakes: %.2f CPU s; machine load average %s at the start\n", r.BenchCPUSeconds, r.LoadAverage)
	fmt.Fprintf(w, "widget refusals %d, agent post errors %d, Slack 429s %d, setup %.1fs\n", r.Refusals, r.AgentPostErrors, r.SlackRateLimited, r.SetupSeconds)
	if t := r.Telegram; t != nil {
		fmt.Fprintf(w, "Telegram fake: %d 429s, %d 403s, %d 400s, %d getUpdates calls\n", t.TooMany, t.Forbidden, t.BadRequests, t.UpdateCalls)
	}
	if a := r.WhatsApp; a != nil {
		fmt.Fprintf(w, "WhatsApp fake: %d 429s, %d outside the window, %d invalid; %d webhook redeliveries\n", a.TooMany, a.OutsideWindow, a.Invalid, a.Redeliveries)
	}
	if d := r.Discord; d != nil {
		fmt.Fprintf(w, "Discord fake: %d 429s on message posts and edits\n", d.TooMany)
	}
}

func (r *Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// sampler keeps the peaks of RSS and goroutines while the phase runs.
type sampler struct {
	t          *target
	mu         sync.Mutex
	rss        uint64
	goroutines int
}

func newSampler(t *target) *sampler { return &sampler{t: t} }

func (s *sampler) run(ctx context.Context) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		u, uerr := s.t.usage(ctx)
		g, gerr := rig.ScrapeGauge(ctx, s.t.baseURL+"/metrics", "go_goroutines")
		s.mu.Lock()
		if uerr == nil {
			s.rss = max(s.rss, u.RSSBytes)
		}
		if gerr == nil {
			s.goroutines = max(s.goroutines, g)
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *sampler) peakRSS() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rss
}

func (s *sampler) peakGoroutines() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.goroutines
}

func orAll(cpus string) string {
	if cpus == "" {
		return "(not pinned)"
	}
	return cpus
}
