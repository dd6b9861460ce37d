package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/handoffbridge/handoff/adapters/console"
	"github.com/handoffbridge/handoff/bridge/sqlite"
)

// warnExposedData warns of a data directory or data file that others may
// read: the database holds every conversation and the key that signs
// widget sessions, the console's admin token file a login. The bridge
// makes them 0700 and 0600; older versions made them 0750 and 0644, and an
// operator may have changed them, so it only says so, once per start.
func warnExposedData(log *slog.Logger, dsn string) {
	files := sqlite.Files(dsn)
	if len(files) == 0 {
		return // in memory
	}
	dir := filepath.Dir(files[0])
	check := func(path string, want fs.FileMode) {
		fi, err := os.Stat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return
		}
		if err != nil {
			log.Warn("cannot check who may read a data file", "path", path, "err", err)
			return
		}
		if got := fi.Mode().Perm(); got&0o077 != 0 {
			log.Warn("data readable by others: conversations and secrets are exposed; chmod it to "+fmt.Sprintf("%#o", want),
				"path", path, "mode", fmt.Sprintf("%#o", got))
		}
	}
	check(dir, 0o700)
	for _, f := range append(files, filepath.Join(dir, console.AdminTokenFile)) {
		check(f, 0o600)
	}
}
