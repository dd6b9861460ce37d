package bridgetest

import (
	"log/slog"
	"strings"
	"testing"
)

// Logger is a logger writing to t's log, so that a test's output shows
// what the components under test said, next to its own failure.
func Logger(t testing.TB, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: level}))
}

type testLog struct{ t testing.TB }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
