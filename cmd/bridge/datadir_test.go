package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handoffbridge/handoff/adapters/console"
)

// TestDataIsPrivateOnAFreshStart: the data directory is 0700 and every
// file the bridge keeps there (database, WAL, shared memory, console admin
// token) 0600; they were 0750 and 0644, readable by any local user.
func TestDataIsPrivateOnAFreshStart(t *testing.T) {
	path := writeConfig(t, minimalConfig+oneTeam)
	_, logs, _ := startBridge(t, path)
	data := filepath.Join(filepath.Dir(path), "data")
	db := filepath.Join(data, "bridge.db")
	for p, want := range map[string]os.FileMode{
		data: 0o700, db: 0o600, db + "-wal": 0o600, db + "-shm": 0o600,
		filepath.Join(data, console.AdminTokenFile): 0o600,
	} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s is %#o, want %#o", p, got, want)
		}
	}
	if strings.Contains(logs.String(), "readable by others") {
		t.Errorf("a fresh start warns of exposed data:\n%s", logs.String())
	}
}

// TestWarnsOfDataReadableByOthers: data left readable by others (by an
// older version, or a chmod) is named at start, with its mode.
func TestWarnsOfDataReadableByOthers(t *testing.T) {
	path := writeConfig(t, minimalConfig+oneTeam)
	data := filepath.Join(filepath.Dir(path), "data")
	db := filepath.Join(data, "bridge.db")
	token := filepath.Join(data, console.AdminTokenFile)
	if err := os.Mkdir(data, 0o750); err != nil {
		t.Fatal(err)
	}
	for p, body := range map[string]string{db: "", token: console.NewToken() + "\n"} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Set the modes past the umask.
	for p, mode := range map[string]os.FileMode{data: 0o750, db: 0o644, token: 0o644} {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	_, logs, _ := startBridge(t, path)
	for _, want := range []string{"path=" + data + " mode=0750", "path=" + db + " mode=0644", "path=" + token + " mode=0644"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("no warning with %q in the log:\n%s", want, logs.String())
		}
	}
}
