package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/handoffbridge/handoff/adapters/blobdir"
	"github.com/handoffbridge/handoff/bridge"
	"github.com/handoffbridge/handoff/bridge/postgres"
	"github.com/handoffbridge/handoff/bridge/sqlite"
	"github.com/handoffbridge/handoff/config"
)

// copyStore copies a SQLite store, and the files beside it, into the
// config's PostgreSQL database: the move from one process to replicas.
// from is the SQLite file, by default the config's store.dsn.
func copyStore(ctx context.Context, configPath, from string, force bool, stdout io.Writer) error {
	cfg, err := config.Load(configPath, nil)
	if err != nil {
		return err
	}
	if cfg.Store.Driver != "postgres" {
		return errors.New("copy-store: copies into the config's PostgreSQL store: run it with the config the replicas will use (store.driver: postgres, or BRIDGE_STORE_DRIVER=postgres), the DSN in $" + cfg.Store.DSNEnv)
	}
	if from == "" {
		from = cfg.Store.DSN
	}
	dbFiles := sqlite.Files(from)
	if len(dbFiles) == 0 {
		return fmt.Errorf("copy-store: %q is not a SQLite file", from)
	}
	if _, err := os.Stat(dbFiles[0]); err != nil {
		return fmt.Errorf("copy-store: the SQLite store: %w", err)
	}
	src, err := sqlite.Open(ctx, from)
	if err != nil {
		return fmt.Errorf("copy-store: %w", err)
	}
	defer src.Close()
	files, filesDir, err := sourceFiles(dbFiles[0])
	if err != nil {
		return fmt.Errorf("copy-store: %w", err)
	}
	dst, err := openStore(ctx, cfg.Store)
	if err != nil {
		return fmt.Errorf("copy-store: %w", err)
	}
	defer dst.Close()
	pg, ok := dst.(*postgres.Store)
	if !ok {
		return fmt.Errorf("copy-store: %s is not a PostgreSQL store", storeName(cfg.Store))
	}

	fmt.Fprintf(stdout, "copy-store: %s and the files in %s → %s\n", dbFiles[0], filesDir, storeName(cfg.Store))
	opts := postgres.CopyOptions{Files: files, Replace: force, Progress: func(table string, rows int64) {
		fmt.Fprintf(stdout, "  %-15s %d\n", table, rows)
	}}
	var report postgres.CopyReport
	err = src.Snapshot(ctx, func(sn *sqlite.Snapshot) error {
		report, err = pg.CopyIn(ctx, sn, opts)
		return err
	})
	switch {
	case errors.Is(err, postgres.ErrNotEmpty):
		return fmt.Errorf("copy-store: %w; nothing was copied. -force empties it and copies all the same", err)
	case err != nil:
		return fmt.Errorf("copy-store: %w; nothing was copied", err)
	case report.AlreadyCopied:
		fmt.Fprintln(stdout, "copy-store: the database already holds this store's copy; nothing changed")
	default:
		fmt.Fprintln(stdout, "copy-store: done; start the bridge with store.driver: postgres")
	}
	return nil
}

// sourceFiles opens the files directory beside the SQLite database (as
// the bridge keeps it), or none when it does not exist: opening would make
// it.
func sourceFiles(dbFile string) (bridge.Blobs, string, error) {
	dir := filepath.Join(filepath.Dir(dbFile), "files")
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, dir + " (none)", nil
	}
	d, err := blobdir.Open(dir, nil)
	return d, dir, err
}
