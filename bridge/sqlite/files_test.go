package sqlite

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenMakesPrivateFiles: the database holds every conversation and
// the widget's signing key, so a new data directory is 0700 and the
// database, its WAL and its shared memory 0600, whatever the umask.
func TestOpenMakesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "bridge.db")
	s := openAt(t, path, newClock())
	seedConversation(t, s, "private") // the WAL has frames

	want := map[string]fs.FileMode{dir: 0o700, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600}
	for p, mode := range want {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if got := fi.Mode().Perm(); got != mode {
			t.Errorf("%s is %#o, want %#o", p, got, mode)
		}
	}
}

// TestOpenTightensLeftoverSidecars: a WAL and shared memory left readable
// by others (by a crash of an older version) are made 0600 on open when
// the database itself is private.
func TestOpenTightensLeftoverSidecars(t *testing.T) {
	path := tempDSN(t)
	s := openAt(t, path, newClock())
	seedConversation(t, s, "leftover")
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	openAt(t, path, newClock()) // a second open of the same database, as after a restart
	for _, p := range []string{path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s is %#o after open, want 0600", p, got)
		}
	}
}
