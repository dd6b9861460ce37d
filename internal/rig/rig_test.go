package rig

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handoffbridge/handoff/config"
)

func TestLedger(t *testing.T) {
	t0 := time.Unix(1000, 0)
	tests := []struct {
		name                       string
		sent                       []int
		seen                       []string // one text per platform message
		asked                      int      // questions to the AI, which nothing reports seen
		lost, dup, reordered, okay int
	}{
		{name: "each once in order", sent: []int{1, 2, 3}, seen: []string{"a u-c1-1", "u-c1-2\nu-c1-3"}, okay: 3},
		{name: "one lost", sent: []int{1, 2, 3}, seen: []string{"u-c1-1", "u-c1-3"}, lost: 1, okay: 2},
		{name: "a repeat in another message", sent: []int{1, 2}, seen: []string{"u-c1-1", "u-c1-2", "again u-c1-2"}, dup: 1, okay: 2},
		{name: "out of order", sent: []int{1, 2}, seen: []string{"u-c1-2", "u-c1-1"}, reordered: 1, okay: 2},
		{name: "other directions and conversations ignored", sent: []int{1}, seen: []string{"u-c1-1 a-c1-1 u-c2-1 xu-c1-1"}, okay: 1},
		{name: "questions to the AI not awaited", sent: []int{1, 2}, asked: 3, seen: []string{"u-c1-1", "u-c1-2"}, okay: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLedger()
			for _, n := range tt.sent {
				l.Sent(UserToAgent, "c1", n, t0)
			}
			for n := range tt.asked {
				l.Sent(UserToAI, "c1", len(tt.sent)+n+1, t0)
			}
			for i, text := range tt.seen {
				l.Seen(UserToAgent, text, t0.Add(time.Duration(i+1)*time.Millisecond))
			}
			r := l.Result(UserToAgent)
			if r.Sent != len(tt.sent) || r.Delivered != tt.okay || r.Lost != tt.lost || r.Duplicated != tt.dup || r.OutOfOrder != tt.reordered {
				t.Fatalf("result %+v, want delivered %d lost %d dup %d reordered %d", r, tt.okay, tt.lost, tt.dup, tt.reordered)
			}
			if (tt.lost+tt.dup+tt.reordered > 0) != (len(r.Problems) > 0) {
				t.Fatalf("problems %q", r.Problems)
			}
			if got := l.DeliveredBy(UserToAgent, t0); got != 0 {
				t.Fatalf("delivered by the send time: %d", got)
			}
			if got := l.DeliveredBy(UserToAgent, t0.Add(time.Hour)); got != tt.okay {
				t.Fatalf("delivered by an hour later: %d, want %d", got, tt.okay)
			}
			if pending, _ := l.Pending(); pending != tt.lost {
				t.Fatalf("pending %d, want %d", pending, tt.lost)
			}
			if len(r.Delays) != tt.okay || (tt.okay > 0 && r.Delays[0] < time.Millisecond) {
				t.Fatalf("delays %v", r.Delays)
			}
		})
	}
}

func TestConfigYAML(t *testing.T) {
	c := Config{Listen: "127.0.0.1:1", SlackAPIURL: "http://127.0.0.1:2/api/", SlackBotToken: "xoxb", SlackAppToken: "xapp",
		Teams:  map[string]Team{"support": {Channel: "C1", SLA: time.Hour, Phrase: "talk to a human"}},
		Agents: []AgentConfig{{Name: "ana", SlackID: "UANA", Teams: []string{"support"}}}}
	dir := t.TempDir()
	path, err := c.WriteConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The bridge watches the config's folder: the store must be elsewhere,
	// or every database write wakes the watcher.
	if filepath.Dir(path) != filepath.Join(dir, "etc") {
		t.Fatalf("config written to %s, want it in %s/etc", path, dir)
	}
	cfg := loadAsTheBridge(t, c, path)
	if cfg.Store.DSN != filepath.Join(dir, "data", "bridge.db") {
		t.Fatalf("store at %s, want it in %s/data", cfg.Store.DSN, dir)
	}
	if !cfg.Slack.Enabled || cfg.Slack.BotToken.Reveal() != "xoxb" || cfg.Teams["support"].SLA != time.Hour || cfg.Channels.Telegram.Enabled {
		t.Fatalf("config read back as %+v", cfg)
	}
}

// TestConfigYAMLOnPostgres: with a PostgreSQL DSN the store is shared:
// the bridge reads driver postgres and the DSN from the environment (a
// DSN in the file would be refused).
func TestConfigYAMLOnPostgres(t *testing.T) {
	dsn := "host=/tmp/pg port=5432 user=postgres dbname=test_1 sslmode=disable"
	c := Config{Listen: "127.0.0.1:1", PostgresDSN: dsn,
		Teams: map[string]Team{"support": {Workspace: "console", SLA: time.Hour, Phrase: "talk to a human"}}, Console: true}
	path, err := c.WriteConfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := loadAsTheBridge(t, c, path)
	if cfg.Store.Driver != "postgres" || cfg.Store.PostgresDSN.Reveal() != dsn {
		t.Fatalf("store read back as %+v", cfg.Store)
	}
}

// loadAsTheBridge reads the config file at path with c's environment, as
// the bridge would.
func loadAsTheBridge(t *testing.T, c Config, path string) *config.Config {
	t.Helper()
	env := map[string]string{}
	for _, kv := range c.env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	cfg, err := config.Load(path, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatalf("the bridge would refuse the rig's config: %v", err)
	}
	return cfg
}
