package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestScenarioFiles(t *testing.T) {
	tests := []struct {
		file, body string
		want       Scenario
	}{
		{"s.yaml", "conversations: 600\nrate: 500\nhandoff_share: 1\nduration: 20s\n", func() Scenario {
			s := defaultScenario()
			s.Conversations, s.Rate, s.HandoffShare, s.Duration = 600, 500, 1, 20*time.Second
			return s
		}()},
		{"s.json", `{"conversations": 2400, "rate": 2000, "handoff_share": 0, "agent_rate": 0, "duration": "1m"}`, func() Scenario {
			s := defaultScenario()
			s.Conversations, s.Rate, s.HandoffShare, s.AgentRate, s.Duration = 2400, 2000, 0, 0, time.Minute
			return s
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := loadScenario(path)
			if err != nil {
				t.Fatal(err)
			}
			if got.Conversations != tt.want.Conversations || got.Rate != tt.want.Rate || got.HandoffShare != tt.want.HandoffShare ||
				got.AgentRate != tt.want.AgentRate || got.Duration != tt.want.Duration {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			if err := got.validate(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestShippedScenariosAreValid(t *testing.T) {
	files, _ := filepath.Glob("scenarios/*")
	if len(files) == 0 {
		t.Fatal("no scenarios shipped")
	}
	for _, f := range files {
		s, err := loadScenario(f)
		if err == nil {
			err = s.validate()
		}
		if err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestScenarioRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Scenario)
		want   string
	}{
		{"faster than the widget allows", func(s *Scenario) { s.Conversations, s.Rate = 10, 50 }, "raise conversations to at least 50"},
		{"share out of range", func(s *Scenario) { s.HandoffShare = 1.5 }, "handoff_share"},
		{"channel not implemented", func(s *Scenario) { s.Channels = map[string]float64{"web": 0.5, "sms": 0.5} }, "channels.sms: not implemented"},
		{"discord users on the AI path", func(s *Scenario) { s.Channels, s.HandoffShare = map[string]float64{"discord": 1}, 0.5 }, "channels.discord: only handed-off conversations"},
		{"telegram users on the AI path", func(s *Scenario) { s.Channels, s.HandoffShare = map[string]float64{"telegram": 1}, 0.5 }, "channels.telegram: only handed-off conversations"},
		{"negative share", func(s *Scenario) { s.Channels = map[string]float64{"web": 1, "whatsapp": -1} }, "channels.whatsapp: a share must not be negative"},
		{"no positive share", func(s *Scenario) { s.Channels = map[string]float64{"web": 0} }, "channels: no share is positive"},
		{"workspace not implemented", func(s *Scenario) { s.Workspaces = map[string]float64{"console": 1} }, "workspaces.console: not implemented"},
		{"negative workspace share", func(s *Scenario) { s.Workspaces = map[string]float64{"slack": 1, "discord": -1} }, "workspaces.discord: a share must not be negative"},
		{"no positive workspace share", func(s *Scenario) { s.Workspaces = map[string]float64{"slack": 0} }, "workspaces: no share is positive"},
		{"no duration", func(s *Scenario) { s.Duration = 0 }, "duration"},
		{"bad slack mode", func(s *Scenario) { s.SlackMode = "rtm" }, "slack_mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := defaultScenario()
			tt.change(&s)
			err := s.validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("validate = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestChannelMix(t *testing.T) {
	tests := []struct {
		name          string
		conversations int
		body          string // the scenario file's channels line
		want          map[string]int
	}{
		{"the default is all web", 10, "", map[string]int{"web": 10}},
		{"a file's mix replaces the default", 400, "channels: {telegram: 0.5, whatsapp: 0.5}", map[string]int{"telegram": 200, "whatsapp": 200}},
		{"three channels round to the total", 10, "channels: {web: 1, telegram: 1, whatsapp: 1}", map[string]int{"web": 3, "telegram": 4, "whatsapp": 3}},
		{"discord users last", 8, "channels: {discord: 1, web: 1}", map[string]int{"web": 4, "discord": 4}},
		{"zero shares are left out", 5, "channels: {web: 0, telegram: 2}", map[string]int{"telegram": 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.yaml")
			body := fmt.Sprintf("conversations: %d\nrate: 1\n%s\n", tt.conversations, tt.body)
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := loadScenario(path)
			if err != nil {
				t.Fatal(err)
			}
			got := s.counts()
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("counts %v, want %v", got, tt.want)
			}
			// Conversations are numbered channel by channel, in a fixed order.
			order := s.channelOf()
			if len(order) != tt.conversations {
				t.Fatalf("%d conversations assigned, want %d", len(order), tt.conversations)
			}
			for i := 1; i < len(order); i++ {
				if slices.Index(userChannels, order[i]) < slices.Index(userChannels, order[i-1]) {
					t.Fatalf("conversation %d is %s after %s", i, order[i], order[i-1])
				}
			}
		})
	}
}

func TestWorkspaceMix(t *testing.T) {
	tests := []struct {
		name          string
		conversations int
		handoffShare  float64
		body          string // the scenario file's workspaces line
		want          map[string]int
		wantOrder     string // the first workspaces, one letter each
	}{
		{"the default is all slack", 4, 1, "", map[string]int{"slack": 4}, "ssss"},
		{"halves alternate", 6, 1, "workspaces: {slack: 0.5, discord: 0.5}", map[string]int{"slack": 3, "discord": 3}, "sdsdsd"},
		{"only handed-off conversations count", 10, 0.4, "workspaces: {slack: 1, discord: 1}", map[string]int{"slack": 2, "discord": 2}, "sdsd"},
		{"a third to discord", 9, 1, "workspaces: {slack: 2, discord: 1}", map[string]int{"slack": 6, "discord": 3}, "sdssdssds"},
		{"discord only", 3, 1, "workspaces: {discord: 1}", map[string]int{"discord": 3}, "ddd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.yaml")
			body := fmt.Sprintf("conversations: %d\nrate: 1\nhandoff_share: %g\n%s\n", tt.conversations, tt.handoffShare, tt.body)
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := loadScenario(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.validate(); err != nil {
				t.Fatal(err)
			}
			if got := s.workspaceCounts(); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("counts %v, want %v", got, tt.want)
			}
			var order strings.Builder
			for _, w := range s.workspaceOf() {
				order.WriteByte(w[0])
			}
			if order.String() != tt.wantOrder {
				t.Fatalf("order %s, want %s", order.String(), tt.wantOrder)
			}
		})
	}
}
