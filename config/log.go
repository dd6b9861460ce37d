package config

import (
	"fmt"
	"log/slog"
)

// Log configures the structured logs.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `mapstructure:"level" default:"info"`
	// Format is text or json.
	Format string `mapstructure:"format" default:"text"`
}

var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

// SlogLevel returns Level as a slog.Level (info when unknown).
func (l Log) SlogLevel() slog.Level { return logLevels[l.Level] }

func (l Log) validate(p *problems) {
	if _, ok := logLevels[l.Level]; !ok {
		p.add("log.level", fmt.Errorf("unknown level %q, want debug, info, warn or error", l.Level))
	}
	if l.Format != "text" && l.Format != "json" {
		p.add("log.format", fmt.Errorf("unknown format %q, want text or json", l.Format))
	}
}
