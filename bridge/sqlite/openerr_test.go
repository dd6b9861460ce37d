package sqlite

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenErrorsSayWhatIsWrong: a store that cannot be opened is named,
// with the likely cause; SQLite alone said "unable to open database file".
func TestOpenErrorsSayWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	aFile := filepath.Join(dir, "a-file")
	aDir := filepath.Join(dir, "a-dir.db")
	notDB := filepath.Join(dir, "notes.db")
	if err := os.WriteFile(aFile, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(aDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(notDB, []byte(strings.Repeat("meeting notes, not a database\n", 20)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"a file where a directory should be", filepath.Join(aFile, "bridge.db"), "a part of the path is a file, where a directory should be"},
		{"a directory where the file should be", aDir, "it is a directory, where the database file should be"},
		{"not a database", notDB, "the file is not an SQLite database"},
	}
	if os.Geteuid() != 0 { // root writes anywhere, whatever the modes say
		ro := filepath.Join(dir, "read-only")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct{ name, path, want string }{"a read-only directory", filepath.Join(ro, "bridge.db"), "permission denied"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(context.Background(), tt.path)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%s) succeeded", tt.path)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.path) || !strings.Contains(msg, tt.want) {
				t.Errorf("Open(%s) = %q, want it to name the file and say %q", tt.path, msg, tt.want)
			}
		})
	}
}

// TestOpenErrorOnPermissionDenied: what a user without access to the
// directory gets (tests run as root, whom modes do not stop, so the error
// is made here the way the file system gives it).
func TestOpenErrorOnPermissionDenied(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "bridge.db")
	denied := &fs.PathError{Op: "mkdir", Path: filepath.Dir(path), Err: syscall.EACCES}
	msg := openError(target{path: path}, denied).Error()
	for _, want := range []string{path, "permission denied", fmt.Sprintf("uid %d", os.Geteuid()), "write its directory " + filepath.Dir(path)} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
}
