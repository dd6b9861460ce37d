package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenOnAReadOnlyMount: a new database on a read-only file system, and
// an existing one whose file system became read-only (SQLite then cannot
// make its shared memory), both say so.
func TestOpenOnAReadOnlyMount(t *testing.T) {
	t.Run("new database", func(t *testing.T) {
		dir := t.TempDir()
		mountTmpfs(t, dir, syscall.MS_RDONLY, "1m")
		wantOpenError(t, filepath.Join(dir, "bridge.db"), "the file system is mounted read-only")
	})
	t.Run("existing database", func(t *testing.T) {
		dir := t.TempDir()
		mountTmpfs(t, dir, 0, "1m")
		path := filepath.Join(dir, "bridge.db")
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		remountReadOnly(t, dir)
		wantOpenError(t, path, "the file system is mounted read-only")
	})
}

func wantOpenError(t *testing.T, path, want string) {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err == nil {
		s.Close()
		t.Fatalf("Open(%s) succeeded", path)
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, want) {
		t.Errorf("Open(%s) = %q, want it to name the file and say %q", path, msg, want)
	}
}
