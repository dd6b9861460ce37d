// Command bridge-bench drives the bridge through the platform fakes and
// reports throughput, delays end to end, lost and duplicated messages, and
// what the bridge cost (CPU, peak RSS, goroutines).
//
// It builds and starts the real bridge binary as a child process on a
// temporary SQLite store, wired to a Slack fake in this process (Socket
// Mode by default) and loaded by web widget users over WebSocket, and, when
// the scenario's channels say so, by Telegram users (the Telegram fake in
// this process, read by the bridge with getUpdates), WhatsApp users (the
// WhatsApp fake, delivering signed webhooks to the bridge) and Discord
// users (the Discord fake, REST and gateway, by direct message or in a
// support channel). A share of the users ask for a human: the scenario's
// workspaces split them between a team in Slack, whose agent in the Slack
// fake joins every thread, and a team in Discord, whose agent in the
// Discord fake clicks Join on every card and answers in its thread; both
// reply at the agent rate. The others talk to the knowledge base (the AI
// path, web users only). Every message carries a unique tag, so the report
// counts lost, duplicated and reordered messages end to end, per channel
// and per workspace.
//
// Usage:
//
//	bridge-bench [-scenario file.yaml] [-conversations N] [-rate R] [-handoff-share S]
//	             [-agent-rate A] [-duration D] [-slack-rate-limit] [-discord-rate-limit] [-json]
//	             [-bridge-cpus 1 -load-cpus 0] [-pprof] [-load-cpuprofile file]
//	             [-find-max [-max-p99 5ms] [-min-delivered 0.95]]
//	bridge-bench -attach http://127.0.0.1:8080 -handoff-share 0 ...   (the AI path of a running bridge)
//	bridge-bench -store postgres [-replicas N] [-dsn DSN] ...             (N replicas on one PostgreSQL database)
//
// With -store postgres it starts a private PostgreSQL server (as the tests
// do, internal/pgtest) or uses the empty database of -dsn, and runs
// -replicas bridge processes on it, each with its own port and data
// directory; web users are spread over them in turn, Slack's HTTP-mode
// events go through a round-robin balancer, and the report adds each
// replica's CPU and the PostgreSQL server's (its processes' CPU from
// /proc, when the bench started it). See docs/scaling.md (Figures).
//
// Flags override the scenario file; see docs/operations.md for its format.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"time"
)

func main() {
	var (
		scenarioPath  = flag.String("scenario", "", "scenario file (YAML or JSON); flags override it")
		conversations = flag.Int("conversations", 0, "widget users")
		rate          = flag.Float64("rate", 0, "user messages per second, all conversations together")
		handoffShare  = flag.Float64("handoff-share", -1, "share of conversations handed to an agent (0..1)")
		agentRate     = flag.Float64("agent-rate", -1, "agent replies per second, all handed-off conversations together")
		duration      = flag.Duration("duration", 0, "length of the measured phase")
		slackLimit    = flag.Bool("slack-rate-limit", false, "keep Slack's per-channel limit (fake and bridge pacing)")
		slackMode     = flag.String("slack-mode", "", "socket or http")
		discordLimit  = flag.Bool("discord-rate-limit", false, "keep Discord's rate limits in the Discord fake")
		attach        = flag.String("attach", "", "base URL of a running bridge to load instead of starting one (AI path only)")
		bridgeBin     = flag.String("bridge", "", "bridge binary to run (default: build cmd/bridge)")
		asJSON        = flag.Bool("json", false, "print the report as JSON")
		keep          = flag.Bool("keep", false, "keep the bridge's data directory")
		bridgePProf   = flag.Bool("pprof", false, "mount /debug/pprof on the bridge")
		bridgeCPUs    = flag.String("bridge-cpus", "", "pin the bridge child to these CPUs (taskset -c syntax: 1, 0,1, 0-3)")
		loadCPUs      = flag.String("load-cpus", "", "pin the load generator and the fakes (this process) to these CPUs")
		findMaxRate   = flag.Bool("find-max", false, "raise the rate until p99 or lag breaks the bounds and report the highest rate kept")
		maxP99        = flag.Duration("max-p99", 5*time.Millisecond, "with -find-max: the p99 delay bound")
		minDelivered  = flag.Float64("min-delivered", 0.95, "with -find-max: the share of the offered rate to deliver within the phase")
		loadProfile   = flag.String("load-cpuprofile", "", "write a CPU profile of the load generator and the fakes (this process) to this file")
		verbose       = flag.Bool("v", false, "log progress to standard error")
		store         = flag.String("store", storeSQLite, "the bridges' store: sqlite or postgres")
		replicas      = flag.Int("replicas", 1, "bridge processes on one PostgreSQL database (with -store postgres)")
		dsn           = flag.String("dsn", "", "an empty PostgreSQL database for -store postgres (default: a private server the bench starts)")
	)
	flag.Parse()
	s, err := loadScenario(*scenarioPath)
	if err != nil {
		fail(err)
	}
	flag.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "conversations":
			s.Conversations = *conversations
		case "rate":
			s.Rate = *rate
		case "handoff-share":
			s.HandoffShare = *handoffShare
		case "agent-rate":
			s.AgentRate = *agentRate
		case "duration":
			s.Duration = *duration
		case "slack-rate-limit":
			s.SlackRateLimit = *slackLimit
		case "slack-mode":
			s.SlackMode = *slackMode
		case "discord-rate-limit":
			s.DiscordRateLimit = *discordLimit
		}
	})
	if s.Drain == 0 {
		s.Drain = 30 * time.Second
	}
	o := options{scenario: s, attach: strings.TrimSuffix(*attach, "/"), bridge: *bridgeBin, keep: *keep, pprof: *bridgePProf, verbose: *verbose,
		store: *store, replicas: *replicas, dsn: *dsn}
	if o.bridgeCPUs, o.loadCPUs, err = pinning(*bridgeCPUs, *loadCPUs, o.attach != ""); err != nil {
		fail(err)
	}
	if *loadProfile != "" {
		f, err := os.Create(*loadProfile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var r *Report
	if *findMaxRate {
		r, err = findMax(ctx, o, Bounds{MaxP99: *maxP99, MinDelivered: *minDelivered}, os.Stderr)
		if err == nil && r == nil {
			err = fmt.Errorf("find-max: even %g msgs/s broke the bounds", s.Rate)
		}
		if r != nil {
			fmt.Fprintf(os.Stderr, "find-max: highest rate kept %g msgs/s (p99 bound %s, %.0f%% delivered within the phase)\n", r.Scenario.Rate, *maxP99, *minDelivered*100)
		}
	} else {
		r, err = run(ctx, o)
	}
	if err != nil {
		fail(err)
	}
	if *asJSON {
		if err := r.writeJSON(os.Stdout); err != nil {
			fail(err)
		}
	} else {
		r.print(os.Stdout)
	}
	if r.UserToAgent.Lost+r.UserToAgent.Duplicated+r.AgentToUser.Lost+r.AgentToUser.Duplicated > 0 {
		pprof.StopCPUProfile()
		os.Exit(2)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bridge-bench:", err)
	pprof.StopCPUProfile() // what was profiled is kept
	os.Exit(1)
}
