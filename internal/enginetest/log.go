package enginetest

import (
	"io"
	"log/slog"
	"strings"
	"testing"
)

// Logger writes records at level and above to t's log, where they show
// when the test fails or runs with -v.
func Logger(t testing.TB, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(logWriter{t}, &slog.HandlerOptions{Level: level}))
}

// VerboseLogger is Logger at Info under -v and discards everything
// otherwise: for harnesses whose adapters log a lot even when all is well.
func VerboseLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return Logger(t, slog.LevelInfo)
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// logWriter sends each record (one Write per record) to t's log.
type logWriter struct{ t testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
