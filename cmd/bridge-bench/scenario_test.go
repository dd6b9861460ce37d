package main

import (
	"os"
	"path/filepath"
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
		{"channel not implemented", func(s *Scenario) { s.Channels = map[string]float64{"web": 0.5, "telegram": 0.5} }, "channels.telegram: not implemented"},
		{"workspace not implemented", func(s *Scenario) { s.Workspaces = map[string]float64{"console": 1} }, "workspaces.console: not implemented"},
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
