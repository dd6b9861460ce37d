package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// The database holds every conversation and the widget's signing key: its
// directory is made 0700 and its files 0600. SQLite creates a new database
// with the process umask applied to 0644, and gives the WAL and the shared
// memory the database file's mode; so the file is made before SQLite opens
// it, and they follow.
const (
	dirMode  fs.FileMode = 0o700
	fileMode fs.FileMode = 0o600
)

// Files lists the files of the database that dsn names: the database, its
// WAL and its shared memory; none for an in-memory database.
func Files(dsn string) []string {
	t := parseDSN(dsn)
	if t.path == "" {
		return nil
	}
	return []string{t.path, t.path + "-wal", t.path + "-shm"}
}

// prepareFile makes the database's directory and an empty database file,
// private, unless they exist. An empty file is an empty SQLite database.
func prepareFile(t target) error {
	if err := os.MkdirAll(filepath.Dir(t.path), dirMode); err != nil {
		return err
	}
	if t.readOnly() {
		return nil // SQLite must not create it, nor must we
	}
	f, err := os.OpenFile(t.path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// tightenSidecars makes the WAL and the shared memory as private as the
// database when they are not: left over from a crash of an older version,
// or from before the database was chmod'ed. A database readable by others
// is left as it is, for the operator to decide (the bridge warns).
func tightenSidecars(t target) error {
	fi, err := os.Stat(t.path)
	if err != nil || fi.Mode().Perm()&0o077 != 0 {
		return err
	}
	for _, p := range []string{t.path + "-wal", t.path + "-shm"} {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, fileMode); err != nil {
				return fmt.Errorf("make %s private: %w", p, err)
			}
		}
	}
	return nil
}

// readOnly reports whether a file: URI opens the database read-only.
func (t target) readOnly() bool {
	_, query, _ := strings.Cut(t.base, "?")
	q, _ := url.ParseQuery(query)
	return q.Get("mode") == "ro"
}
