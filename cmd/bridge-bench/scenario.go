package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Scenario is one load run. It is read from a YAML or JSON file (-scenario)
// and flags override its fields.
type Scenario struct {
	// Conversations is the number of users, all channels together.
	Conversations int `yaml:"conversations" json:"conversations"`
	// Channels is the mix of user channels, as shares: web (widget users
	// over WebSocket), telegram (users of the Telegram fake, read by the
	// bridge with getUpdates), whatsapp (users of the WhatsApp fake,
	// delivered to the bridge as signed webhooks) and discord (users of the
	// Discord fake: three in four by direct message to the bot, one in four
	// in a support channel) and api (users of an outside bot on the handoff
	// API, their replies arriving as signed callbacks). Telegram, WhatsApp,
	// Discord and API users are all handed off (handoff_share 1).
	Channels map[string]float64 `yaml:"channels" json:"channels"`
	// Workspaces is the mix of agent workspaces, as shares of the handed-off
	// conversations: slack (a team whose agent answers from Slack threads
	// in the Slack fake) and discord (a team whose agent answers from
	// Discord threads in the Discord fake). Conversations alternate
	// between them in proportion, so every user channel meets both.
	Workspaces map[string]float64 `yaml:"workspaces" json:"workspaces"`
	// Rate is the user messages per second, all conversations together.
	Rate float64 `yaml:"rate" json:"rate"`
	// HandoffShare is the share of conversations handed to an agent (0..1);
	// the others talk to the knowledge base (the AI path).
	HandoffShare float64 `yaml:"handoff_share" json:"handoff_share"`
	// AgentRate is the agent replies per second, all handed-off
	// conversations together.
	AgentRate float64 `yaml:"agent_rate" json:"agent_rate"`
	// Duration of the measured phase (after all conversations are set up).
	Duration time.Duration `yaml:"duration" json:"duration"`
	// Drain bounds the wait for messages in flight after the phase.
	Drain time.Duration `yaml:"drain" json:"drain"`
	// SlackRateLimit keeps Slack's per-channel limit in the fake and the
	// bridge's matching pacing (off for throughput runs).
	SlackRateLimit bool `yaml:"slack_rate_limit" json:"slack_rate_limit"`
	// SlackMode is socket or http.
	SlackMode string `yaml:"slack_mode" json:"slack_mode"`
	// DiscordRateLimit keeps Discord's limits in the Discord fake (5
	// messages per 5 s per channel, 50 requests per second per bot), which
	// the bridge follows from the rate-limit headers (off for throughput
	// runs).
	DiscordRateLimit bool `yaml:"discord_rate_limit" json:"discord_rate_limit"`
}

// defaultScenario is a short mixed run.
func defaultScenario() Scenario {
	return Scenario{Conversations: 200, Channels: map[string]float64{"web": 1}, Workspaces: map[string]float64{"slack": 1},
		Rate: 100, HandoffShare: 1, AgentRate: 50, Duration: 20 * time.Second, Drain: 30 * time.Second, SlackMode: "socket"}
}

// loadScenario reads a scenario file over the defaults.
func loadScenario(path string) (Scenario, error) {
	s := defaultScenario()
	if path == "" {
		return s, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("read scenario: %w", err)
	}
	// JSON is YAML: one decoder reads both. Maps would be merged into the
	// defaults' (web 1 plus the file's channels): a file's mix replaces them.
	channels, workspaces := s.Channels, s.Workspaces
	s.Channels, s.Workspaces = nil, nil
	if err := yaml.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("scenario %s: %w", path, err)
	}
	if s.Channels == nil {
		s.Channels = channels
	}
	if s.Workspaces == nil {
		s.Workspaces = workspaces
	}
	return s, nil
}

// sessionRate is the widget's default per-session limit (1 message/s with
// a burst of 5): one conversation cannot send faster.
const sessionRate = 1.0

