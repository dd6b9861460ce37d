package config

import (
	"strings"
	"testing"
	"time"
)

func TestTelegramStallTimeout(t *testing.T) {
	const base = "teams: {support: {workspace: console}}\nchannels: {telegram: {enabled: true%s}}\n"
	env := func(k string) (string, bool) {
		return map[string]string{"TELEGRAM_BOT_TOKEN": "t"}[k], k == "TELEGRAM_BOT_TOKEN"
	}
	for _, tc := range []struct {
		name, extra string
		want        time.Duration
		problem     string
	}{
		{"default", "", 75 * time.Second, ""},
		{"set", ", stall_timeout: 2m", 2 * time.Minute, ""},
		{"shorter than the long poll", ", stall_timeout: 10s", 0, "at least 30s"},
		{"no unit", ", stall_timeout: 90", 0, "write a unit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadYAML(t, strings.Replace(base, "%s", tc.extra, 1), env)
			if tc.problem != "" {
				if err == nil || !strings.Contains(err.Error(), "channels.telegram.stall_timeout") || !strings.Contains(err.Error(), tc.problem) {
					t.Fatalf("err = %v, want channels.telegram.stall_timeout: …%s", err, tc.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Channels.Telegram.StallTimeout; got != tc.want {
				t.Errorf("stall_timeout = %v, want %v", got, tc.want)
			}
		})
	}
}
