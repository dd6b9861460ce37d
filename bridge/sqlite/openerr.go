package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// openError names the database file and, where it can be told, the likely
// cause: SQLite itself says only "unable to open database file".
func openError(t target, err error) error {
	if t.path == "" {
		return fmt.Errorf("sqlite: open: %w", err)
	}
	if cause := likelyCause(t.path, err); cause != "" {
		return fmt.Errorf("sqlite: open %s: %s: %w", t.path, cause, err)
	}
	return fmt.Errorf("sqlite: open %s: %w", t.path, err)
}

// likelyCause explains err, met opening the database at path, in words an
// operator can act on; "" when nothing more can be said.
func likelyCause(path string, err error) string {
	switch {
	case errors.Is(err, syscall.ENOTDIR):
		return "a part of the path is a file, where a directory should be"
	case errors.Is(err, syscall.EISDIR):
		return "it is a directory, where the database file should be"
	case errors.Is(err, syscall.EROFS):
		return "the file system is mounted read-only"
	case errors.Is(err, syscall.ENOSPC):
		return "the disk is full"
	case errors.Is(err, fs.ErrPermission):
		return notPermitted(path)
	}
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch se.Code() & 0xff { // the primary code of an extended one
	case sqlite3.SQLITE_NOTADB:
		return "the file is not an SQLite database (another file at this path?)"
	case sqlite3.SQLITE_CORRUPT:
		return "the database is damaged; restore it from a backup"
	case sqlite3.SQLITE_FULL:
		return "the disk is full"
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
		return cannotOpen(path)
	}
	return ""
}

// cannotOpen looks at the file system for what stopped SQLite, which needs
// to read and write the file and to create its WAL and shared memory
// beside it. It tries rather than reads modes: root ignores them, a
// read-only mount does not.
func cannotOpen(path string) string {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return "it is a directory, where the database file should be"
	}
	dir := filepath.Dir(path)
	probe, err := os.CreateTemp(dir, ".bridge-write-check-*")
	if err != nil {
		if errors.Is(err, syscall.EROFS) {
			return "the file system is mounted read-only"
		}
		return fmt.Sprintf("the directory %s is not writable by the bridge's user (uid %d); SQLite creates the -wal and -shm files there", dir, os.Geteuid())
	}
	_ = probe.Close()
	_ = os.Remove(probe.Name())
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		_ = f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return notPermitted(path)
	}
	return "check that the bridge's user may read and write the file and write its directory"
}

// notPermitted names who needs which access.
func notPermitted(path string) string {
	return fmt.Sprintf("permission denied: the bridge's user (uid %d) must be able to read and write the file and write its directory %s",
		os.Geteuid(), filepath.Dir(path))
}