func (s Scenario) validate() error {
	var errs []error
	if s.Conversations < 1 {
		errs = append(errs, errors.New("conversations: must be at least 1"))
	}
	if s.Rate <= 0 {
		errs = append(errs, errors.New("rate: must be positive"))
	} else if s.Conversations > 0 && s.Rate/float64(s.Conversations) > sessionRate {
		errs = append(errs, fmt.Errorf("rate: %g messages/s over %d conversations is over the widget's %g message/s per session: raise conversations to at least %d",
			s.Rate, s.Conversations, sessionRate, int(s.Rate/sessionRate+0.999)))
	}
	if s.HandoffShare < 0 || s.HandoffShare > 1 {
		errs = append(errs, errors.New("handoff_share: want 0..1"))
	}
	if s.AgentRate < 0 {
		errs = append(errs, errors.New("agent_rate: must not be negative"))
	}
	if s.Duration <= 0 {
		errs = append(errs, errors.New("duration: must be positive"))
	}
	total := 0.0
	for _, k := range slices.Sorted(maps.Keys(s.Channels)) {
		v := s.Channels[k]
		switch {
		case v < 0:
			errs = append(errs, fmt.Errorf("channels.%s: a share must not be negative", k))
		case !slices.Contains(userChannels, k) && v > 0:
			errs = append(errs, fmt.Errorf("channels.%s: not implemented yet (%s)", k, strings.Join(userChannels, ", ")))
		case k != "web" && v > 0 && s.HandoffShare != 1:
			errs = append(errs, fmt.Errorf("channels.%s: only handed-off conversations are implemented for %s users: set handoff_share 1", k, k))
		}
		total += max(v, 0)
	}
	if len(s.Channels) > 0 && total == 0 {
		errs = append(errs, errors.New("channels: no share is positive"))
	}
	wsTotal := 0.0
	for _, k := range slices.Sorted(maps.Keys(s.Workspaces)) {
		v := s.Workspaces[k]
		switch {
		case v < 0:
			errs = append(errs, fmt.Errorf("workspaces.%s: a share must not be negative", k))
		case !slices.Contains(agentWorkspaces, k) && v > 0:
			errs = append(errs, fmt.Errorf("workspaces.%s: not implemented yet (%s)", k, strings.Join(agentWorkspaces, ", ")))
		}
		wsTotal += max(v, 0)
	}
	if len(s.Workspaces) > 0 && wsTotal == 0 {
		errs = append(errs, errors.New("workspaces: no share is positive"))
	}
	if s.SlackMode != "socket" && s.SlackMode != "http" {
		errs = append(errs, fmt.Errorf("slack_mode: want socket or http, got %q", s.SlackMode))
	}
	return errors.Join(errs...)
}

// userChannels are the user channels the bench drives, in the order their
// conversations are numbered.
var userChannels = []string{"web", "telegram", "whatsapp", "discord", "api"}

// agentWorkspaces are the agent workspaces the bench drives, each with a
// team of its own.
var agentWorkspaces = []string{"slack", "discord"}

// channelOf returns the user channel of each conversation, by index: the
// shares rounded, in the order of userChannels (the last one takes what
// rounding left).
func (s Scenario) channelOf() []string {
	total := 0.0
	for _, c := range userChannels {
		total += max(s.Channels[c], 0)
	}
	if total == 0 {
		return slices.Repeat([]string{"web"}, s.Conversations)
	}
	out := make([]string, 0, s.Conversations)
	acc := 0.0
	for _, c := range userChannels {
		acc += max(s.Channels[c], 0)
		upTo := int(float64(s.Conversations)*acc/total + 0.5)
		for len(out) < upTo {
			out = append(out, c)
		}
	}
	return out
}

// counts is how many conversations each user channel has.
func (s Scenario) counts() map[string]int {
	n := map[string]int{}
	for _, c := range s.channelOf() {
		n[c]++
	}
	return n
}

func (s Scenario) handedOff() int {
	return int(float64(s.Conversations)*s.HandoffShare + 0.5)
}

// workspaceOf returns the agent workspace of each handed-off conversation,
// by index: each one goes to the workspace furthest behind its share, so
// that the workspaces alternate along the conversations (and every user
// channel, numbered in blocks, meets each) and the counts round to the
// shares. Without a positive share all go to slack.
func (s Scenario) workspaceOf() []string {
	handed := s.handedOff()
	total := 0.0
	for _, w := range agentWorkspaces {
		total += max(s.Workspaces[w], 0)
	}
	out := make([]string, 0, handed)
	if total == 0 {
		return slices.Repeat([]string{"slack"}, handed)
	}
	got := map[string]int{}
	for i := range handed {
		best, behind := "", -1.0
		for _, w := range agentWorkspaces {
			share := max(s.Workspaces[w], 0) / total
			if share == 0 {
				continue
			}
			if b := share*float64(i+1) - float64(got[w]); b > behind {
				best, behind = w, b
			}
		}
		got[best]++
		out = append(out, best)
	}
	return out
}

// workspaceCounts is how many handed-off conversations each workspace has.
func (s Scenario) workspaceCounts() map[string]int {
	n := map[string]int{}
	for _, w := range s.workspaceOf() {
		n[w]++
	}
	return n
}
